package dev.tether.internal.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The packets of one session that no transport has taken yet, in order, with the tags of the units
 * they belong to. A unit (a Socket.IO packet and its binary attachments) is tagged on its last
 * packet: the tag is reported as written once that packet is handed to a transport, and as unsent if
 * the session ends before. Heartbeat and control packets carry no tag.
 *
 * <p>The queue is a <em>window</em>, not a buffer: the layer above asks {@link #hasRoom()} before it
 * writes and keeps what does not fit in its own bounded buffer, where its overflow policy applies.
 * {@link #WINDOW_BYTES} is enough for a full polling batch, so batching is not starved; packets that
 * must go regardless (heartbeats, acknowledgements, joins) may still exceed it.
 *
 * <p>Not thread-safe: owned by its session's event loop.
 */
final class WriteQueue {
  /** Taken data the layer above may hand over before it must wait for the transport. */
  static final long WINDOW_BYTES = 1024 * 1024;
  /** The tag of a packet that belongs to no unit (or is not a unit's last packet). */
  private static final Object NO_TAG = new Object();
  /** The tag of a goodbye: a packet that must not share a request with the data before it. */
  private static final Object GOODBYE = new Object();

  private final ArrayDeque<EnginePacket> packets = new ArrayDeque<>();
  /** Parallel to {@link #packets}: the tag of each, or {@link #NO_TAG}. */
  private final ArrayDeque<Object> tags = new ArrayDeque<>();
  private long bytes;
  /** Someone was told there was no room: tell them when there is again. */
  private boolean roomWanted;

  boolean isEmpty() {
    return packets.isEmpty();
  }

  int size() {
    return packets.size();
  }

  /** The approximate bytes waiting (characters of text, bytes of binary). */
  long bytes() {
    return bytes;
  }

  /** True when the layer above may hand over more data now. */
  boolean hasRoom() {
    if (bytes < WINDOW_BYTES) return true;
    roomWanted = true;
    return false;
  }

  /** True once, when room was wanted and the queue has drained to half the window. */
  boolean roomRegained() {
    if (!roomWanted || bytes >= WINDOW_BYTES / 2) return false;
    roomWanted = false;
    return true;
  }

  void add(EnginePacket packet) {
    packets.add(packet);
    tags.add(NO_TAG);
    bytes += weight(packet);
  }

  /** Queues a unit; {@code tag} (if any) is reported with its last packet. Returns the unit's bytes. */
  long addUnit(List<EnginePacket> unit, @Nullable Object tag) {
    long unitBytes = 0;
    for (int i = 0; i < unit.size(); i++) {
      EnginePacket packet = unit.get(i);
      packets.add(packet);
      tags.add(tag != null && i == unit.size() - 1 ? tag : NO_TAG);
      unitBytes += weight(packet);
    }
    bytes += unitBytes;
    return unitBytes;
  }

  /**
   * Queues a goodbye (a namespace DISCONNECT, the session's CLOSE). A Socket.IO server handles an
   * event one tick after it parsed it, and ignores it if a goodbye parsed in the same tick took the
   * socket away meanwhile: so a goodbye never rides in the same batch as data queued before it.
   */
  void addGoodbye(EnginePacket packet) {
    packets.add(packet);
    tags.add(GOODBYE);
    bytes += weight(packet);
  }

  /** True when the next packet is a goodbye, which must start a batch of its own. */
  boolean goodbyeNext() {
    return tags.peek() == GOODBYE;
  }

  /** Queues {@code packet} ahead of everything (a heartbeat answer must not wait behind data). */
  void addFirst(EnginePacket packet) {
    packets.addFirst(packet);
    tags.addFirst(NO_TAG);
    bytes += weight(packet);
  }

  EnginePacket peek() {
    EnginePacket packet = packets.peek();
    if (packet == null) throw new IllegalStateException("empty");
    return packet;
  }

  /**
   * Takes the first packet for a transport.
   *
   * @param written collects the tag of the unit this packet completes; created when first needed
   * @return {@code written}, or a new list if a tag had to be collected and it was null
   */
  @Nullable List<Object> poll(List<EnginePacket> batch, @Nullable List<Object> written) {
    EnginePacket packet = packets.poll();
    Object tag = tags.poll();
    if (packet == null) throw new IllegalStateException("empty");
    bytes = packets.isEmpty() ? 0 : bytes - weight(packet);
    batch.add(packet);
    if (tag != NO_TAG && tag != GOODBYE) {
      if (written == null) written = new ArrayList<>();
      written.add(tag);
    }
    return written;
  }

  /** Empties the queue; returns the tags of the units that were not written, oldest first. */
  List<Object> clear() {
    List<Object> unsent = Collections.emptyList();
    for (Object tag : tags) {
      if (tag == NO_TAG || tag == GOODBYE) continue;
      if (unsent.isEmpty()) unsent = new ArrayList<>();
      unsent.add(tag);
    }
    packets.clear();
    tags.clear();
    bytes = 0;
    roomWanted = false;
    return unsent;
  }

  /** Cheap and transport-independent: what counts is the order of magnitude, not the framing. */
  private static long weight(EnginePacket packet) {
    okio.ByteString binary = packet.binary();
    if (binary != null) return binary.size() + 1;
    String text = packet.text();
    return text == null ? 1 : text.length() + 1;
  }
}
