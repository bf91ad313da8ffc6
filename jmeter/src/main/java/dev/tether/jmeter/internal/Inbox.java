package dev.tether.jmeter.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The events one virtual user received and no await sampler has taken yet, oldest first. Events that
 * arrive before the sampler that waits for them are therefore not lost. Bounded: when it holds {@code
 * capacity} events the oldest one is dropped, and the next {@link #take} reports how many were.
 *
 * <p>Thread-safe: Tether's callback threads add, the virtual user's JMeter thread takes.
 */
public final class Inbox {
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // guarded by lock
  private final ArrayDeque<ReceivedEvent> events = new ArrayDeque<>();
  private long dropped;
  private long nextSequence;
  private String endedBecause; // null while the socket is (or may again be) connected

  public Inbox(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity < 1: " + capacity);
    this.capacity = capacity;
  }

  /** Keeps an event; drops the oldest one if the inbox is full. */
  public void add(ReceivedEvent event) {
    lock.lock();
    try {
      if (events.size() == capacity) {
        events.removeFirst();
        dropped++;
      }
      event.sequence = nextSequence++;
      events.addLast(event);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * No more events will come (the socket is disconnected and will not reconnect by itself): a waiting
   * {@link #take} returns with what it has instead of waiting for its timeout.
   */
  public void end(String reason) {
    lock.lock();
    try {
      endedBecause = reason;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The socket connected (again): takes wait for events again. */
  public void reopen() {
    lock.lock();
    try {
      endedBecause = null;
    } finally {
      lock.unlock();
    }
  }

  /** Events held now. */
  public int size() {
    lock.lock();
    try {
      return events.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes and returns the oldest {@code count} events that {@code matches} accepts, waiting up to
   * {@code timeout} for them to arrive. Events it does not accept stay for later takes. Returns early,
   * with fewer events, once the inbox has {@linkplain #end ended}.
   */
  public Taken take(Predicate<ReceivedEvent> matches, int count, long timeout, TimeUnit unit)
      throws InterruptedException {
    if (count < 1) throw new IllegalArgumentException("count < 1: " + count);
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    List<ReceivedEvent> taken = new ArrayList<>(Math.min(count, 64));
    long checkedUpTo = -1; // events up to this sequence number did not match: no need to test them again
    lock.lockInterruptibly();
    try {
      while (true) {
        for (Iterator<ReceivedEvent> it = events.iterator(); it.hasNext() && taken.size() < count; ) {
          ReceivedEvent event = it.next();
          if (event.sequence <= checkedUpTo) continue;
          checkedUpTo = event.sequence;
          if (matches.test(event)) {
            it.remove();
            taken.add(event);
          }
        }
        if (taken.size() == count) return finish(taken, null, false);
        if (endedBecause != null) return finish(taken, endedBecause, false);
        long left = deadline - System.nanoTime();
        if (left <= 0) return finish(taken, null, true);
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  private Taken finish(List<ReceivedEvent> taken, String endedBecause, boolean timedOut) {
    long droppedSinceLastTake = dropped;
    dropped = 0;
    return new Taken(taken, droppedSinceLastTake, endedBecause, timedOut);
  }

  /** What a {@link #take} got. Immutable. */
  public static final class Taken {
    public final List<ReceivedEvent> events;
    /** Events the full inbox dropped since the previous take (whether they would have matched or not). */
    public final long dropped;
    /** Why no more events come, when the take returned early for that reason; else null. */
    public final String endedBecause;
    public final boolean timedOut;

    Taken(List<ReceivedEvent> events, long dropped, String endedBecause, boolean timedOut) {
      this.events = events;
      this.dropped = dropped;
      this.endedBecause = endedBecause;
      this.timedOut = timedOut;
    }
  }
}
