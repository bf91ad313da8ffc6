package dev.tether.internal.client;

import dev.tether.Event;
import dev.tether.TetherException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What lets {@code awaitEvent} see events that arrived before it was called: the newest received
 * events, bounded by count and by bytes (as received), plus the threads waiting for one. An event
 * handed to a waiter is not kept. Released on disconnect. Thread-safe (one lock).
 */
final class EventHistory {
  private static final class Kept {
    final Event event;
    final long bytes;

    Kept(Event event, long bytes) {
      this.event = event;
      this.bytes = bytes;
    }
  }

  private static final class Waiter {
    final String name;
    @Nullable Event event;

    Waiter(String name) {
      this.name = name;
    }
  }

  private final int maxEvents;
  private final long maxBytes;
  private final Object lock = new Object();
  private final ArrayDeque<Kept> kept = new ArrayDeque<>(); // guarded by lock
  private long keptBytes; // guarded by lock
  private final List<Waiter> waiters = new ArrayList<>(); // guarded by lock

  EventHistory(int maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /** A received event, in arrival order: to the oldest waiter for its name, else kept within the bounds. */
  void offer(Event event, long bytes) {
    synchronized (lock) {
      for (Iterator<Waiter> i = waiters.iterator(); i.hasNext(); ) {
        Waiter waiter = i.next();
        if (waiter.name.equals(event.name())) {
          i.remove();
          waiter.event = event;
          lock.notifyAll();
          return;
        }
      }
      if (maxEvents == 0 || bytes > maxBytes) return;
      while (kept.size() >= maxEvents || keptBytes + bytes > maxBytes) {
        keptBytes -= kept.removeFirst().bytes;
      }
      kept.add(new Kept(event, bytes));
      keptBytes += bytes;
    }
  }

  /** The oldest kept {@code name} event, or the next to arrive; each event is returned once. */
  Event await(String name, long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (lock) {
      for (Iterator<Kept> i = kept.iterator(); i.hasNext(); ) {
        Kept candidate = i.next();
        if (candidate.event.name().equals(name)) {
          i.remove();
          keptBytes -= candidate.bytes;
          return candidate.event;
        }
      }
      Waiter waiter = new Waiter(name);
      waiters.add(waiter);
      try {
        while (waiter.event == null) {
          long left = deadline - System.nanoTime();
          if (left <= 0) throw new TetherException("no '" + name + "' event within " + timeout + " " + unit);
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
        return waiter.event;
      } finally {
        waiters.remove(waiter);
      }
    }
  }

  /** Forgets every kept event (the socket disconnected); waiters keep waiting. */
  void clear() {
    synchronized (lock) {
      kept.clear();
      keptBytes = 0;
    }
  }

  /** Threads waiting, for tests. */
  int waiters() {
    synchronized (lock) {
      return waiters.size();
    }
  }

  /** Kept events and their bytes, for tests. */
  long[] size() {
    synchronized (lock) {
      return new long[] {kept.size(), keptBytes};
    }
  }
}
