package dev.tether.internal.http;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.CookieJar;
import okhttp3.OkHttpClient;

/**
 * The OkHttp clients derived from one base client, each built once and then shared by every connection
 * that asks with the same settings (see {@link HttpClientProvider}). A connection's own state travels
 * with its requests instead (see {@link ConnectionHttp}): these clients have no cookie jar of their own
 * and do not follow redirects; two shared interceptors apply the tagged connection's {@link Redirects}
 * and cookies.
 *
 * <p>Each cache keeps the {@value #MAX_CACHED} most recently used clients: a connection's settings
 * (timeouts the server announces, message limits) take few distinct values, and a client dropped
 * from a cache stays usable by whoever holds it (it shares the base's dispatcher and pools).
 *
 * <p>Thread-safe.
 */
public final class SharedClients implements HttpClientProvider {
  static final int MAX_CACHED = 16;

  private final OkHttpClient base;
  private final Map<List<Long>, OkHttpClient> httpClients = lru();
  /** Per message limit: the client whose sockets carry that limit, and its own connection pool. */
  private final Map<Long, OkHttpClient> limitedClients = lru();
  /** Keyed by [read timeout, message limit, ping interval]. */
  private final Map<List<Long>, OkHttpClient> webSocketClients = lru();

  public SharedClients(OkHttpClient base) {
    this.base = base;
  }

  @Override public OkHttpClient baseClient() {
    return base;
  }

  @Override public synchronized OkHttpClient client(long readTimeoutMillis, boolean retryOnConnectionFailure) {
    List<Long> key = Arrays.asList(readTimeoutMillis, retryOnConnectionFailure ? 1L : 0L);
    OkHttpClient client = httpClients.get(key);
    if (client == null) {
      client = perConnection(base.newBuilder())
          .readTimeout(readTimeoutMillis, TimeUnit.MILLISECONDS)
          .retryOnConnectionFailure(retryOnConnectionFailure)
          .addNetworkInterceptor(ForwardProxyConnections.INSTANCE)
          .build();
      httpClients.put(key, client);
    }
    return client;
  }

  @Override public synchronized OkHttpClient webSocketClient(long readTimeoutMillis, long maxIncomingMessageBytes,
      long pingIntervalMillis) {
    List<Long> key = Arrays.asList(readTimeoutMillis, maxIncomingMessageBytes, pingIntervalMillis);
    OkHttpClient client = webSocketClients.get(key);
    if (client == null) {
      OkHttpClient limited = limitedClients.get(maxIncomingMessageBytes);
      if (limited == null) {
        limited = IncomingLimitSockets.webSocketClient(base, maxIncomingMessageBytes);
        limitedClients.put(maxIncomingMessageBytes, limited);
      }
      client = perConnection(limited.newBuilder())
          .readTimeout(readTimeoutMillis, TimeUnit.MILLISECONDS)
          .pingInterval(pingIntervalMillis, TimeUnit.MILLISECONDS)
          .retryOnConnectionFailure(true) // an upgrade carries no session data yet
          .build();
      webSocketClients.put(key, client);
    }
    return client;
  }

  /** How many clients the caches hold (for tests). */
  synchronized int cachedClients() {
    return httpClients.size() + limitedClients.size() + webSocketClients.size();
  }

  /** Hands redirects and cookies to the connection that tagged the request. */
  private static OkHttpClient.Builder perConnection(OkHttpClient.Builder builder) {
    return builder
        .cookieJar(CookieJar.NO_COOKIES) // the connection's jar (over the application's) is applied instead
        .followRedirects(false) // the connection's Redirects follows them, within the origin
        .followSslRedirects(false)
        .addInterceptor(ConnectionHttp.REDIRECTS)
        .addInterceptor(ConnectionHttp.COOKIES);
  }

  private static <K> Map<K, OkHttpClient> lru() {
    return new LinkedHashMap<K, OkHttpClient>(MAX_CACHED, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override protected boolean removeEldestEntry(Map.Entry<K, OkHttpClient> eldest) {
        return size() > MAX_CACHED;
      }
    };
  }
}
