package dev.tether;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * A JSON value to emit without Tether converting or copying it: built once, sent as it is, as often
 * as you like. Every other argument of {@code emit} is turned into a fresh JSON tree at each call (the
 * snapshot that lets you change your objects afterwards); a {@code JsonValue} skips that work, which
 * counts when a bot sends the same payload thousands of times, or a relay passes on what it received
 * ({@link Args#jsonView(int)}).
 *
 * <pre>{@code
 * JsonValue tick = JsonValue.parse("{\"type\":\"tick\",\"room\":\"lobby\"}");
 * for (Socket socket : sockets) socket.emit("tick", tick);
 * }</pre>
 *
 * <p>A whole argument is sent without a copy; a {@code JsonValue} nested inside a map, list or POJO is
 * copied into the tree around it like any other value. Binary data cannot be part of it (use
 * {@code ByteString} arguments for that: they are not copied either).
 *
 * <p>Immutable and thread-safe, as long as the rule of {@link #adopt} is kept.
 */
public final class JsonValue {
  private final JsonElement element;

  private JsonValue(JsonElement element) {
    this.element = element;
  }

  /**
   * Takes {@code element} as it is, without a copy. It now belongs to this value: changing it later
   * changes what later emits send, and may corrupt an emit still waiting to go out. Use
   * {@link #copyOf} when you will keep changing {@code element}.
   */
  public static JsonValue adopt(JsonElement element) {
    if (element == null) throw new NullPointerException("element == null");
    return new JsonValue(element);
  }

  /** A value of its own: a deep copy of {@code element}, made now. */
  public static JsonValue copyOf(JsonElement element) {
    if (element == null) throw new NullPointerException("element == null");
    return new JsonValue(element.deepCopy());
  }

  /**
   * Parses JSON text once.
   *
   * @throws IllegalArgumentException if {@code json} is not valid JSON
   */
  public static JsonValue parse(String json) {
    if (json == null) throw new NullPointerException("json == null");
    try {
      return new JsonValue(JsonParser.parseString(json));
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
  }

  /** The value's tree. Do not change it: see {@link #adopt}. */
  public JsonElement element() {
    return element;
  }

  @Override public boolean equals(Object other) {
    return other instanceof JsonValue && element.equals(((JsonValue) other).element);
  }

  @Override public int hashCode() {
    return element.hashCode();
  }

  @Override public String toString() {
    return element.toString();
  }
}
