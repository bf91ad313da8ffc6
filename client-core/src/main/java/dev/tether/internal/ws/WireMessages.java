package dev.tether.internal.ws;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import dev.tether.Envelope.Message;
import dev.tether.Frame;
import dev.tether.Socket;
import dev.tether.internal.wire.IncomingEvent;
import dev.tether.internal.wire.Payload;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * Converts between the seam's {@link Payload} (JSON with binary placeholders, plus attachments) and
 * the {@link Message} an envelope sees (each argument JSON or binary). Binary can only be a whole
 * argument here: an envelope has no way to say where inside a JSON value the bytes would go.
 *
 * <p>Stateless; thread-safe.
 */
final class WireMessages {
  static final String NAMESPACE = "/";

  private WireMessages() {
  }

  /**
   * The message of an emit ({@code payload} holds the name at index 0) or, with {@code name} null, of
   * an ack reply ({@code payload} holds only the arguments).
   *
   * @throws IllegalArgumentException when a binary value is nested inside an argument
   */
  static Message outgoing(@Nullable String name, @Nullable Long ackId, Payload payload) {
    int first = name == null ? 0 : 1;
    JsonArray json = payload.json;
    List<Object> args = new ArrayList<>(Math.max(0, json.size() - first));
    int binaries = 0;
    for (int i = first; i < json.size(); i++) {
      JsonElement element = json.get(i);
      int index = payload.attachments.isEmpty() ? -1 : Payload.attachmentIndex(element);
      if (index >= 0 && index < payload.attachments.size()) {
        args.add(payload.attachments.get(index)); // immutable: OkHttp sends it as it is
        binaries++;
      } else {
        args.add(element);
      }
    }
    if (binaries < payload.attachments.size()) {
      throw new IllegalArgumentException("on a plain WebSocket a binary value (byte[], ByteString, ByteBuffer) "
          + "can only be a whole argument, not inside an object or array");
    }
    if (name == null) return Message.ack(ackId == null ? 0 : ackId, args);
    Message event = Message.event(name, args);
    return ackId == null ? event : event.withAckId(ackId);
  }

  /** The arguments of {@code message} as the seam carries them. */
  static Payload payload(Message message) {
    JsonArray json = new JsonArray(message.size());
    List<ByteString> attachments = Collections.emptyList();
    for (int i = 0; i < message.size(); i++) {
      if (message.isBinary(i)) {
        if (attachments.isEmpty()) attachments = new ArrayList<>();
        json.add(Payload.placeholder(attachments.size()));
        attachments.add(message.binary(i));
      } else {
        json.add(message.json(i));
      }
    }
    return new Payload(json, attachments);
  }

  /** An incoming event; {@code wireBytes} is its share of the frame that carried it. */
  static IncomingEvent event(Message message, long wireBytes) {
    Payload args = payload(message);
    String name = message.name();
    return new IncomingEvent(NAMESPACE, name == null ? "" : name, args.json, args.attachments, message.ackId(),
        null, wireBytes);
  }

  /** A frame the envelope could not read, as a {@link Socket#UNPARSED} event with the text or bytes. */
  static IncomingEvent unparsed(Frame frame) {
    Object arg = frame.isText() ? new JsonPrimitive(frame.text()) : frame.bytes();
    return event(Message.event(Socket.UNPARSED, Collections.singletonList(arg)), frame.size());
  }
}
