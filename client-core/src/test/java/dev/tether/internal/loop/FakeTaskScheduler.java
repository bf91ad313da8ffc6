package dev.tether.internal.loop;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * Virtual time for tests: nothing runs until the test advances the clock, and then due tasks run on
 * the test's thread in deadline order. Thread-safe.
 */
public final class FakeTaskScheduler implements TaskScheduler {
  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private long nowNanos;
  private long sequence;

  @Override public synchronized Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    Entry entry = new Entry(nowNanos + unit.toNanos(delay), sequence++, task);
    queue.add(entry);
    return () -> {
      synchronized (FakeTaskScheduler.this) {
        queue.remove(entry);
      }
    };
  }

  @Override public synchronized long nanoTime() {
    return nowNanos;
  }

  /** Moves the clock forward, running every task that falls due on the way, in order. */
  public void advanceBy(long amount, TimeUnit unit) {
    long target;
    synchronized (this) {
      target = nowNanos + unit.toNanos(amount);
    }
    while (true) {
      Entry next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.deadline > target) {
          nowNanos = target;
          return;
        }
        queue.poll();
        nowNanos = next.deadline;
      }
      next.task.run();
    }
  }

  public synchronized int pendingTasks() {
    return queue.size();
  }

  private static final class Entry implements Comparable<Entry> {
    final long deadline;
    final long order;
    final Runnable task;

    Entry(long deadline, long order, Runnable task) {
      this.deadline = deadline;
      this.order = order;
      this.task = task;
    }

    @Override public int compareTo(Entry other) {
      int byTime = Long.compare(deadline, other.deadline);
      return byTime != 0 ? byTime : Long.compare(order, other.order);
    }
  }
}
