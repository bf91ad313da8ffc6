package dev.tether.internal;

import dev.tether.internal.http.HttpClientProvider;
import dev.tether.internal.http.SharedClients;
import dev.tether.internal.loop.DaemonThreadFactory;
import dev.tether.internal.loop.ScheduledExecutorTaskScheduler;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.loop.TaskScheduler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The shared machinery behind one {@code Tether}: the pool that runs every connection's event loop,
 * the one timer thread, and the OkHttp client derived for long-lived requests, from which every
 * connection's clients are derived once and then shared ({@link SharedClients}): for WebSockets, per
 * incoming message limit in use, on sockets that bound each message (see {@code IncomingLimitSockets}).
 *
 * <p>Threads: {@code tether-loop-N} (a small fixed pool; loops borrow a thread only while they have
 * work), {@code tether-timer-1}, and OkHttp's {@code tether-io-N}, which OkHttp's blocking I/O holds
 * for the life of each request in flight (a pending long-poll GET, an open WebSocket): virtual threads
 * on Java 21+, platform threads before (see {@link IoExecutors}). All are daemons.
 *
 * <p>Thread-safe.
 */
public final class TetherRuntime implements HttpClientProvider {
  /** No per-host or global cap: a pending poll or an open WebSocket holds its slot for its whole life. */
  static final int MAX_REQUESTS = 1 << 20;

  private final ThreadPoolExecutor loopPool;
  private final TaskScheduler scheduler;
  private final @Nullable ScheduledExecutorTaskScheduler ownedScheduler;
  private final ExecutorService ioExecutor;
  private final OkHttpClient baseClient;
  private final boolean ownsConnectionPool;
  /** The clients every connection shares, derived from baseClient once each (SharedClients). */
  private final SharedClients clients;
  private volatile boolean closed;

  private TetherRuntime(Config config) {
    loopPool = new ThreadPoolExecutor(config.loopThreads, config.loopThreads, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<Runnable>(), new DaemonThreadFactory("tether-loop"));
    loopPool.allowCoreThreadTimeOut(true);
    if (config.scheduler != null) {
      scheduler = config.scheduler;
      ownedScheduler = null;
    } else {
      ownedScheduler = new ScheduledExecutorTaskScheduler("tether-timer");
      scheduler = ownedScheduler;
    }
    ioExecutor = IoExecutors.create("tether-io");
    Dispatcher dispatcher = new Dispatcher(ioExecutor);
    dispatcher.setMaxRequests(MAX_REQUESTS);
    dispatcher.setMaxRequestsPerHost(MAX_REQUESTS);

    OkHttpClient.Builder builder;
    if (config.userClient != null) {
      // Derived, never mutated: the user's client keeps its own dispatcher and limits.
      builder = config.userClient.newBuilder();
      ownsConnectionPool = false;
    } else {
      // Idle connections are dropped before Node's default keep-alive timeout (5 s) would drop them.
      builder = new OkHttpClient.Builder().connectionPool(new ConnectionPool(5, 4, TimeUnit.SECONDS));
      ownsConnectionPool = true;
    }
    OkHttpClient socketFactorySource = config.userClient;
    baseClient = builder
        .socketFactory(new NoDelaySocketFactory(socketFactorySource != null
            ? socketFactorySource.socketFactory() : javax.net.SocketFactory.getDefault()))
        .dispatcher(dispatcher)
        .pingInterval(0, TimeUnit.MILLISECONDS) // Engine.IO has its own heartbeat
        // A silent retry could deliver a POST twice, or take a poll's packets from a second
        // response while the first one's vanished. Failures surface; the session layer decides.
        .retryOnConnectionFailure(false)
        .build();
    clients = new SharedClients(baseClient);
  }

  public static TetherRuntime create(Config config) {
    return new TetherRuntime(config);
  }

  /** A new event loop for one connection. */
  public SerialExecutor newLoop(String name) {
    return new SerialExecutor(loopPool, scheduler, name);
  }

  public TaskScheduler scheduler() {
    return scheduler;
  }

  @Override public OkHttpClient baseClient() {
    return baseClient;
  }

  @Override public OkHttpClient client(long readTimeoutMillis, boolean retryOnConnectionFailure) {
    return clients.client(readTimeoutMillis, retryOnConnectionFailure);
  }

  @Override public OkHttpClient webSocketClient(long readTimeoutMillis, long maxIncomingMessageBytes,
      long pingIntervalMillis) {
    return clients.webSocketClient(readTimeoutMillis, maxIncomingMessageBytes, pingIntervalMillis);
  }

  public boolean isClosed() {
    return closed;
  }

  /** Whether OkHttp's blocking I/O runs on virtual threads (Java 21+, see {@link IoExecutors}). */
  public boolean virtualIoThreads() {
    return !(ioExecutor instanceof ThreadPoolExecutor);
  }

  /**
   * Cancels every request in flight and stops every thread this runtime created. A user-supplied
   * OkHttp client (its pool, its own dispatcher) is left alone. Does not block. Idempotent.
   */
  public void close() {
    if (closed) return;
    closed = true;
    baseClient.dispatcher().cancelAll();
    ioExecutor.shutdown();
    loopPool.shutdown();
    if (ownedScheduler != null) ownedScheduler.shutdown();
    if (ownsConnectionPool) baseClient.connectionPool().evictAll();
  }

  /** Settings of a runtime; fields are read once at creation. */
  public static final class Config {
    @Nullable OkHttpClient userClient;
    @Nullable TaskScheduler scheduler;
    int loopThreads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    public Config okHttpClient(@Nullable OkHttpClient client) {
      this.userClient = client;
      return this;
    }

    /** Replaces the real timer, e.g. with virtual time in tests. */
    public Config scheduler(@Nullable TaskScheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    public Config loopThreads(int threads) {
      if (threads < 1) throw new IllegalArgumentException("loopThreads < 1: " + threads);
      this.loopThreads = threads;
      return this;
    }
  }
}
