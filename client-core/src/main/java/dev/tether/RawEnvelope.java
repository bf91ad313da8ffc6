package dev.tether;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@link Envelope#raw()}: one frame is one event {@code "message"} with one argument. Stateless. */
final class RawEnvelope implements Envelope {
  static final RawEnvelope INSTANCE = new RawEnvelope();
  static final String EVENT = "message";

  private RawEnvelope() {
  }

  @Override public List<Frame> encode(Message message) {
    if (message.isBinary(0)) return Collections.singletonList(Frame.binary(message.binary(0)));
    JsonElement value = message.json(0);
    boolean string = value.isJsonPrimitive() && ((JsonPrimitive) value).isString();
    // A String goes as it is (no quotes); anything else as the JSON text a server would parse.
    return Collections.singletonList(Frame.text(string ? value.getAsString() : value.toString()));
  }

  @Override public List<Message> decode(Frame frame) {
    Object arg = frame.isText() ? new JsonPrimitive(frame.text()) : frame.bytes();
    return Collections.singletonList(Message.event(EVENT, Collections.singletonList(arg)));
  }

  @Override public void checkEmit(Message message) {
    if (message.isAck()) throw new IllegalArgumentException("a raw WebSocket has no acks");
    if (!EVENT.equals(message.name())) {
      throw new IllegalArgumentException("a raw WebSocket sends only the event '" + EVENT + "' (one frame each), not '"
          + message.name() + "'; use an envelope such as Envelope.json(\"name\", \"data\") for named events");
    }
    if (message.size() != 1) {
      throw new IllegalArgumentException("emit('" + EVENT + "', x) on a raw WebSocket takes exactly one argument, got "
          + message.size());
    }
  }

  @Override public boolean equals(@Nullable Object o) {
    return o instanceof RawEnvelope;
  }

  @Override public int hashCode() {
    return 1;
  }

  @Override public String toString() {
    return "Envelope.raw()";
  }
}
