package dev.tether.internal.client;

import dev.tether.internal.wire.Payload;
import org.jspecify.annotations.Nullable;

/** An emit on its way to the server: made on the caller's thread, then owned by the event loop. */
final class Outgoing {
  final RealSocket owner;
  final String event;
  /** The name at index 0, then the arguments. */
  final Payload payload;
  final @Nullable RealAckCall ack;
  /** Made inside an {@code onConnectBeforeFlush} listener: written ahead of the buffered emits. */
  final boolean beforeFlush;
  /** Serialized size, computed when the emit first waits in the send buffer; -1 before. Loop-owned. */
  long bytes = -1;
  /** Handed to the connection, not yet to its transport: counted by its owner as unsent. Loop-owned. */
  boolean inWindow;
  /** What it adds to the connection's queue while {@link #inWindow}. Loop-owned. */
  long windowBytes;

  Outgoing(RealSocket owner, String event, Payload payload, @Nullable RealAckCall ack, boolean beforeFlush) {
    this.owner = owner;
    this.event = event;
    this.payload = payload;
    this.ack = ack;
    this.beforeFlush = beforeFlush;
  }

  long bytes() {
    if (bytes < 0) bytes = payload.size();
    return bytes;
  }
}
