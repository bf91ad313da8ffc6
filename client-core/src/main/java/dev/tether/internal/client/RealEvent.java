package dev.tether.internal.client;

import com.google.gson.JsonArray;
import dev.tether.Event;
import java.util.List;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/** An event with its arguments and, when the server asked for one, a once-only ack. Thread-safe. */
final class RealEvent extends RealArgs implements Event {
  /** Sends an ack; called at most once. */
  interface Acker {
    void ack(Object[] args);
  }

  private final String name;
  private final @Nullable Acker acker;
  private final java.util.concurrent.atomic.AtomicBoolean acked = new java.util.concurrent.atomic.AtomicBoolean();

  RealEvent(String name, JsonArray args, List<ByteString> attachments, PayloadCodec codec, @Nullable Acker acker) {
    super(args, attachments, codec, "event '" + name + "'");
    this.name = name;
    this.acker = acker;
  }

  @Override public String name() {
    return name;
  }

  @Override public boolean hasAck() {
    return acker != null;
  }

  @Override public void ack(Object... args) {
    Acker target = acker;
    if (target == null || !acked.compareAndSet(false, true)) return;
    try {
      target.ack(args);
    } catch (RuntimeException invalid) {
      acked.set(false); // nothing was sent: a corrected call may still answer
      throw invalid;
    }
  }

  @Override public String toString() {
    return "Event{" + name + " " + super.toString() + (acker != null ? ", ack requested" : "") + "}";
  }
}
