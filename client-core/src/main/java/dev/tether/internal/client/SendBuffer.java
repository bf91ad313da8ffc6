package dev.tether.internal.client;

import dev.tether.OverflowPolicy;
import dev.tether.SendBufferOverflowException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The emits of one socket waiting for it to connect, bounded by count and bytes with an overflow
 * policy. Changed only on the event loop; {@link #packets()} and {@link #bytes()} may be read from any
 * thread (the two counters are this buffer's own state, written with every change, not copies).
 */
final class SendBuffer {
  /** Told about every emit the buffer refuses or drops, on the loop. */
  interface OverflowSink {
    void onOverflow(Outgoing outgoing, SendBufferOverflowException error);
  }

  private final int maxPackets;
  private final long maxBytes;
  private final OverflowPolicy policy;
  private final OverflowSink sink;
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
  private volatile int packets;
  private volatile long bytes;

  SendBuffer(int maxPackets, long maxBytes, OverflowPolicy policy, OverflowSink sink) {
    this.maxPackets = maxPackets;
    this.maxBytes = maxBytes;
    this.policy = policy;
    this.sink = sink;
  }

  /** Any thread: emits waiting. */
  int packets() {
    return packets;
  }

  /** Any thread: their bytes (serialized JSON plus binary). */
  long bytes() {
    return bytes;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Keeps {@code outgoing} at the end, within the bounds; the policy decides what gives way. */
  void add(Outgoing outgoing) {
    long size = outgoing.bytes();
    if (maxPackets == 0 || size > maxBytes) {
      sink.onOverflow(outgoing, overflow(outgoing, "the send buffer cannot hold this emit (" + size
          + " bytes; limits " + maxPackets + " emits, " + maxBytes + " bytes)"));
      return;
    }
    if (policy == OverflowPolicy.FAIL_NEWEST) {
      if (packets + 1 > maxPackets || bytes + size > maxBytes) {
        sink.onOverflow(outgoing, overflow(outgoing, "the send buffer is full (" + packets + " emits, " + bytes
            + " bytes; limits " + maxPackets + " emits, " + maxBytes + " bytes)"));
        return;
      }
    } else {
      while (packets + 1 > maxPackets || bytes + size > maxBytes) {
        Outgoing oldest = poll();
        sink.onOverflow(oldest, overflow(oldest, "dropped from the full send buffer to make room for a newer emit"));
      }
    }
    queue.add(outgoing);
    count(1, size);
  }

  /**
   * Puts emits back at the head, in the given order, ahead of later emits: acks re-sent after a
   * disconnect. They were within the bounds when first taken; they are not refused now.
   */
  void addFirst(List<Outgoing> inOrder) {
    for (int i = inOrder.size() - 1; i >= 0; i--) {
      Outgoing outgoing = inOrder.get(i);
      queue.addFirst(outgoing);
      count(1, outgoing.bytes());
    }
  }

  Outgoing poll() {
    Outgoing outgoing = queue.poll();
    if (outgoing == null) throw new IllegalStateException("empty");
    count(-1, -outgoing.bytes());
    return outgoing;
  }

  /** Removes the emits of {@code call} (an ack cancelled or re-queued for its next attempt). */
  void remove(RealAckCall call) {
    for (Iterator<Outgoing> i = queue.iterator(); i.hasNext(); ) {
      Outgoing outgoing = i.next();
      if (outgoing.ack == call) {
        i.remove();
        count(-1, -outgoing.bytes());
      }
    }
  }

  /** Empties the buffer; returns what it held, oldest first. */
  List<Outgoing> clear() {
    List<Outgoing> dropped = new ArrayList<>(queue);
    queue.clear();
    packets = 0;
    bytes = 0;
    return dropped;
  }

  private void count(int packetDelta, long byteDelta) {
    packets += packetDelta; // single writer (the loop): no lost updates
    bytes = queue.isEmpty() ? 0 : bytes + byteDelta;
  }

  private static SendBufferOverflowException overflow(Outgoing outgoing, String message) {
    return new SendBufferOverflowException("emit of '" + outgoing.event + "' failed: " + message);
  }
}
