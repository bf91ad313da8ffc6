package dev.tether.internal.loop;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The event loop of one connection: runs submitted tasks one at a time, in submission order, on
 * threads borrowed from a shared pool. Code running on the loop owns the connection's state and
 * needs no locks. A loop holds no thread while it is idle, so ten thousand connections share a
 * handful of threads.
 *
 * <p>A task that throws is logged and never stops the loop. After a burst of {@value #BATCH}
 * tasks the loop yields its pool thread so one busy connection cannot starve the others.
 *
 * <p>Thread-safe: {@link #execute} may be called from any thread.
 */
public final class SerialExecutor implements Executor {
  private static final Logger logger = Logger.getLogger(SerialExecutor.class.getName());
  static final int BATCH = 64;

  private final Executor pool;
  private final TaskScheduler scheduler;
  private final String name;
  private final Object lock = new Object();
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(); // guarded by lock
  private boolean scheduled; // guarded by lock
  private volatile @Nullable Thread runningThread;

  public SerialExecutor(Executor pool, TaskScheduler scheduler, String name) {
    this.pool = pool;
    this.scheduler = scheduler;
    this.name = name;
  }

  @Override public void execute(Runnable task) {
    synchronized (lock) {
      tasks.add(task);
      if (scheduled) return;
      scheduled = true;
    }
    submitDrain();
  }

  /**
   * Like {@link #execute}, but when the loop is idle it runs {@code task}, and whatever queues behind
   * it, on the calling thread instead of waking a pool thread: an I/O thread handing over what it read
   * saves a thread hand-off per message. Only for threads that may be held while the loop's tasks run
   * (OkHttp's readers and callbacks, never an application thread); after {@value #BATCH} tasks the rest
   * goes on on the pool. When the loop is busy the task just queues, so order is kept either way.
   */
  public void executeHere(Runnable task) {
    synchronized (lock) {
      tasks.add(task);
      if (scheduled) return;
      scheduled = true;
    }
    drain();
  }

  /** True when the calling thread is currently running a task of this loop. */
  public boolean inLoop() {
    return runningThread == Thread.currentThread();
  }

  /** Throws unless called from this loop; guards loop-owned state in internal code. */
  public void checkInLoop() {
    if (!inLoop()) throw new IllegalStateException("not on the event loop of " + name);
  }

  public TaskScheduler scheduler() {
    return scheduler;
  }

  /**
   * Runs {@code task} on this loop after {@code delay}. Cancelling from the loop guarantees the task
   * will not run afterwards, even if its timer already fired and the task is queued.
   */
  public Cancellable schedule(final Runnable task, long delay, TimeUnit unit) {
    final LoopTimer timer = new LoopTimer(task);
    timer.timerHandle = scheduler.schedule(() -> execute(timer), delay, unit);
    return timer;
  }

  private void submitDrain() {
    try {
      pool.execute(this::drain);
    } catch (RejectedExecutionException shutDown) {
      synchronized (lock) {
        tasks.clear();
        scheduled = false;
      }
      logger.log(Level.FINE, "{0}: pool is shut down; dropping tasks", name);
    }
  }

  /**
   * Runs queued tasks on the calling thread. Only one thread drains at a time ({@code scheduled});
   * it gives up {@code runningThread} before it gives up {@code scheduled} (under the lock), so the
   * next drainer, which may start at once on another thread, never has its mark cleared.
   */
  private void drain() {
    runningThread = Thread.currentThread();
    for (int i = 0; i < BATCH; i++) {
      Runnable task;
      synchronized (lock) {
        task = tasks.poll();
        if (task == null) {
          runningThread = null;
          scheduled = false;
          return;
        }
      }
      runSafely(task);
    }
    runningThread = null;
    submitDrain(); // more work left: yield this thread and come back
  }

  private void runSafely(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      logger.log(Level.SEVERE, name + ": task failed; the connection keeps running", t);
    }
  }

  private static final class LoopTimer implements Runnable, Cancellable {
    private final Runnable task;
    volatile Cancellable timerHandle = Cancellable.NONE;
    private volatile boolean cancelled;

    LoopTimer(Runnable task) {
      this.task = task;
    }

    @Override public void run() {
      if (!cancelled) task.run();
    }

    @Override public void cancel() {
      cancelled = true;
      timerHandle.cancel();
    }
  }
}
