package dev.tether.jmeter.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.tether.Event;
import java.nio.ByteBuffer;

/**
 * An event as an await sampler reports it: its name, its arguments as one JSON array (a binary
 * argument as {@code {"binary": <size in bytes>}}), and when it arrived. Immutable once in an
 * {@link Inbox}.
 */
public final class ReceivedEvent {
  public final String name;
  public final JsonArray arguments;
  public final long receivedAtMillis;
  long sequence; // set by the inbox

  public ReceivedEvent(String name, JsonArray arguments, long receivedAtMillis) {
    this.name = name;
    this.arguments = arguments;
    this.receivedAtMillis = receivedAtMillis;
  }

  /** Reads a Tether event; runs on Tether's callback thread. */
  public static ReceivedEvent of(Event event) {
    JsonArray arguments = new JsonArray(event.size());
    for (int i = 0; i < event.size(); i++) {
      if (event.isBinary(i)) {
        ByteBuffer bytes = event.arg(i, ByteBuffer.class); // a view, not a copy
        JsonObject binary = new JsonObject();
        binary.addProperty("binary", bytes == null ? 0 : bytes.remaining());
        arguments.add(binary);
      } else {
        arguments.add(event.jsonView(i)); // never changed by the samplers
      }
    }
    return new ReceivedEvent(event.name(), arguments, System.currentTimeMillis());
  }
}
