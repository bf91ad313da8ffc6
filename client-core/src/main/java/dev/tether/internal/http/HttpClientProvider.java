package dev.tether.internal.http;

import okhttp3.OkHttpClient;

/** Hands out OkHttp clients that share one dispatcher and pool but differ in read timeout. */
@FunctionalInterface
public interface HttpClientProvider {
  OkHttpClient client(long readTimeoutMillis);
}
