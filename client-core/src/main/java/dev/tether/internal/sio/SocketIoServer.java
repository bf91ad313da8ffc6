package dev.tether.internal.sio;

import dev.tether.ConnectionOptions;
import dev.tether.SocketOptions;
import dev.tether.Transport;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.engine.EngineIoV3;
import dev.tether.internal.engine.EngineIoV4;
import dev.tether.internal.engine.EngineOptions;
import dev.tether.internal.engine.EngineProtocol;
import dev.tether.internal.engine.TransportMemory;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.wire.Connector;
import dev.tether.internal.wire.Payload;
import dev.tether.internal.wire.ServerProtocol;
import dev.tether.internal.wire.Target;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * Socket.IO servers: an Engine.IO protocol below, a Socket.IO packet codec above it. {@link #V5} is
 * socket.io 3.x/4.x (Engine.IO v4, Socket.IO v5), {@link #V4} socket.io 2.x (Engine.IO v3, Socket.IO v4). The URL's path names the namespace; the endpoint is
 * the server plus {@link ConnectionOptions#path()}; namespaces of one server share a connection.
 *
 * <p>Immutable and thread-safe.
 */
public final class SocketIoServer implements ServerProtocol {
  /** socket.io 3.x and 4.x servers. */
  public static final SocketIoServer V5 = new SocketIoServer(options -> EngineIoV4.INSTANCE, SocketIoV5.INSTANCE,
      Joins.FOR_V5);

  /**
   * socket.io 2.x servers, and socket.io 4.x with {@code allowEIO3} (Engine.IO v3, Socket.IO v4): {@code /}
   * is joined by the server, auth travels as a namespace query, no recovery; the connection's
   * {@code maxPayload} is assumed when the server announces none.
   */
  public static final SocketIoServer V4 = new SocketIoServer(
      options -> EngineIoV3.assumingMaxPayload(options.maxPayload()), SocketIoV4.INSTANCE, Joins.FOR_V4);

  /** socket.io-parser 4.2.6+ rejects packets with more binary attachments, on both sides. */
  static final int MAX_ATTACHMENTS = 10;

  /** The Engine.IO revision, per Manager: it may depend on the options (an assumed maxPayload, say). */
  private final EngineProtocolFactory engineProtocol;
  private final SocketIoProtocol packetProtocol;
  private final Joins.Factory joins;

  /** Picks the Engine.IO protocol of one Manager. Stateless and thread-safe. */
  interface EngineProtocolFactory {
    EngineProtocol forOptions(ConnectionOptions options);
  }

  SocketIoServer(EngineProtocolFactory engineProtocol, SocketIoProtocol packetProtocol, Joins.Factory joins) {
    this.engineProtocol = engineProtocol;
    this.packetProtocol = packetProtocol;
    this.joins = joins;
  }

  @Override public Target target(HttpUrl url, ConnectionOptions options) {
    HttpUrl server = new HttpUrl.Builder().scheme(url.scheme()).host(url.host()).port(url.port()).build();
    String namespace = normalizeNamespace(url.encodedPath().isEmpty() ? "/" : url.encodedPath());
    String origin = url.scheme() + "://" + url.host() + ":" + url.port();
    return new Target(server, namespace, origin + "|" + options.path());
  }

  /**
   * {@code "chat"} and {@code "/chat"} name the same namespace. The namespace is written raw into
   * every Socket.IO packet ({@code 2/chat,["event"]}) and, on long-polling, into a payload whose packets
   * are separated by U+001E, so nothing that can end it early or split the payload is allowed: no
   * {@code ,} (ends the namespace), no {@code ?} (a query, which Socket.IO v5 does not parse), no
   * control character (U+0000–U+001F, U+007F–U+009F: U+001E would start a packet of its own), no
   * unpaired surrogate (it cannot be encoded as UTF-8 and would reach the server as U+FFFD).
   *
   * @throws IllegalArgumentException naming the character (e.g. {@code U+001E}) and where it is
   */
  @Override public String normalizeNamespace(String namespace) {
    String normalized = namespace.startsWith("/") ? namespace : "/" + namespace;
    for (int i = 0; i < normalized.length(); i++) {
      char c = normalized.charAt(i);
      if (Character.isISOControl(c)) {
        throw badNamespace(namespace, "the control character " + codePoint(c) + " at index " + index(namespace, i));
      }
      if (Character.isHighSurrogate(c) && i + 1 < normalized.length()
          && Character.isLowSurrogate(normalized.charAt(i + 1))) {
        i++; // a well-formed pair: a supplementary character
      } else if (Character.isSurrogate(c)) {
        throw badNamespace(namespace, "the unpaired surrogate " + codePoint(c) + " at index " + index(namespace, i)
            + " (not encodable as UTF-8)");
      }
    }
    if (normalized.indexOf(',') >= 0) throw badNamespace(namespace, "',' (it ends the namespace in every packet)");
    if (normalized.indexOf('?') >= 0) {
      throw new IllegalArgumentException("namespace must not contain a query; use SocketOptions.query or auth: "
          + SioPacket.printable(namespace));
    }
    return normalized;
  }

  private static IllegalArgumentException badNamespace(String namespace, String what) {
    return new IllegalArgumentException("namespace must not contain " + what + ": " + SioPacket.printable(namespace));
  }

  /** The index in the namespace as the caller wrote it, before a leading {@code /} was added. */
  private static int index(String namespace, int indexInNormalized) {
    return namespace.startsWith("/") ? indexInNormalized : indexInNormalized - 1;
  }

  private static String codePoint(char c) {
    String hex = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
    return "U+" + "0000".substring(hex.length()) + hex;
  }

  /**
   * Socket.IO v5 carries auth, acks and binary on every namespace: nothing to refuse. Socket.IO v4
   * (socket.io 2.x) has no auth: a socket's auth is sent as its namespace query, so a fixed auth must
   * be an object of string values, and the default namespace, which is joined without a query, takes
   * none at all.
   */
  @Override public void checkSocketOptions(String namespace, SocketOptions options) {
    if (!(packetProtocol instanceof SocketIoV4) || options.auth() == null) return;
    if (SioPacket.ROOT.equals(namespace)) {
      throw new IllegalArgumentException("auth cannot be sent to the default namespace \"/\" of a socket.io 2.x "
          + "server (Socket.IO v4 carries auth as a namespace query, and \"/\" is joined by the server without one): "
          + "use SocketOptions.query for the connection's query instead");
    }
    Object fixed = options.fixedAuth();
    if (fixed == null) return; // a provider: its values are checked at each join
    if (fixed instanceof com.google.gson.JsonObject) {
      Joins.V4.query((com.google.gson.JsonObject) fixed);
    } else if (fixed instanceof Map) {
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) fixed).entrySet()) {
        if (!(entry.getValue() instanceof CharSequence)) {
          throw new IllegalArgumentException("a socket.io 2.x server takes auth as a namespace query: every auth "
              + "value must be a string, but \"" + entry.getKey() + "\" is "
              + (entry.getValue() == null ? "null" : entry.getValue().getClass().getSimpleName()));
        }
      }
    }
  }

  @Override public void checkEmit(Payload payload, boolean withAck) {
    String name = payload.json.get(0).getAsString();
    if (SocketIoV5.isReservedEventName(name)
        || packetProtocol instanceof SocketIoV4 && SocketIoV4.isReservedEventName(name)) {
      throw new IllegalArgumentException("'" + name + "' is a reserved event name");
    }
    if (payload.attachments.size() > MAX_ATTACHMENTS) {
      throw new IllegalArgumentException("at most " + MAX_ATTACHMENTS + " binary values per emit (servers reject more), got "
          + payload.attachments.size());
    }
  }

  @Override public void checkAck(Payload payload) {
    if (payload.attachments.size() > MAX_ATTACHMENTS) {
      throw new IllegalArgumentException("at most " + MAX_ATTACHMENTS + " binary values per ack");
    }
  }

  @Override public Connector connector(HttpUrl server, ConnectionOptions options, TetherRuntime runtime,
      SerialExecutor loop) {
    EngineOptions engineOptions = engineOptions(server, options);
    TransportMemory memory = new TransportMemory(); // outlives each connection: rememberUpgrade
    return listener -> new SocketIoConnection(engineOptions, packetProtocol, joins, loop, runtime, memory, listener);
  }

  private EngineOptions engineOptions(HttpUrl server, ConnectionOptions options) {
    HttpUrl.Builder endpoint = server.newBuilder();
    for (Map.Entry<String, String> entry : options.query().entrySet()) {
      endpoint.addQueryParameter(entry.getKey(), entry.getValue());
    }
    Headers.Builder headers = new Headers.Builder();
    for (Map.Entry<String, List<String>> entry : options.extraHeaders().entrySet()) {
      for (String value : entry.getValue()) headers.add(entry.getKey(), value);
    }
    List<Transport> transports = options.transports();
    return EngineOptions.builder(endpoint.build())
        .protocol(engineProtocol.forOptions(options))
        .path(options.path())
        .extraHeaders(headers.build())
        .transports(transports.contains(Transport.POLLING), transports.contains(Transport.WEBSOCKET))
        .upgrade(options.upgrade() && transports.get(0) == Transport.POLLING)
        .rememberUpgrade(options.rememberUpgrade())
        .crossOriginRedirects(options.crossOriginRedirects())
        .handshakeTimeout(options.timeoutMillis(), TimeUnit.MILLISECONDS)
        .maxIncomingMessageBytes(options.maxIncomingMessageBytes())
        .assumedMaxPayload(options.maxPayload())
        .build();
  }
}
