package dev.tether.android;

import android.os.Handler;
import android.os.Looper;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Executors that run tasks on an Android {@link Looper}, for {@code Tether.Builder.callbackExecutor}:
 *
 * <pre>{@code
 * Tether tether = Tether.builder().callbackExecutor(AndroidExecutors.mainThread()).build();
 * }</pre>
 *
 * With it, every listener runs on the main thread, so it may touch views directly (no {@code
 * CalledFromWrongThreadException}); Tether still runs the listeners of one socket one at a time, in
 * the order the events arrived. Listeners then must not block: the main thread is the UI's.
 */
public final class AndroidExecutors {
  private AndroidExecutors() {
  }

  /**
   * Posts each task to the main thread's looper (always posts, also when called on the main thread,
   * so a task never runs inside the caller's stack). Thread-safe.
   */
  public static Executor mainThread() {
    return new HandlerExecutor(new Handler(Looper.getMainLooper()));
  }

  /** Posts each task to {@code handler}, e.g. one on a {@code HandlerThread}'s looper. Thread-safe. */
  public static Executor handler(Handler handler) {
    if (handler == null) throw new NullPointerException("handler == null");
    return new HandlerExecutor(handler);
  }

  private static final class HandlerExecutor implements Executor {
    private final Handler handler;

    HandlerExecutor(Handler handler) {
      this.handler = handler;
    }

    /** @throws RejectedExecutionException if the looper has quit (the main looper never does) */
    @Override public void execute(Runnable task) {
      if (task == null) throw new NullPointerException("task == null");
      if (!handler.post(task)) {
        throw new RejectedExecutionException("the looper of " + handler + " has quit");
      }
    }

    @Override public String toString() {
      return "HandlerExecutor{" + handler.getLooper() + "}";
    }
  }
}
