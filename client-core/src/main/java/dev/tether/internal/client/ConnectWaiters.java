package dev.tether.internal.client;

import dev.tether.ConnectError;
import dev.tether.TetherException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The threads blocked in {@code awaitConnected} on one socket, and the last connect failure they
 * must see. Confined to the event loop, except {@link Waiter#await}, which the blocked thread runs.
 */
final class ConnectWaiters {
  /** One blocked thread: completed once, on the loop. */
  static final class Waiter {
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile @Nullable TetherException failure;

    void complete(@Nullable TetherException failure) {
      this.failure = failure;
      done.countDown();
    }

    void await(long timeout, TimeUnit unit) throws InterruptedException {
      if (!done.await(timeout, unit)) throw new TetherException("not connected within " + timeout + " " + unit);
      TetherException error = failure;
      if (error == null) return;
      // A new exception, so the stack trace shows this thread's call.
      String message = String.valueOf(error.getMessage());
      Throwable cause = error.getCause();
      throw cause == null ? new TetherException(message) : new TetherException(message, cause);
    }
  }

  private final List<Waiter> waiters = new ArrayList<>();
  /** Why the last connect failed; cleared by the next {@code connect()}. */
  private @Nullable TetherException lastFailure;

  /** A new waiter: done at once when connected, or when the socket stopped after a failure. */
  void add(Waiter waiter, boolean connected, boolean idle) {
    if (connected) {
      waiter.complete(null);
    } else if (idle && lastFailure != null) {
      waiter.complete(lastFailure);
    } else {
      waiters.add(waiter);
    }
  }

  void remove(Waiter waiter) {
    waiters.remove(waiter);
  }

  void forgetFailure() {
    lastFailure = null;
  }

  void connected() {
    lastFailure = null;
    completeAll(null);
  }

  void failed(ConnectError error) {
    Throwable cause = error.cause();
    lastFailure = new TetherException("connect failed: " + error.message(),
        cause != null ? cause : new TetherException(error.toString()));
    completeAll(lastFailure);
  }

  void gaveUp(String why) {
    lastFailure = new TetherException("not connected: " + why);
    completeAll(lastFailure);
  }

  private void completeAll(@Nullable TetherException failure) {
    for (Waiter waiter : waiters) waiter.complete(failure);
    waiters.clear();
  }
}
