package dev.tether;

import com.google.gson.JsonElement;
import java.lang.reflect.Type;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The arguments of an event or an ack, bound lazily to whatever type each listener asks for. Binary
 * values may appear anywhere: as an argument or inside objects and arrays.
 *
 * <p><b>Binary without copies.</b> Received binary data is kept as OkHttp delivered it, an immutable
 * Okio {@code ByteString}. Bound to {@code ByteString} (or a read-only {@code ByteBuffer}) it is
 * handed over as it is, with no copy; bound to {@code byte[]} each call returns a fresh copy, which
 * the listener may keep or change.
 *
 * <p>An index past the last argument reads as null, as a missing argument reads as
 * {@code undefined} in JavaScript. Immutable and thread-safe.
 */
public interface Args {
  int size();

  /**
   * Argument {@code index} converted through Gson, or null for a JSON null or a missing argument.
   *
   * @throws PayloadBindingException if the value does not fit {@code type}; the message names the
   *     event and the argument.
   */
  <T> @Nullable T arg(int index, Class<T> type);

  /** As {@link #arg(int, Class)}, for generic types (e.g. from a Gson {@code TypeToken}). */
  <T> @Nullable T arg(int index, Type type);

  /**
   * Argument {@code index} as plain Java: {@code String}, {@code Long} (integral numbers),
   * {@code Double}, {@code Boolean}, {@code byte[]}, {@code List}, {@code Map}, or null.
   */
  @Nullable Object arg(int index);

  /** True when argument {@code index} is binary data. */
  boolean isBinary(int index);

  /** Argument {@code index} as JSON (binary values appear as Socket.IO placeholder objects); a copy. */
  JsonElement json(int index);

  /**
   * Argument {@code index} as the JSON tree that was received, not a copy: the cheap way to read a
   * payload on a hot path, or to pass it on to {@code emit}. The tree is shared with every other
   * listener of this event (and the event history), so treat it as read-only: changing it changes
   * what they see. Use {@link #json(int)} for a copy of your own.
   */
  JsonElement jsonView(int index);

  /** All arguments as plain Java values, see {@link #arg(int)}. */
  List<@Nullable Object> toList();
}
