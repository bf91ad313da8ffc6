package dev.tether;

import com.google.gson.JsonElement;
import java.lang.reflect.Type;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The arguments of an event or an ack, bound lazily to whatever type each listener asks for. Binary
 * values ({@code byte[]}) may appear anywhere: as an argument or inside objects and arrays.
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

  /** All arguments as plain Java values, see {@link #arg(int)}. */
  List<@Nullable Object> toList();
}
