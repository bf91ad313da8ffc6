package dev.tether.internal.client;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.tether.JsonValue;
import dev.tether.PayloadBindingException;
import dev.tether.internal.wire.Payload;
import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * Converts between application values and Socket.IO payloads through Gson. Binary values
 * ({@code byte[]}, {@code ByteString}, {@code ByteBuffer}) anywhere in the arguments become
 * {@code {"_placeholder":true,"num":i}} objects plus an attachment list, and back.
 *
 * <p>Nulls are always serialized, whatever the application's Gson says: a {@code Map} entry with a
 * null value, a {@code JsonNull} member of a {@code JsonObject} and a null POJO field are sent as
 * {@code "key":null}, in emits, acks and auth alike. Java has no {@code undefined}, so a null is the
 * value JSON null, as {@code JSON.stringify} writes it; Gson's default (drop the member) would make
 * {@code {"n":null}} arrive as {@code {}} and change what the server's {@code "n" in obj} sees. An
 * application that wants a member left out leaves it out of its map or object. Binding is unaffected.
 *
 * <p>Gson adapters are shared and must be stateless, so the attachment list of the conversion in
 * progress travels in a thread-local: a conversion runs start to end on one thread.
 *
 * <p>Thread-safe.
 */
public final class PayloadCodec {
  private static final ThreadLocal<@Nullable List<ByteString>> ATTACHMENTS = new ThreadLocal<>();

  private final Gson gson;

  /**
   * @param gson the application's Gson (or Tether's default); extended with the binary adapters and
   *     null serialization, not modified.
   */
  public PayloadCodec(Gson gson) {
    this.gson = gson.newBuilder()
        .serializeNulls()
        .registerTypeAdapterFactory(new BinaryAdapterFactory())
        .registerTypeAdapter(JsonValue.class, new JsonValueAdapter())
        .create();
  }

  /**
   * Encodes {@code values} as a JSON array, prefixed by {@code first} when it is not null (the event
   * name).
   *
   * @throws PayloadBindingException if Gson cannot serialize a value
   */
  public Payload encode(@Nullable String first, @Nullable Object[] values) {
    List<ByteString> attachments = new ArrayList<>();
    List<ByteString> previous = ATTACHMENTS.get();
    ATTACHMENTS.set(attachments);
    try {
      JsonArray array = new JsonArray();
      if (first != null) array.add(first);
      for (int i = 0; i < values.length; i++) {
        Object value = values[i];
        try {
          array.add(toTree(value));
        } catch (RuntimeException e) {
          throw new PayloadBindingException("cannot serialize argument " + i + " ("
              + value.getClass().getName() + "): " + e.getMessage(), e);
        }
      }
      return new Payload(array, attachments);
    } finally {
      ATTACHMENTS.set(previous);
    }
  }

  /**
   * One argument as a JSON tree: a {@link JsonValue} as it is (immutable by contract), a
   * {@code JsonElement} as a structural copy (the snapshot, without a trip through Gson's adapters),
   * anything else through Gson.
   */
  private JsonElement toTree(@Nullable Object value) {
    if (value == null) return JsonNull.INSTANCE;
    if (value instanceof JsonValue) return ((JsonValue) value).element();
    if (value instanceof JsonElement) return ((JsonElement) value).deepCopy();
    return gson.toJsonTree(value);
  }

  /** Binds {@code element} to {@code type}, resolving placeholders against {@code attachments}. */
  public <T> @Nullable T bind(JsonElement element, Type type, List<ByteString> attachments, String context) {
    if (element.isJsonNull()) return null;
    List<ByteString> previous = ATTACHMENTS.get();
    ATTACHMENTS.set(attachments);
    try {
      @SuppressWarnings("unchecked")
      T value = (T) gson.getAdapter(TypeToken.get(type)).fromJsonTree(element);
      return value;
    } catch (RuntimeException e) {
      throw new PayloadBindingException("cannot bind " + context + " to " + typeName(type) + ": "
          + describe(element) + " (" + e.getMessage() + ")", e);
    } finally {
      ATTACHMENTS.set(previous);
    }
  }

  /** Plain Java view: String, Long, Double, Boolean, byte[] (a fresh copy), List, Map or null. */
  public static @Nullable Object toJava(JsonElement element, List<ByteString> attachments) {
    if (element.isJsonNull()) return null;
    if (element.isJsonPrimitive()) {
      JsonPrimitive primitive = element.getAsJsonPrimitive();
      if (primitive.isBoolean()) return primitive.getAsBoolean();
      if (primitive.isString()) return primitive.getAsString();
      return number(primitive);
    }
    if (element.isJsonArray()) {
      List<@Nullable Object> list = new ArrayList<>();
      for (JsonElement item : element.getAsJsonArray()) list.add(toJava(item, attachments));
      return list;
    }
    JsonObject object = element.getAsJsonObject();
    ByteString binary = placeholder(object, attachments);
    if (binary != null) return binary.toByteArray();
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
      map.put(entry.getKey(), toJava(entry.getValue(), attachments));
    }
    return map;
  }

  /** Integral numbers as Long (5 stays 5), others as Double. */
  private static Object number(JsonPrimitive primitive) {
    String text = primitive.getAsString();
    try {
      if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) return Long.parseLong(text);
      BigDecimal decimal = new BigDecimal(text);
      if (decimal.signum() == 0 || decimal.scale() <= 0 || decimal.stripTrailingZeros().scale() <= 0) {
        try {
          return decimal.longValueExact();
        } catch (ArithmeticException tooBig) {
          return decimal.doubleValue();
        }
      }
      return decimal.doubleValue();
    } catch (NumberFormatException e) {
      return primitive.getAsDouble();
    }
  }

  /** The attachment a placeholder object points to, or null if {@code object} is no placeholder. */
  static @Nullable ByteString placeholder(JsonObject object, List<ByteString> attachments) {
    if (object.size() != 2) return null;
    JsonElement flag = object.get("_placeholder");
    JsonElement num = object.get("num");
    if (flag == null || num == null || !flag.isJsonPrimitive() || !flag.getAsJsonPrimitive().isBoolean()
        || !flag.getAsBoolean() || !num.isJsonPrimitive() || !num.getAsJsonPrimitive().isNumber()) {
      return null;
    }
    int index = num.getAsInt();
    return index >= 0 && index < attachments.size() ? attachments.get(index) : null;
  }

  private static String typeName(Type type) {
    return type instanceof Class ? ((Class<?>) type).getName() : type.toString();
  }

  static String describe(JsonElement element) {
    if (element.isJsonArray()) return "an array";
    if (element.isJsonObject()) return "an object";
    if (element.isJsonNull()) return "null";
    JsonPrimitive primitive = element.getAsJsonPrimitive();
    return primitive.isString() ? "a string" : primitive.isBoolean() ? "a boolean" : "a number";
  }

  /**
   * Writes binary values as placeholders (collecting them) and reads placeholders back. Attachments
   * are immutable {@link ByteString}s, so each kind of value costs at most one copy each way: an
   * emitted {@code byte[]} or {@code ByteBuffer} is copied once (the snapshot every argument gets),
   * a {@code ByteString} not at all; a received attachment bound to {@code byte[]} is copied once (a
   * fresh array per call, so a listener may keep or change it), to {@code ByteString} or a read-only
   * {@code ByteBuffer} not at all.
   */
  private static final class BinaryAdapterFactory implements TypeAdapterFactory {
    @Override @SuppressWarnings("unchecked")
    public <T> @Nullable TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
      Class<? super T> raw = type.getRawType();
      if (raw == byte[].class) return (TypeAdapter<T>) new BinaryAdapter<byte[]>() {
        @Override ByteString bytes(byte[] value) {
          // A snapshot, as for every other argument: the caller may reuse its array after emit
          // returns, while the packet can still wait in the send buffer.
          return ByteString.of(value);
        }

        @Override byte[] wrap(ByteString bytes) {
          return bytes.toByteArray();
        }
      };
      if (raw == ByteString.class) return (TypeAdapter<T>) new BinaryAdapter<ByteString>() {
        @Override ByteString bytes(ByteString value) {
          return value;
        }

        @Override ByteString wrap(ByteString bytes) {
          return bytes;
        }
      };
      if (ByteBuffer.class.isAssignableFrom(raw)) return (TypeAdapter<T>) new BinaryAdapter<ByteBuffer>() {
        @Override ByteString bytes(ByteBuffer value) {
          return ByteString.of(value.duplicate());
        }

        @Override ByteBuffer wrap(ByteString bytes) {
          return bytes.asByteBuffer();
        }
      };
      return null;
    }
  }

  private abstract static class BinaryAdapter<B> extends TypeAdapter<B> {
    /** What is sent for {@code value}: never shares anything mutable with the caller. */
    abstract ByteString bytes(B value);

    /** What a listener gets for a received attachment. */
    abstract B wrap(ByteString bytes);

    @Override public void write(JsonWriter out, @Nullable B value) throws IOException {
      if (value == null) {
        out.nullValue();
        return;
      }
      List<ByteString> attachments = ATTACHMENTS.get();
      if (attachments == null) throw new IllegalStateException("binary value outside a Tether payload");
      out.beginObject().name("_placeholder").value(true).name("num").value(attachments.size()).endObject();
      attachments.add(bytes(value));
    }

    @Override public @Nullable B read(JsonReader in) throws IOException {
      JsonToken token = in.peek();
      if (token == JsonToken.NULL) {
        in.nextNull();
        return null;
      }
      if (token == JsonToken.BEGIN_ARRAY) { // Gson's own form for byte[]: an array of numbers
        List<Byte> list = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) list.add((byte) in.nextInt());
        in.endArray();
        byte[] bytes = new byte[list.size()];
        for (int i = 0; i < bytes.length; i++) bytes[i] = list.get(i);
        return wrap(ByteString.of(bytes));
      }
      JsonObject object = new JsonObject();
      in.beginObject();
      while (in.hasNext()) {
        String name = in.nextName();
        JsonToken valueToken = in.peek();
        if (valueToken == JsonToken.BOOLEAN) {
          object.addProperty(name, in.nextBoolean());
        } else if (valueToken == JsonToken.NUMBER) {
          object.addProperty(name, in.nextLong());
        } else {
          in.skipValue();
        }
      }
      in.endObject();
      List<ByteString> attachments = ATTACHMENTS.get();
      ByteString bytes = placeholder(object, attachments == null ? Collections.<ByteString>emptyList() : attachments);
      if (bytes == null) throw new IllegalStateException("expected binary data, found an object");
      return wrap(bytes);
    }
  }

  /** A {@link JsonValue} nested inside another value: written as its tree; read from any JSON. */
  private static final class JsonValueAdapter extends TypeAdapter<JsonValue> {
    private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

    @Override public void write(JsonWriter out, @Nullable JsonValue value) throws IOException {
      if (value == null) {
        out.nullValue();
      } else {
        ELEMENTS.write(out, value.element());
      }
    }

    @Override public @Nullable JsonValue read(JsonReader in) throws IOException {
      if (in.peek() == JsonToken.NULL) {
        in.nextNull();
        return null;
      }
      return JsonValue.adopt(ELEMENTS.read(in));
    }
  }
}
