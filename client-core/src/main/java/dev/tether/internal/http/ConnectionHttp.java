package dev.tether.internal.http;

import java.util.HashMap;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * The HTTP side of one connection: its own cookie jar, and OkHttp clients derived from the shared
 * ones so that every request and WebSocket of this connection uses that jar. Deriving a client
 * shares the dispatcher, pool and TLS setup; it costs one small object.
 *
 * <p>Not thread-safe: used on the connection's event loop.
 */
public final class ConnectionHttp {
  private final HttpClientProvider shared;
  private final ConnectionCookieJar cookies;
  private final Map<Long, OkHttpClient> clients = new HashMap<>();

  public ConnectionHttp(HttpClientProvider shared) {
    this.shared = shared;
    this.cookies = new ConnectionCookieJar(shared.client(0).cookieJar());
  }

  public OkHttpClient client(long readTimeoutMillis) {
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
  public OkHttpClient openingClient(long readTimeoutMillis) {
    Long key = -readTimeoutMillis - 1; // a separate cache slot
    OkHttpClient client = clients.get(key);
    if (client == null) {
      client = client(readTimeoutMillis).newBuilder().retryOnConnectionFailure(true).build();
      clients.put(key, client);
    }
    return client;
  }

  public ConnectionCookieJar cookies() {
    return cookies;
  }
}
