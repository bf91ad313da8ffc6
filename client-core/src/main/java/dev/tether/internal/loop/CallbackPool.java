package dev.tether.internal.loop;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The default callback executor of a {@code Tether}: where listeners run, each socket's one at a time
 * (every socket hands its listeners over through its own {@link SerialExecutor}).
 *
 * <p>It keeps as few threads as the work needs, up to {@code baseThreads}, and grows past that only
 * when listeners stall it: a watchdog checks every {@value #STALL_CHECK_MILLIS} ms while work is
 * waiting, and when no task finished since the last check (every thread is held by a slow listener) it
 * adds threads, up to {@code maxThreads}. A listener that sleeps on one socket therefore delays the
 * other sockets by about one check at most, while a busy but healthy pool never grows. Threads beyond
 * the base are let go when the stall is over; every thread ends after {@value #KEEP_ALIVE_SECONDS} s
 * idle.
 *
 * <p>Thread-safe.
 */
public final class CallbackPool implements Executor {
  static final long STALL_CHECK_MILLIS = 50;
  static final int KEEP_ALIVE_SECONDS = 30;

  private final ThreadPoolExecutor threads;
  private final TaskScheduler scheduler;
  private final int baseThreads;
  private final int maxThreads;
  private final AtomicBoolean watching = new AtomicBoolean();
  /** Completed tasks at the previous check; only the watchdog reads and writes it. */
  private long completedAtLastCheck = -1;

  public CallbackPool(String name, int baseThreads, int maxThreads, TaskScheduler scheduler) {
    if (baseThreads < 1 || maxThreads < baseThreads) {
      throw new IllegalArgumentException("threads: base " + baseThreads + ", max " + maxThreads);
    }
    this.baseThreads = baseThreads;
    this.maxThreads = maxThreads;
    this.scheduler = scheduler;
    // Unbounded queue, so the executor itself never grows: the watchdog decides when it must.
    threads = new ThreadPoolExecutor(baseThreads, maxThreads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<Runnable>(), new DaemonThreadFactory(name));
    threads.allowCoreThreadTimeOut(true);
  }

  /** The default size: as many threads as cores (at least 2), growing to 64 when listeners stall. */
  public static CallbackPool createDefault(String name, TaskScheduler scheduler) {
    return new CallbackPool(name, Math.max(2, Runtime.getRuntime().availableProcessors()), 64, scheduler);
  }

  @Override public void execute(Runnable task) {
    threads.execute(task);
    if (!watching.get() && watching.compareAndSet(false, true)) scheduleCheck();
  }

  private void scheduleCheck() {
    try {
      scheduler.schedule(this::check, STALL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shutDown) {
      watching.set(false);
    }
  }

  /** On the timer: grows the pool when work waits and nothing finished since the last check. */
  private void check() {
    if (threads.isShutdown()) {
      watching.set(false);
      return;
    }
    long completed = threads.getCompletedTaskCount();
    int waiting = threads.getQueue().size();
    if (waiting == 0) {
      completedAtLastCheck = -1;
      if (threads.getCorePoolSize() > baseThreads) threads.setCorePoolSize(baseThreads); // the stall is over
      watching.set(false);
      // A task queued between the size check and the flag: make sure somebody watches it.
      if (threads.getQueue().isEmpty() || !watching.compareAndSet(false, true)) return;
    } else if (completed == completedAtLastCheck && threads.getCorePoolSize() < maxThreads) {
      // Every thread is still in the task it had at the last check: add threads for what waits.
      int grown = Math.min(maxThreads, threads.getCorePoolSize() + Math.min(waiting, baseThreads));
      threads.setCorePoolSize(grown); // starts threads for the queued tasks
      completedAtLastCheck = completed;
    } else {
      completedAtLastCheck = completed;
    }
    scheduleCheck();
  }

  /** Threads alive now (for tests and diagnostics). */
  public int threadCount() {
    return threads.getPoolSize();
  }

  /** Runs what is queued, then lets the threads end. */
  public void shutdown() {
    threads.shutdown();
  }
}
