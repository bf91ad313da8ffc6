package dev.tether;

import dev.tether.internal.TetherRuntime;
import java.io.Closeable;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The root of Tether: holds the threads, timers and HTTP client that every connection made from it
 * shares. Create one per application and share it, as you would an {@code OkHttpClient}: thousands
 * of connections can run on one instance.
 *
 * <pre>{@code
 * Tether tether = Tether.create();
 * ...
 * tether.close(); // every thread stops; the JVM can exit at once
 * }</pre>
 *
 * <h3>Threads</h3>
 * Each connection runs on its own serial event loop; the loops share a small pool of daemon threads.
 * One daemon timer thread serves every timer. HTTP runs on OkHttp, whose blocking I/O holds one
 * thread per request in flight (a held long-poll, an open WebSocket).
 *
 * <h3>OkHttp</h3>
 * Pass your own {@link OkHttpClient} to share its connection pool, TLS, proxy, interceptor and cookie
 * settings. Tether derives a client from it with {@link OkHttpClient#newBuilder()} and its own
 * dispatcher (the default one allows only 5 requests per host, and every long-poll or WebSocket holds
 * one for its whole life); your client is never modified or shut down.
 *
 * <p>Thread-safe.
 */
public final class Tether implements Closeable {
  private final TetherRuntime runtime;

  private Tether(Builder builder) {
    runtime = TetherRuntime.create(new TetherRuntime.Config().okHttpClient(builder.okHttpClient));
  }

  /** A Tether with default settings. */
  public static Tether create() {
    return new Builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    return runtime.isClosed();
  }

  /**
   * Cancels every request in flight and stops every thread this instance created. A user-supplied
   * {@link OkHttpClient} is left untouched. Does not block. Idempotent.
   */
  @Override public void close() {
    runtime.close();
  }

  /** Configures a {@link Tether}. Not thread-safe; the built instance is. */
  public static final class Builder {
    private @Nullable OkHttpClient okHttpClient;

    Builder() {
    }

    /** Bases every HTTP request and WebSocket on this client (derived, never modified or closed). */
    public Builder okHttpClient(OkHttpClient client) {
      if (client == null) throw new NullPointerException("client == null");
      this.okHttpClient = client;
      return this;
    }

    public Tether build() {
      return new Tether(this);
    }
  }
}
