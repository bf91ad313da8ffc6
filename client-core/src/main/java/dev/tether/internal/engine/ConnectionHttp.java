package dev.tether.internal.engine;

import java.util.HashMap;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * The HTTP side of one connection: its own cookie jar, and OkHttp clients derived from the shared
 * ones so that every request and WebSocket of this connection uses that jar. Deriving a client
 * shares the dispatcher, pool and TLS setup; it costs one small object. WebSockets use clients of
 * their own ({@link #webSocketClient}): sockets that bound every incoming message, in a separate pool.
 *
 * <p>Not thread-safe: used on the connection's event loop.
 */
final class ConnectionHttp {
  private final HttpClientProvider shared;
  private final ConnectionCookieJar cookies;
  private final long maxIncomingMessageBytes;
  private final Map<Long, OkHttpClient> clients = new HashMap<>();
  private final Map<Long, OkHttpClient> webSocketClients = new HashMap<>();

  ConnectionHttp(HttpClientProvider shared, long maxIncomingMessageBytes) {
    this.shared = shared;
    this.maxIncomingMessageBytes = maxIncomingMessageBytes;
    this.cookies = new ConnectionCookieJar(shared.client(0).cookieJar());
  }

  OkHttpClient client(long readTimeoutMillis) {
    Long key = readTimeoutMillis;
    OkHttpClient client = clients.get(key);
    if (client == null) {
      client = shared.client(readTimeoutMillis).newBuilder().cookieJar(cookies).build();
      clients.put(key, client);
    }
    return client;
  }

  /**
   * For requests that open something and carry no session data yet (the handshake GET, a WebSocket
   * upgrade): OkHttp may retry them on a fresh connection when a pooled one turns out to be dead, e.g.
   * right after a network drop. Requests of an open session are never retried (a POST could arrive twice).
   */
  OkHttpClient openingClient(long readTimeoutMillis) {
    Long key = -readTimeoutMillis - 1; // a separate cache slot
    OkHttpClient client = clients.get(key);
    if (client == null) {
      client = client(readTimeoutMillis).newBuilder().retryOnConnectionFailure(true).build();
      clients.put(key, client);
    }
    return client;
  }

  /**
   * For WebSocket upgrades: on sockets that bound every incoming message by
   * {@code maxIncomingMessageBytes} as its bytes arrive, and that no HTTP request shares. May retry on
   * a fresh connection, like {@link #openingClient}.
   */
  OkHttpClient webSocketClient(long readTimeoutMillis) {
    Long key = readTimeoutMillis;
    OkHttpClient client = webSocketClients.get(key);
    if (client == null) {
      client = shared.webSocketClient(readTimeoutMillis, maxIncomingMessageBytes).newBuilder()
          .cookieJar(cookies).retryOnConnectionFailure(true).build();
      webSocketClients.put(key, client);
    }
    return client;
  }

  ConnectionCookieJar cookies() {
    return cookies;
  }
}
