package dev.tether.internal.http;

import java.util.HashMap;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * The HTTP side of one connection: its own cookie jar, and OkHttp clients derived from the shared
 * ones so that every request and WebSocket of this connection uses that jar. Deriving a client
 * shares the dispatcher, pool and TLS setup; it costs one small object. Redirects are followed by
 * {@link Redirects}, not by OkHttp, so that headers, query and cookies never follow one to another
 * origin unless the connection opted in; through an HTTP proxy that forwards plain http, each request
 * gets a connection of its own ({@link ForwardProxyConnections}). WebSockets use clients of their own
 * ({@link #webSocketClient}): sockets that bound every incoming message, in a separate pool.
 *
 * <p>Not thread-safe: used on the connection's event loop.
 */
public final class ConnectionHttp {
  private final HttpClientProvider shared;
  private final ConnectionCookieJar cookies;
  private final Redirects redirects;
  private final long maxIncomingMessageBytes;
  private final Map<Long, OkHttpClient> clients = new HashMap<>();
  private final Map<Long, OkHttpClient> webSocketClients = new HashMap<>();

  /**
   * @param crossOriginRedirects follow redirects to another origin too (see {@link Redirects})
   * @param maxIncomingMessageBytes the bound of every WebSocket message, checked as it arrives
   */
  public ConnectionHttp(HttpClientProvider shared, boolean crossOriginRedirects, long maxIncomingMessageBytes) {
    this.shared = shared;
    this.maxIncomingMessageBytes = maxIncomingMessageBytes;
    OkHttpClient base = shared.client(0);
    this.cookies = new ConnectionCookieJar(base.cookieJar());
    this.redirects = new Redirects(base.followRedirects(), base.followSslRedirects(), crossOriginRedirects);
  }

  public OkHttpClient client(long readTimeoutMillis) {
    Long key = readTimeoutMillis;
    OkHttpClient client = clients.get(key);
    if (client == null) {
      client = shared.client(readTimeoutMillis).newBuilder()
          .cookieJar(cookies)
          .followRedirects(false) // Redirects follows them, within the origin
          .followSslRedirects(false)
          .addInterceptor(redirects)
          .addNetworkInterceptor(ForwardProxyConnections.INSTANCE)
          .build();
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

  /**
   * For WebSocket upgrades: on sockets that bound every incoming message by
   * {@code maxIncomingMessageBytes} as its bytes arrive, and that no HTTP request shares. May retry on
   * a fresh connection, like {@link #openingClient}.
   */
  public OkHttpClient webSocketClient(long readTimeoutMillis) {
    Long key = readTimeoutMillis;
    OkHttpClient client = webSocketClients.get(key);
    if (client == null) {
      client = shared.webSocketClient(readTimeoutMillis, maxIncomingMessageBytes).newBuilder()
          .cookieJar(cookies)
          .followRedirects(false) // Redirects follows them, within the origin
          .followSslRedirects(false)
          .addInterceptor(redirects)
          .retryOnConnectionFailure(true)
          .build();
      webSocketClients.put(key, client);
    }
    return client;
  }

  public ConnectionCookieJar cookies() {
    return cookies;
  }
}
