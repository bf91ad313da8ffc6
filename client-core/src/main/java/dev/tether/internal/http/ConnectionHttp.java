package dev.tether.internal.http;

import java.util.List;
import okhttp3.Call;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP side of one connection: its own cookie jar (over the application's) and its redirect
 * policy, applied to every request and WebSocket of this connection. The OkHttp clients are shared by
 * all connections ({@link HttpClientProvider}, {@link SharedClients}): opening a connection builds
 * none. Instead the {@link Call.Factory} and {@link WebSocket.Factory} handed out here tag each request
 * with this connection, and two interceptors of the shared clients ({@link #REDIRECTS},
 * {@link #COOKIES}) apply the tagged connection's {@link Redirects} and cookies. Redirects are followed
 * by {@link Redirects}, not by OkHttp, so that headers, query and cookies never follow one to another
 * origin unless the connection opted in; through an HTTP proxy that forwards plain http, each request
 * gets a connection of its own ({@link ForwardProxyConnections}). WebSockets use clients of their own
 * ({@link #webSocketClient}): sockets that bound every incoming message, in a separate pool.
 *
 * <p>Thread-safe (immutable; the cookie jar is thread-safe).
 */
public final class ConnectionHttp {
  /**
   * Follows redirects as the tagged connection's {@link Redirects} says. An application interceptor,
   * so it applies to WebSocket handshakes too; before {@link #COOKIES}, so each hop gets the cookies
   * of its own URL.
   */
  static final Interceptor REDIRECTS = chain -> {
    ConnectionHttp connection = chain.request().tag(ConnectionHttp.class);
    return connection == null ? chain.proceed(chain.request()) : connection.redirects.intercept(chain);
  };

  /**
   * Does for the tagged connection's jar what OkHttp does for a client's own jar: sends its cookies
   * for the request's URL (replacing a {@code Cookie} header, as OkHttp does), and gives it every
   * cookie a response from the network sets, hop by hop. An application interceptor, because OkHttp
   * runs no network interceptor for WebSocket handshakes.
   */
  static final Interceptor COOKIES = chain -> {
    Request request = chain.request();
    ConnectionHttp connection = request.tag(ConnectionHttp.class);
    if (connection == null) return chain.proceed(request);
    List<Cookie> cookies = connection.cookies.loadForRequest(request.url());
    if (!cookies.isEmpty()) request = request.newBuilder().header("Cookie", cookieHeader(cookies)).build();
    Response response = chain.proceed(request);
    receive(connection.cookies, response);
    return response;
  };

  private final HttpClientProvider shared;
  private final ConnectionCookieJar cookies;
  private final Redirects redirects;
  private final long maxIncomingMessageBytes;

  /**
   * @param crossOriginRedirects follow redirects to another origin too (see {@link Redirects})
   * @param maxIncomingMessageBytes the bound of every WebSocket message, checked as it arrives
   */
  public ConnectionHttp(HttpClientProvider shared, boolean crossOriginRedirects, long maxIncomingMessageBytes) {
    this.shared = shared;
    this.maxIncomingMessageBytes = maxIncomingMessageBytes;
    OkHttpClient base = shared.baseClient();
    this.cookies = new ConnectionCookieJar(base.cookieJar());
    this.redirects = new Redirects(base.followRedirects(), base.followSslRedirects(), crossOriginRedirects);
  }

  /** For the requests of an open session: never retried (a POST could arrive twice). */
  public Call.Factory client(long readTimeoutMillis) {
    return new Tagged(shared.client(readTimeoutMillis, false));
  }

  /**
   * For requests that open something and carry no session data yet (the handshake GET): OkHttp may
   * retry them on a fresh connection when a pooled one turns out to be dead, e.g. right after a
   * network drop.
   */
  public Call.Factory openingClient(long readTimeoutMillis) {
    return new Tagged(shared.client(readTimeoutMillis, true));
  }

  /**
   * For WebSocket upgrades: on sockets that bound every incoming message by
   * {@code maxIncomingMessageBytes} as its bytes arrive, and that no HTTP request shares. May retry on
   * a fresh connection, like {@link #openingClient}. No OkHttp pings.
   */
  public WebSocket.Factory webSocketClient(long readTimeoutMillis) {
    return webSocketClient(readTimeoutMillis, 0);
  }

  /** As {@link #webSocketClient(long)}, with OkHttp pinging every {@code pingIntervalMillis}. */
  public WebSocket.Factory webSocketClient(long readTimeoutMillis, long pingIntervalMillis) {
    return new Tagged(shared.webSocketClient(readTimeoutMillis, maxIncomingMessageBytes, pingIntervalMillis));
  }

  public ConnectionCookieJar cookies() {
    return cookies;
  }

  /** OkHttp's format: {@code a=1; b=2}. */
  private static String cookieHeader(List<Cookie> cookies) {
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < cookies.size(); i++) {
      if (i > 0) header.append("; ");
      header.append(cookies.get(i).name()).append('=').append(cookies.get(i).value());
    }
    return header.toString();
  }

  /** Saves the cookies of every network response that led to this one, oldest first. */
  private static void receive(CookieJar jar, Response response) {
    Response prior = response.priorResponse();
    if (prior != null) receive(jar, prior);
    Response network = response.networkResponse();
    if (network == null && response.cacheResponse() == null) network = response;
    if (network == null) return; // served from the application's cache
    List<Cookie> received = Cookie.parseAll(network.request().url(), network.headers());
    if (!received.isEmpty()) jar.saveFromResponse(network.request().url(), received);
  }

  /** One of the shared clients, tagging each request with this connection. */
  final class Tagged implements Call.Factory, WebSocket.Factory {
    final OkHttpClient client;

    Tagged(OkHttpClient client) {
      this.client = client;
    }

    private Request tag(Request request) {
      return request.newBuilder().tag(ConnectionHttp.class, ConnectionHttp.this).build();
    }

    @Override public Call newCall(Request request) {
      return client.newCall(tag(request));
    }

    @Override public WebSocket newWebSocket(Request request, WebSocketListener listener) {
      return client.newWebSocket(tag(request), listener);
    }
  }

  /** The shared client behind a factory this class handed out (for tests). */
  static @Nullable OkHttpClient sharedClient(Object factory) {
    return factory instanceof Tagged ? ((Tagged) factory).client : null;
  }
}
