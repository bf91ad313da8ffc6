package dev.tether.internal.http;

import okhttp3.OkHttpClient;

/**
 * Hands out OkHttp clients that share one dispatcher but differ in read timeout: for HTTP, sharing one
 * connection pool; for WebSockets, on sockets that bound every incoming message (see
 * {@link IncomingLimitSockets}) and never share a connection with HTTP. Implementations are thread-safe.
 */
public interface HttpClientProvider {
  OkHttpClient client(long readTimeoutMillis);

  /**
   * A client for WebSockets whose incoming messages may not exceed {@code maxIncomingMessageBytes},
   * checked as their bytes arrive.
   */
  OkHttpClient webSocketClient(long readTimeoutMillis, long maxIncomingMessageBytes);
}
