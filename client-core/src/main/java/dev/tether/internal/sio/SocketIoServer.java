package dev.tether.internal.sio;

import dev.tether.ConnectionOptions;
import dev.tether.SocketOptions;
import dev.tether.Transport;
import dev.tether.internal.TetherRuntime;
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
 * socket.io 3.x/4.x (Engine.IO v4, Socket.IO v5). The URL's path names the namespace; the endpoint is
 * the server plus {@link ConnectionOptions#path()}; namespaces of one server share a connection.
 *
 * <p>Immutable and thread-safe.
 */
public final class SocketIoServer implements ServerProtocol {
  /** socket.io 3.x and 4.x servers. */
  public static final SocketIoServer V5 = new SocketIoServer(EngineIoV4.INSTANCE, SocketIoV5.INSTANCE);

  /** socket.io-parser 4.2.6+ rejects packets with more binary attachments, on both sides. */
  static final int MAX_ATTACHMENTS = 10;

  private final EngineProtocol engineProtocol;
  private final SocketIoProtocol packetProtocol;

  SocketIoServer(EngineProtocol engineProtocol, SocketIoProtocol packetProtocol) {
    this.engineProtocol = engineProtocol;
    this.packetProtocol = packetProtocol;
  }

  @Override public Target target(HttpUrl url, ConnectionOptions options) {
    HttpUrl server = new HttpUrl.Builder().scheme(url.scheme()).host(url.host()).port(url.port()).build();
    String namespace = normalizeNamespace(url.encodedPath().isEmpty() ? "/" : url.encodedPath());
    String origin = url.scheme() + "://" + url.host() + ":" + url.port();
    return new Target(server, namespace, origin + "|" + options.path());
  }

  /** {@code "chat"} and {@code "/chat"} name the same namespace; a {@code ,} or {@code ?} is not allowed in it. */
  @Override public String normalizeNamespace(String namespace) {
    String normalized = namespace.startsWith("/") ? namespace : "/" + namespace;
    if (normalized.indexOf(',') >= 0) throw new IllegalArgumentException("namespace must not contain ',': " + namespace);
    if (normalized.indexOf('?') >= 0) {
      throw new IllegalArgumentException("namespace must not contain a query (Socket.IO v5 does not parse it); "
          + "use SocketOptions.query or auth: " + namespace);
    }
    return normalized;
  }

  @Override public void checkSocketOptions(String namespace, SocketOptions options) {
    // Socket.IO v5 carries auth, acks and binary on every namespace: nothing to refuse.
  }

  @Override public void checkEmit(Payload payload, boolean withAck) {
    String name = payload.json.get(0).getAsString();
    if (SocketIoV5.isReservedEventName(name)) {
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
    return listener -> new SocketIoConnection(engineOptions, packetProtocol, loop, runtime, memory, listener);
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
        .protocol(engineProtocol)
        .path(options.path())
        .extraHeaders(headers.build())
        .transports(transports.contains(Transport.POLLING), transports.contains(Transport.WEBSOCKET))
        .upgrade(options.upgrade() && transports.get(0) == Transport.POLLING)
        .rememberUpgrade(options.rememberUpgrade())
        .handshakeTimeout(options.timeoutMillis(), TimeUnit.MILLISECONDS)
        .maxIncomingMessageBytes(options.maxIncomingMessageBytes())
        .build();
  }
}
