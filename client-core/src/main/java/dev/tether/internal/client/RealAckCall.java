package dev.tether.internal.client;

import dev.tether.AckCall;
import dev.tether.AckCancelledException;
import dev.tether.AckTimeoutException;
import dev.tether.Args;
import dev.tether.Listener;
import dev.tether.TetherException;
import dev.tether.TransportException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One pending acknowledgement, as the application sees it. Completion is guarded by one lock, so
 * success, timeout, cancel and disconnect race safely and exactly one wins; the attempts (ack ids,
 * timers, retries) belong to the socket's {@link AckTracker}. Thread-safe.
 */
final class RealAckCall implements AckCall {
  private final RealSocket socket;
  /** When the emit happened, on the scheduler's clock: timeouts count from here. */
  final long emitNanos;
  private final CountDownLatch done = new CountDownLatch(1);
  private final Object lock = new Object();
  private @Nullable Args result; // guarded by lock
  private @Nullable Throwable failure; // guarded by lock
  private boolean completed; // guarded by lock
  private final List<Callback> callbacks = new ArrayList<>(); // guarded by lock

  /**
   * The retries the application asked for, read only by {@link #await} to size its safety margin; the
   * retries still allowed are the {@link AckTracker}'s.
   */
  private volatile int retriesRequested;

  private static final class Callback {
    final Listener<Args> success;
    final Listener<Throwable> failure;

    Callback(Listener<Args> success, Listener<Throwable> failure) {
      this.success = success;
      this.failure = failure;
    }
  }

  /** The acknowledged event's name, for error messages. */
  final String event;

  RealAckCall(RealSocket socket, String event, long emitNanos, int retries) {
    this.socket = socket;
    this.event = event;
    this.emitNanos = emitNanos;
    this.retriesRequested = retries;
  }

  @Override public AckCall timeout(long timeout, TimeUnit unit) {
    if (unit == null) throw new NullPointerException("unit == null");
    if (timeout <= 0 || unit.toNanos(timeout) <= 0) throw new IllegalArgumentException("timeout must be positive");
    socket.setAckTimeout(this, unit.toNanos(timeout));
    return this;
  }

  @Override public AckCall retries(int retries) {
    if (retries < 0) throw new IllegalArgumentException("retries < 0: " + retries);
    retriesRequested = retries;
    socket.setAckRetries(this, retries);
    return this;
  }

  @Override public AckCall then(Listener<Args> success, Listener<Throwable> failure) {
    if (success == null) throw new NullPointerException("success == null");
    if (failure == null) throw new NullPointerException("failure == null");
    Callback callback = new Callback(success, failure);
    synchronized (lock) {
      if (!completed) {
        callbacks.add(callback);
        return this;
      }
    }
    deliver(callback);
    return this;
  }

  @Override public void cancel() {
    if (fail(new AckCancelledException())) socket.forgetAck(this);
  }

  @Override public boolean isDone() {
    synchronized (lock) {
      return completed;
    }
  }

  @Override public Args await(long timeout, TimeUnit unit) throws InterruptedException {
    socket.checkMayBlock("AckCall.await");
    timeout(timeout, unit);
    // The ack timeout completes the call (each retry gets the full timeout); the margin only guards
    // against a stuck event loop, and then the call is failed here so every observer agrees.
    long attempts = 1L + Math.max(0, retriesRequested);
    if (!done.await(unit.toNanos(timeout) * attempts + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS)) {
      if (fail(new AckTimeoutException("no ack within " + timeout + " " + unit + " per attempt"))) {
        socket.forgetAck(this);
      }
    }
    synchronized (lock) {
      if (result != null) return result;
      Throwable cause = failure;
      if (cause instanceof TetherException) throw (TetherException) cause; // every failure Tether makes
      throw new TetherException("emit failed", cause);
    }
  }

  boolean succeed(Args args) {
    List<Callback> toRun;
    synchronized (lock) {
      if (completed) return false;
      completed = true;
      result = args;
      toRun = new ArrayList<>(callbacks);
      callbacks.clear();
    }
    done.countDown();
    for (Callback callback : toRun) deliver(callback);
    return true;
  }

  boolean fail(Throwable error) {
    List<Callback> toRun;
    synchronized (lock) {
      if (completed) return false;
      completed = true;
      failure = error;
      toRun = new ArrayList<>(callbacks);
      callbacks.clear();
    }
    done.countDown();
    for (Callback callback : toRun) deliver(callback);
    return true;
  }

  private void deliver(final Callback callback) {
    final Args args;
    final Throwable error;
    synchronized (lock) {
      args = result;
      error = failure;
    }
    if (args != null) {
      socket.deliver(callback.success, args, "ack");
    } else if (error != null) {
      socket.deliver(callback.failure, error, "ack");
    }
  }
}
