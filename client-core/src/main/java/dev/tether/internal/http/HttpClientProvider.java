package dev.tether.internal.http;

import okhttp3.OkHttpClient;

/**
 * Hands out the OkHttp clients every connection of one {@code Tether} shares: they share one dispatcher
 * and differ in read timeout (and retry policy); HTTP ones share one connection pool, WebSocket ones
 * use sockets that bound every incoming message (see {@link IncomingLimitSockets}) and never share a
 * connection with HTTP. What belongs to one connection (its cookies, its redirect policy) is not in
 * the client but in {@link ConnectionHttp}, which tags each of its requests; see {@link SharedClients}.
 * Implementations are thread-safe and hand out the same instance for the same arguments, so opening a
 * connection builds no client.
 */
public interface HttpClientProvider {
  /**
   * The client the shared ones derive from (the application's, if it gave one): its cookie jar and
   * redirect settings are the application's. Not for requests.
   */
  OkHttpClient baseClient();

  /**
   * A client for the HTTP requests of {@link ConnectionHttp}; with {@code retryOnConnectionFailure},
   * OkHttp may retry a request on a fresh connection when a pooled one turns out to be dead.
   */
  OkHttpClient client(long readTimeoutMillis, boolean retryOnConnectionFailure);

  /**
   * A client for the WebSockets of {@link ConnectionHttp}, whose incoming messages may not exceed
   * {@code maxIncomingMessageBytes}, checked as their bytes arrive; OkHttp pings every
   * {@code pingIntervalMillis} (0 for never).
   */
  OkHttpClient webSocketClient(long readTimeoutMillis, long maxIncomingMessageBytes, long pingIntervalMillis);
}
