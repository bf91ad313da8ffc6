package dev.tether;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.client.ClientContext;
import dev.tether.internal.client.PayloadCodec;
import dev.tether.internal.client.RealManager;
import dev.tether.internal.sio.SocketIoServer;
import dev.tether.internal.wire.ServerProtocol;
import dev.tether.internal.wire.Target;
import dev.tether.internal.ws.PlainWebSocketServer;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * The root of Tether: holds the threads, timers, HTTP client and Gson that every connection made
 * from it shares. Create one per application and share it, as you would an {@code OkHttpClient}:
 * thousands of connections can run on one instance.
 *
 * <pre>{@code
 * Tether tether = Tether.create();
 * Socket socket = tether.socket("http://localhost:8005");
 * socket.on("news", String.class, news -> socket.emit("reply", "Hello Node.JS"));
 * socket.connect();
 * ...
 * tether.close(); // every thread stops; the JVM can exit at once
 * }</pre>
 *
 * <h2>Connections</h2>
 * {@link #socket(String)} returns a socket for the namespace in the URL's path ({@code /} when there
 * is none). Sockets for different namespaces of one server share one connection (a {@link Manager})
 * unless {@link SocketOptions.Builder#forceNew(boolean)} asks for a separate one; asking twice for the
 * same namespace also gives a new connection, as in the JavaScript client.
 *
 * <h2>Threads</h2>
 * Each connection runs on its own serial event loop; the loops share a small pool of daemon threads.
 * One daemon timer thread serves every timer. What OkHttp reads is handled on its reading thread (the
 * loop runs there when idle) and handed to the callback executor once. Listeners run on the callback
 * executor (never an event loop), one at a time per socket, in order; by default a Tether-owned pool of
 * daemon threads, as many as cores, which grows when listeners stall it, so a listener that blocks on
 * one socket does not hold up the others. Listeners of different sockets may run at the same time. HTTP
 * runs on OkHttp, whose blocking I/O holds one thread per request in flight (a held long-poll, an open
 * WebSocket).
 *
 * <h2>OkHttp and Gson</h2>
 * Pass your own {@code OkHttpClient} to share its connection pool, TLS, proxy, interceptors and cookie
 * jar. Tether derives a client from it with {@code newBuilder()} and its own dispatcher (the default
 * one allows only 5 requests per host, and every long-poll or WebSocket holds one for its whole life);
 * your client is never modified or shut down. Redirects are followed by Tether, not by OkHttp: within
 * the server's origin only, unless {@link ConnectionOptions#crossOriginRedirects()} opts in (and none
 * when your client does not follow redirects). Pass your own {@link Gson} to control how payloads bind.
 *
 * <p>Thread-safe.
 */
public final class Tether implements Closeable {
  private static final Logger logger = Logger.getLogger(Tether.class.getName());
  /**
   * The longest {@link #close()} lets connections say goodbye before it stops the threads anyway;
   * normally they stop as soon as the last connection has closed.
   */
  private static final long CLOSE_GRACE_MILLIS = 2_000;

  private final TetherRuntime runtime;
  private final ClientContext context;
  private final Object lock = new Object();
  private final Map<String, RealManager> shared = new HashMap<>(); // guarded by lock
  private final Set<RealManager> all = new LinkedHashSet<>(); // guarded by lock
  private boolean closed; // guarded by lock
  private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.CountDownLatch terminated = new java.util.concurrent.CountDownLatch(1);

  private Tether(Builder builder) {
    runtime = TetherRuntime.create(new TetherRuntime.Config().okHttpClient(builder.okHttpClient)
        .scheduler(builder.scheduler));
    Gson gson = builder.gson != null ? builder.gson
        : new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).disableHtmlEscaping().create();
    ListenerErrorHandler errorHandler = builder.errorHandler != null ? builder.errorHandler : Tether::logListenerError;
    context = new ClientContext(runtime, new PayloadCodec(gson), builder.callbackExecutor, errorHandler,
        builder.random != null ? builder.random : new java.util.Random());
  }

  /** A Tether with default settings. */
  public static Tether create() {
    return new Builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A socket for {@code url} (e.g. {@code http://localhost:3000/chat}) with default options. */
  public Socket socket(String url) {
    return socket(url, SocketOptions.DEFAULT);
  }

  /**
   * A socket for the namespace in {@code url}'s path, on a shared or (with {@code forceNew}) a new
   * connection. The URL may be {@code http(s)://} or {@code ws(s)://}; its query parameters are sent
   * on every request, like {@link SocketOptions.Builder#query(String, String)}. Does not connect: call {@link Socket#connect()}.
   * For a plain WebSocket server ({@link SocketOptions.Builder#plainWebSocket(PlainWebSocket)}) the URL
   * is the endpoint as given, path included, and each such socket has a connection of its own.
   *
   * @throws IllegalArgumentException for a malformed URL, when a shared connection to this server
   *     already exists with different connection options (use {@code forceNew(true)}), or for options
   *     the server cannot honour ({@code auth} on a plain WebSocket)
   * @throws IllegalStateException after {@link #close()}
   */
  public Socket socket(String url, SocketOptions options) {
    if (url == null) throw new NullPointerException("url == null");
    if (options == null) throw new NullPointerException("options == null");
    HttpUrl parsed = parse(url);
    ServerProtocol protocol = protocolFor(options.connection());
    if (parsed.querySize() > 0) {
      // The URL's query is part of the connection's options: sent on every request, compared when shared.
      SocketOptions.Builder withQuery = options.newBuilder();
      for (int i = 0; i < parsed.querySize(); i++) {
        String value = parsed.queryParameterValue(i);
        withQuery.query(parsed.queryParameterName(i), value == null ? "" : value);
      }
      options = withQuery.build();
    }
    Target target = protocol.target(parsed, options.connection());
    String key = target.shareKey;
    synchronized (lock) {
      if (closed) throw new IllegalStateException("this Tether is closed");
      if (key != null && !options.forceNew() && options.multiplex()) {
        RealManager manager = shared.get(key);
        if (manager == null || manager.isClosed()) {
          manager = newManager(protocol, target, options);
          shared.put(key, manager);
          return manager.socket(target.namespace, options);
        }
        // Asking again for a namespace that has a socket gives a new connection, as in the JavaScript client.
        if (!manager.hasSocket(target.namespace)) {
          manager.checkSameConnection(options.connection());
          return manager.socket(target.namespace, options);
        }
      }
      return newManager(protocol, target, options).socket(target.namespace, options);
    }
  }

  /** The one place that picks how the server speaks: socket.io 3.x/4.x unless the options say plain WebSocket. */
  private static ServerProtocol protocolFor(ConnectionOptions options) {
    PlainWebSocket plainWebSocket = options.plainWebSocket();
    if (plainWebSocket != null) return new PlainWebSocketServer(plainWebSocket);
    return options.dialect() == Dialect.SOCKET_IO_2 ? SocketIoServer.V4 : SocketIoServer.V5;
  }

  private RealManager newManager(ServerProtocol protocol, Target target, SocketOptions options) {
    RealManager manager = new RealManager(context, protocol, target.server, options.connection(), this::forget);
    all.add(manager);
    return manager;
  }

  /** A Manager closed; after {@link #close()}, the last one to close stops the threads. */
  private void forget(RealManager manager) {
    boolean last;
    synchronized (lock) {
      all.remove(manager);
      shared.values().remove(manager);
      last = closed && all.isEmpty();
    }
    if (last) stopThreads();
  }

  private void stopThreads() {
    if (!stopped.compareAndSet(false, true)) return;
    context.shutdown();
    runtime.close();
    terminated.countDown();
  }

  private static HttpUrl parse(String url) {
    String http = url;
    if (url.regionMatches(true, 0, "ws:", 0, 3)) {
      http = "http:" + url.substring(3);
    } else if (url.regionMatches(true, 0, "wss:", 0, 4)) {
      http = "https:" + url.substring(4);
    }
    HttpUrl parsed = HttpUrl.parse(http);
    if (parsed == null) throw new IllegalArgumentException("not an http(s) or ws(s) URL: " + url);
    return parsed;
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /**
   * Disconnects every socket, closes every connection (telling the server), then stops every thread
   * this instance created; a user-supplied {@code OkHttpClient} or callback executor is left alone.
   * Does not block: the threads stop as soon as the last connection has said goodbye (at most 2 s
   * later if one hangs), and since all threads are daemons the JVM can exit at once. Idempotent.
   */
  @Override public void close() {
    List<RealManager> managers;
    synchronized (lock) {
      if (closed) return;
      closed = true;
      managers = new ArrayList<>(all);
      shared.clear();
    }
    if (managers.isEmpty()) {
      stopThreads();
      return;
    }
    for (RealManager manager : managers) manager.close();
    runtime.scheduler().schedule(this::stopThreads, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS); // a goodbye that hangs
  }

  /**
   * Blocks until {@link #close()} has finished: every connection has said goodbye to its server (or
   * given up after 2 s) and this instance's threads are stopping. For programs that exit right after
   * closing: Tether's threads are daemons, so a JVM whose {@code main} returns at once may otherwise
   * cut off a goodbye still being written (a namespace's DISCONNECT, the last emits before it).
   *
   * <pre>{@code
   * tether.close();
   * tether.awaitTermination(5, TimeUnit.SECONDS);   // then let main() return
   * }</pre>
   *
   * @return true once finished; false if the timeout passed first (or {@code close()} was not called)
   * @throws IllegalStateException at once on a Tether callback thread, where it would deadlock
   */
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    if (context.isDelivering()) {
      throw new IllegalStateException("awaitTermination would block a Tether callback thread and deadlock");
    }
    return terminated.await(timeout, unit);
  }

  private static void logListenerError(Manager manager, @Nullable Socket socket, String event, Throwable error) {
    logger.log(Level.WARNING, "listener for '" + event + "' on " + (socket != null ? socket : manager) + " threw", error);
  }

  /** Configures a {@link Tether}. Not thread-safe; the built instance is. */
  public static final class Builder {
    private okhttp3.@Nullable OkHttpClient okHttpClient;
    private @Nullable Gson gson;
    private @Nullable Executor callbackExecutor;
    private @Nullable ListenerErrorHandler errorHandler;
    private dev.tether.internal.loop.@Nullable TaskScheduler scheduler;

    Builder() {
    }

    private java.util.@Nullable Random random;

    /** For Tether's own tests: a fixed jitter sequence for reconnection delays. */
    Builder random(java.util.Random random) {
      this.random = random;
      return this;
    }

    /** For Tether's own tests: virtual time instead of the timer thread. */
    Builder scheduler(dev.tether.internal.loop.TaskScheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /** Bases every HTTP request and WebSocket on this client (derived, never modified or closed). */
    public Builder okHttpClient(okhttp3.OkHttpClient client) {
      if (client == null) throw new NullPointerException("client == null");
      this.okHttpClient = client;
      return this;
    }

    /**
     * Binds payloads with this Gson (extended with Tether's binary adapters, not modified). The default
     * keeps untyped integers as {@code Long} and does not HTML-escape.
     */
    public Builder gson(Gson gson) {
      if (gson == null) throw new NullPointerException("gson == null");
      this.gson = gson;
      return this;
    }

    /**
     * Runs listeners on this executor (e.g. Android's main thread). Tether still calls the listeners
     * of one socket one at a time, in order, even on a thread pool. Default: a Tether-owned pool (as
     * many threads as cores, at least 2, growing up to 64 while listeners stall it), where listeners of
     * different sockets may run at the same time; pass a single-thread executor to run them all on one.
     */
    public Builder callbackExecutor(Executor executor) {
      if (executor == null) throw new NullPointerException("executor == null");
      this.callbackExecutor = executor;
      return this;
    }

    /** Receives what listeners throw. Default: logged at WARNING. */
    public Builder listenerErrorHandler(ListenerErrorHandler handler) {
      if (handler == null) throw new NullPointerException("handler == null");
      this.errorHandler = handler;
      return this;
    }

    public Tether build() {
      return new Tether(this);
    }
  }
}
