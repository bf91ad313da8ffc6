package dev.tether.internal.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import dev.tether.Args;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/** Arguments as received: JSON with placeholders plus attachments, bound on demand. Immutable. */
class RealArgs implements Args {
  private final JsonArray values;
  private final List<ByteString> attachments;
  private final PayloadCodec codec;
  private final String context;

  /**
   * @param values the arguments (never mutated afterwards)
   * @param context names the payload in error messages, e.g. {@code event 'news'}
   */
  RealArgs(JsonArray values, List<ByteString> attachments, PayloadCodec codec, String context) {
    this.values = values;
    this.attachments = attachments;
    this.codec = codec;
    this.context = context;
  }

  static RealArgs of(@Nullable JsonElement single, PayloadCodec codec, String context) {
    JsonArray array = new JsonArray();
    if (single != null) array.add(single);
    return new RealArgs(array, Collections.<ByteString>emptyList(), codec, context);
  }

  @Override public int size() {
    return values.size();
  }

  private JsonElement element(int index) {
    return index >= 0 && index < values.size() ? values.get(index) : JsonNull.INSTANCE;
  }

  @Override public <T> @Nullable T arg(int index, Class<T> type) {
    return arg(index, (Type) type);
  }

  @Override public <T> @Nullable T arg(int index, Type type) {
    if (type == Object.class || type == java.util.Map.class || type == List.class) {
      // Gson's own adapter for these cannot be replaced, and it would turn binary values into
      // placeholder maps: use the plain-Java view, which resolves them.
      Object value = arg(index);
      if (value == null || ((Class<?>) type).isInstance(value)) {
        @SuppressWarnings("unchecked") T result = (T) value;
        return result;
      }
    }
    return codec.bind(element(index), type, attachments, "argument " + index + " of " + context);
  }

  @Override public @Nullable Object arg(int index) {
    return PayloadCodec.toJava(element(index), attachments);
  }

  @Override public boolean isBinary(int index) {
    JsonElement element = element(index);
    return element.isJsonObject() && PayloadCodec.placeholder(element.getAsJsonObject(), attachments) != null;
  }

  @Override public JsonElement json(int index) {
    return element(index).deepCopy();
  }

  @Override public JsonElement jsonView(int index) {
    return element(index);
  }

  @Override public List<@Nullable Object> toList() {
    List<@Nullable Object> list = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) list.add(arg(i));
    return list;
  }

  @Override public String toString() {
    String text = values.toString();
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
