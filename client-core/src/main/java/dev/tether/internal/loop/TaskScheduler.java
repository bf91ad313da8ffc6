package dev.tether.internal.loop;

import java.util.concurrent.TimeUnit;

/**
 * The single source of time for one {@code Tether}: every timer (handshake timeout, heartbeat,
 * ack timeouts, reconnection delays) goes through it, so tests can substitute virtual time.
 *
 * <p>Tasks run on a scheduler thread and must only hand work to an event loop; use
 * {@link SerialExecutor#schedule} rather than calling this directly from connection code.
 *
 * <p>Thread-safe.
 */
public interface TaskScheduler {
  /** Runs {@code task} once after {@code delay}. The returned handle cancels it if still pending. */
  Cancellable schedule(Runnable task, long delay, TimeUnit unit);

  /** A monotonic clock in nanoseconds, comparable only with other values from this scheduler. */
  long nanoTime();
}
