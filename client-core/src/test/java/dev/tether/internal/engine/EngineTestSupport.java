package dev.tether.internal.engine;

import dev.tether.internal.loop.SerialExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Runs code on an event loop from a test thread and waits for it. */
final class EngineTestSupport {
  private EngineTestSupport() {
  }

  static void onLoop(SerialExecutor loop, ThrowingRunnable action) {
    call(loop, () -> {
      action.run();
      return null;
    });
  }

  static <T> T call(SerialExecutor loop, Callable<T> action) {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    loop.execute(() -> {
      try {
        result.set(action.call());
      } catch (Throwable t) {
        failure.set(t);
      } finally {
        done.countDown();
      }
    });
    try {
      if (!done.await(10, TimeUnit.SECONDS)) throw new AssertionError("loop did not run the task");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    if (failure.get() != null) {
      if (failure.get() instanceof RuntimeException) throw (RuntimeException) failure.get();
      throw EngineTestSupport.<RuntimeException>sneaky(failure.get());
    }
    return result.get();
  }

  /** Rethrows a checked exception unchanged, so tests can assert on its type. */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
