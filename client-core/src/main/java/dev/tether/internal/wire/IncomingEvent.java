package dev.tether.internal.wire;

import com.google.gson.JsonArray;
import java.util.List;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/** An event a server sent to one namespace, as the protocol decoded it. Immutable. */
public final class IncomingEvent {
  public final String namespace;
  public final String name;
  /** The arguments, without the name; binary values are placeholders into {@link #attachments}. */
  public final JsonArray args;
  public final List<ByteString> attachments;
  /** Set when the server asks for an acknowledgement. */
  public final @Nullable Long ackId;
  /** Where a recovered session would resume after this event; null when the session is not recoverable. */
  public final @Nullable String offset;
  /** Size as received (text plus binary bytes): what the event history counts. */
  public final long wireBytes;

  public IncomingEvent(String namespace, String name, JsonArray args, List<ByteString> attachments,
      @Nullable Long ackId, @Nullable String offset, long wireBytes) {
    this.namespace = namespace;
    this.name = name;
    this.args = args;
    this.attachments = attachments;
    this.ackId = ackId;
    this.offset = offset;
    this.wireBytes = wireBytes;
  }
}
