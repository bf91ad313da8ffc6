package dev.tether.internal.loop;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link TaskScheduler}: one daemon thread shared by every connection of a
 * {@code Tether}. Cancelled tasks are removed from the queue at once, so thousands of cancelled
 * ack timeouts do not pile up until their deadline.
 */
public final class ScheduledExecutorTaskScheduler implements TaskScheduler {
  private final ScheduledThreadPoolExecutor executor;

  public ScheduledExecutorTaskScheduler(String threadName) {
    executor = new ScheduledThreadPoolExecutor(1, new DaemonThreadFactory(threadName));
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    try {
      final ScheduledFuture<?> future = executor.schedule(task, delay, unit);
      return () -> future.cancel(false);
    } catch (RejectedExecutionException shutDown) {
      return Cancellable.NONE; // the owning Tether is closed; nothing will ever run again
    }
  }

  @Override public long nanoTime() {
    return System.nanoTime();
  }

  public void shutdown() {
    executor.shutdownNow();
  }
}
