package dev.tether.internal.client;

import dev.tether.internal.wire.Payload;
import org.jspecify.annotations.Nullable;

/** An emit on its way to the server: made on the caller's thread, then owned by the event loop. */
final class Outgoing {
  final String event;
  /** The name at index 0, then the arguments. */
  final Payload payload;
  final @Nullable RealAckCall ack;
  /** Serialized size, computed when the emit first waits in the send buffer; -1 before. Loop-owned. */
  long bytes = -1;

  Outgoing(String event, Payload payload, @Nullable RealAckCall ack) {
    this.event = event;
    this.payload = payload;
    this.ack = ack;
  }

  long bytes() {
    if (bytes < 0) bytes = payload.size();
    return bytes;
  }
}
