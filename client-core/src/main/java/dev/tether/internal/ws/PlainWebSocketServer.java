package dev.tether.internal.ws;

import dev.tether.ConnectionOptions;
import dev.tether.Envelope;
import dev.tether.PlainWebSocket;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.http.ConnectionHttp;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.wire.Connector;
import dev.tether.internal.wire.Payload;
import dev.tether.internal.wire.ServerProtocol;
import dev.tether.internal.wire.Target;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.WebSocket;

/**
 * Plain WebSocket servers: the URL as given is the endpoint, there is one socket per connection
 * (namespace {@code /}, never shared), no join step, and events are framed by the
 * {@link PlainWebSocket#envelope()}. What such a server cannot carry (namespaces, auth, acks without
 * a correlation id, what the envelope refuses) fails on the caller's thread.
 *
 * <p>Immutable and thread-safe.
 */
public final class PlainWebSocketServer implements ServerProtocol {
  private final PlainWebSocket settings;
  private final Envelope envelope;

  public PlainWebSocketServer(PlainWebSocket settings) {
    this.settings = settings;
    this.envelope = settings.envelope();
  }

  /** The URL's path is the server's endpoint; nothing in it names a namespace. Never shared. */
  @Override public Target target(HttpUrl url, ConnectionOptions options) {
    HttpUrl server = url.newBuilder().query(null).fragment(null).build();
    return new Target(server, WireMessages.NAMESPACE, null);
  }

  @Override public String normalizeNamespace(String namespace) {
    if (namespace.isEmpty() || namespace.equals(WireMessages.NAMESPACE)) return WireMessages.NAMESPACE;
    throw new IllegalArgumentException("a plain WebSocket server has no namespaces (got " + namespace
        + "): its URL's path is the endpoint; use tether.socket(\"ws://host/endpoint\", options)");
  }

  @Override public void checkSocketOptions(String namespace, SocketOptions options) {
    if (options.auth() != null) {
      throw new IllegalArgumentException("auth is sent in a Socket.IO CONNECT, which a plain WebSocket does not "
          + "have; send credentials in a header (extraHeader), a query parameter, or an emit in onConnectBeforeFlush");
    }
  }

  @Override public void checkEmit(Payload payload, boolean withAck) {
    String name = payload.json.get(0).getAsString();
    if (name.equals(Socket.UNPARSED)) {
      throw new IllegalArgumentException("'" + Socket.UNPARSED + "' is reserved for frames the envelope could not read");
    }
    if (withAck && !envelope.carriesAckIds()) {
      throw new IllegalArgumentException(envelope + " carries no correlation id, so no reply could ever be matched "
          + "to this emit: use emit, or an envelope with ids such as Envelope.json(\"name\", \"data\", \"id\")");
    }
    envelope.checkEmit(WireMessages.outgoing(name, null, payload));
  }

  @Override public void checkAck(Payload payload) {
    envelope.checkEmit(WireMessages.outgoing(null, 0L, payload));
  }

  @Override public Connector connector(HttpUrl server, ConnectionOptions options, TetherRuntime runtime,
      SerialExecutor loop) {
    HttpUrl.Builder endpoint = server.newBuilder();
    for (Map.Entry<String, String> entry : options.query().entrySet()) {
      endpoint.addQueryParameter(entry.getKey(), entry.getValue());
    }
    Headers.Builder headers = new Headers.Builder();
    for (Map.Entry<String, List<String>> entry : options.extraHeaders().entrySet()) {
      for (String value : entry.getValue()) headers.add(entry.getKey(), value);
    }
    Endpoint target = new Endpoint(endpoint.build(), headers.build(), options.timeoutMillis(),
        options.maxIncomingMessageBytes(), settings);
    // One cookie jar per Manager, kept across its reconnections: a cookie set on one upgrade (a sticky
    // load balancer's) goes back on the next, so a reconnection reaches the same node.
    ConnectionHttp http = new ConnectionHttp(runtime, options.crossOriginRedirects(), options.maxIncomingMessageBytes());
    WebSocket.Factory client = webSocketClient(http, target);
    return listener -> new PlainWebSocketConnection(target, client, loop, listener);
  }

  /**
   * The WebSocket client every kind of server uses (the user's client: TLS, proxy, interceptors;
   * this Manager's cookie jar; redirects only within the origin; every incoming message bounded by
   * {@code maxIncomingMessageBytes} as it arrives, closing with 1009), with OkHttp's pings for
   * liveness: a ping still unanswered when the next is due fails the socket, so a dead peer is
   * noticed within twice the interval.
   */
  private static WebSocket.Factory webSocketClient(ConnectionHttp http, Endpoint endpoint) {
    return http.webSocketClient(endpoint.openTimeoutMillis, endpoint.settings.pingIntervalMillis());
  }

  @Override public String toString() {
    return "PlainWebSocketServer{" + settings + "}";
  }

  /** Where and how one Manager's connections open. Immutable. */
  static final class Endpoint {
    final HttpUrl url;
    final Headers headers;
    final long openTimeoutMillis;
    /** Checked again once OkHttp has read a message: the sockets' guard misses only SOCKS proxies. */
    final long maxIncomingMessageBytes;
    final PlainWebSocket settings;

    Endpoint(HttpUrl url, Headers headers, long openTimeoutMillis, long maxIncomingMessageBytes,
        PlainWebSocket settings) {
      this.url = url;
      this.headers = headers;
      this.openTimeoutMillis = openTimeoutMillis;
      this.maxIncomingMessageBytes = maxIncomingMessageBytes;
      this.settings = settings;
    }

    /**
     * Queued data that makes no progress for this long ends the connection: twice the ping interval
     * (never less than the default's), plus a second. OkHttp's write timeout usually fires first;
     * this is the backstop for a client without one.
     */
    long stallBudgetMillis() {
      return 2 * Math.max(settings.pingIntervalMillis(), PlainWebSocket.DEFAULT_PING_INTERVAL_MILLIS) + 1_000;
    }
  }
}
