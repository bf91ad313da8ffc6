package dev.tether.internal.client;

import dev.tether.ListenerErrorHandler;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.loop.CallbackPool;
import dev.tether.internal.loop.DaemonThreadFactory;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What every Manager and Socket of one {@code Tether} shares above the Engine.IO layer: the payload
 * codec, the callback executor, the listener error handler and the thread that runs auth providers.
 * Thread-safe.
 */
public final class ClientContext {
  /** Set while a Tether listener runs on the current thread: blocking helpers refuse to run there. */
  private final ThreadLocal<Boolean> delivering = new ThreadLocal<>();

  final TetherRuntime runtime;
  final PayloadCodec codec;
  final Executor callbackExecutor;
  final ListenerErrorHandler errorHandler;
  /** Jitter of reconnection delays; injectable so tests get a fixed sequence. */
  final java.util.Random random;
  private final @Nullable CallbackPool ownedCallbackExecutor;
  private final ThreadPoolExecutor authExecutor;

  public ClientContext(TetherRuntime runtime, PayloadCodec codec, @Nullable Executor callbackExecutor,
      ListenerErrorHandler errorHandler, java.util.Random random) {
    this.runtime = runtime;
    this.random = random;
    this.codec = codec;
    this.errorHandler = errorHandler;
    if (callbackExecutor == null) {
      // A pool, so a listener that blocks on one socket does not hold up the others.
      ownedCallbackExecutor = CallbackPool.createDefault("tether-callback", runtime.scheduler());
      this.callbackExecutor = ownedCallbackExecutor;
    } else {
      ownedCallbackExecutor = null;
      this.callbackExecutor = callbackExecutor;
    }
    // Auth providers may block (a token refresh): never on a loop, never on the callback thread.
    authExecutor = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<Runnable>(),
        new DaemonThreadFactory("tether-auth"));
    authExecutor.allowCoreThreadTimeOut(true);
  }

  public TetherRuntime runtime() {
    return runtime;
  }

  void runAuth(Runnable task) {
    authExecutor.execute(task);
  }

  /** True on a thread that is running a Tether listener (blocking there would deadlock). */
  public boolean isDelivering() {
    return Boolean.TRUE.equals(delivering.get());
  }

  void enterDelivery() {
    delivering.set(Boolean.TRUE);
  }

  void exitDelivery() {
    delivering.remove();
  }

  /** Stops the threads this context created, after the callbacks already queued have run. */
  public void shutdown() {
    authExecutor.shutdown();
    if (ownedCallbackExecutor != null) ownedCallbackExecutor.shutdown();
  }
}
