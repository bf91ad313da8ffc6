package dev.tether.bench.e2e;

/**
 * One client library in a fresh state: its shared machinery (a {@code Tether}, an
 * {@code OkHttpClient}) created for one scenario run and released by {@link #close()}.
 */
public interface Client extends AutoCloseable {
  /** A new, not yet connected connection to {@code url} (its own Engine.IO session). */
  Conn open(String url, Transports transports);

  /** Releases everything this client created: connections, threads, pools. */
  @Override void close();
}
