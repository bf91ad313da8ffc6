package dev.tether.internal.client;

import dev.tether.internal.wire.Payload;
import org.jspecify.annotations.Nullable;

/** An emit on its way to the server: made on the caller's thread, then owned by the event loop. */
final class Outgoing {
  final String event;
  /** The name at index 0, then the arguments. */
  final Payload payload;
  final @Nullable RealAckCall ack;
  /** Made inside an {@code onConnectBeforeFlush} listener: written ahead of the buffered emits. */
  final boolean beforeFlush;
  /** Serialized size, computed when the emit first waits in the send buffer; -1 before. Loop-owned. */
  long bytes = -1;

  Outgoing(String event, Payload payload, @Nullable RealAckCall ack, boolean beforeFlush) {
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
