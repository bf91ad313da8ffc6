package dev.tether.internal.sio;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JSON text as {@code JSON.stringify} writes it and {@code JSON.parse} reads it.
 *
 * <p>Writing: non-ASCII characters (U+2028/U+2029 included) raw, lone surrogates as lowercase
 * {@code \}{@code udXXX} escapes, other control characters as {@code \b \f \n \r \t} or
 * {@code \}{@code u00XX}, JSON null written, non-finite doubles written as {@code null}, integral
 * doubles without a fraction ({@code 1.0} as {@code 1}). Gson's own {@code JsonWriter} differs on
 * U+2028/U+2029 (escaped) and NaN (rejected), so this is a small writer of its own.
 *
 * <p>Reading: strict RFC 8259 via Gson's {@code JsonReader} in {@link Strictness#STRICT} mode; numbers
 * keep their text. Only public Gson packages are used (its {@code internal} packages are not exported
 * to JPMS modules).
 */
final class JsonText {
  private static final TypeAdapter<JsonElement> ELEMENT_ADAPTER = new Gson().getAdapter(JsonElement.class);
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int MAX_ERROR_DETAIL = 80;

  private JsonText() {
  }

  static String write(JsonElement value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  static void write(JsonElement value, StringBuilder out) {
    new Writer(out, Integer.MAX_VALUE).value(value);
  }

  /** The JSON text of {@code value}, cut after about {@code maxChars} characters with an ellipsis. */
  static String preview(JsonElement value, int maxChars) {
    StringBuilder out = new StringBuilder(Math.min(maxChars, 64) + 8);
    if (!new Writer(out, maxChars).value(value)) {
      out.setLength(Math.min(out.length(), maxChars));
      out.append('…');
    }
    return out.toString();
  }

  /** Appends {@code s} as a JSON string literal. */
  static void writeString(String s, StringBuilder out) {
    new Writer(out, Integer.MAX_VALUE).string(s);
  }

  private static final class Writer {
    private final StringBuilder out;
    private final int limit;

    Writer(StringBuilder out, int limit) {
      this.out = out;
      this.limit = limit;
    }

    /** Writes {@code value}; returns false if the output was cut at the limit. */
    boolean value(JsonElement value) {
      if (out.length() >= limit) return false;
      if (value.isJsonArray()) {
        JsonArray array = value.getAsJsonArray();
        out.append('[');
        for (int i = 0, size = array.size(); i < size; i++) {
          if (i > 0) out.append(',');
          if (!value(array.get(i))) return false;
        }
        out.append(']');
      } else if (value.isJsonObject()) {
        JsonObject object = value.getAsJsonObject();
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonElement> member : object.entrySet()) {
          if (!first) out.append(',');
          first = false;
          if (!string(member.getKey())) return false;
          out.append(':');
          if (!value(member.getValue())) return false;
        }
        out.append('}');
      } else if (value.isJsonPrimitive()) {
        JsonPrimitive primitive = value.getAsJsonPrimitive();
        if (primitive.isString()) {
          if (!string(primitive.getAsString())) return false;
        } else if (primitive.isBoolean()) {
          out.append(primitive.getAsBoolean() ? "true" : "false");
        } else {
          number(primitive.getAsNumber());
        }
      } else {
        out.append("null");
      }
      return out.length() <= limit;
    }

    /** Writes a string literal; returns false if it was cut at the limit. */
    boolean string(String s) {
      out.append('"');
      int length = s.length();
      boolean cut = false;
      if (limit != Integer.MAX_VALUE && length > limit - out.length()) {
        length = Math.max(0, limit - out.length());
        if (length > 0 && Character.isHighSurrogate(s.charAt(length - 1))) length--; // keep pairs whole
        cut = true;
      }
      int copied = 0;
      for (int i = 0; i < length; i++) {
        char c = s.charAt(i);
        if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) continue;
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        out.append(s, copied, i);
        copied = i + 1;
        switch (c) {
          case '"': out.append("\\\""); break;
          case '\\': out.append("\\\\"); break;
          case '\b': out.append("\\b"); break;
          case '\f': out.append("\\f"); break;
          case '\n': out.append("\\n"); break;
          case '\r': out.append("\\r"); break;
          case '\t': out.append("\\t"); break;
          default: // other control character, or lone surrogate
            out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
        }
      }
      out.append(s, copied, length);
      if (cut) return false;
      out.append('"');
      return true;
    }

    void number(Number n) {
      if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
          || n instanceof BigInteger || n instanceof AtomicInteger || n instanceof AtomicLong
          || n instanceof BigDecimal) {
        out.append(n.toString());
      } else if (n instanceof Double || n instanceof Float) {
        double d = n.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          out.append("null"); // as JSON.stringify
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
          out.append((long) d); // 1.0 -> 1, -0.0 -> 0
        } else {
          out.append(n instanceof Float ? Float.toString(n.floatValue()) : Double.toString(d));
        }
      } else {
        // Gson's LazilyParsedNumber (decoded numbers keep their text) or an application type.
        String text = n.toString();
        if (!isJsonNumber(text)) {
          throw new IllegalArgumentException("not a JSON number: " + cap(text, 40));
        }
        out.append(text);
      }
    }
  }

  /** RFC 8259 number grammar. */
  static boolean isJsonNumber(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && s.charAt(i) == '-') i++;
    if (i >= n) return false;
    char c = s.charAt(i);
    if (c == '0') {
      i++;
    } else if (c >= '1' && c <= '9') {
      while (i < n && isDigit(s.charAt(i))) i++;
    } else {
      return false;
    }
    if (i < n && s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && isDigit(s.charAt(i))) i++;
      if (i == start) return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
      int start = i;
      while (i < n && isDigit(s.charAt(i))) i++;
      if (i == start) return false;
    }
    return i == n;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * Parses {@code text} from {@code start} to its end as exactly one JSON value, as strictly as
   * {@code JSON.parse}. Nesting deeper than Gson's limit (255) is rejected.
   */
  static JsonElement parse(String text, int start) throws SioDecodingException {
    if (start < text.length() && text.charAt(start) == '\ufeff') {
      throw new SioDecodingException("invalid JSON: byte order mark"); // JSON.parse rejects it; Gson skips it
    }
    try {
      StringReader source = new StringReader(text);
      if (source.skip(start) != start) throw new IllegalStateException();
      JsonReader reader = new JsonReader(source);
      reader.setStrictness(Strictness.STRICT);
      JsonElement value = ELEMENT_ADAPTER.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new SioDecodingException("invalid JSON: data after the value");
      }
      return value;
    } catch (IOException | RuntimeException e) {
      throw new SioDecodingException("invalid JSON: " + describe(e));
    }
  }

  /** Gson's message, without its advice to be lenient, its JSON path (may hold long keys) and its URL. */
  private static String describe(Exception e) {
    String message = e.getMessage();
    if (message == null) return e.getClass().getSimpleName();
    int newline = message.indexOf('\n');
    if (newline >= 0) message = message.substring(0, newline);
    int path = message.indexOf(" path ");
    if (path >= 0) message = message.substring(0, path);
    String lenientAdvice = "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON";
    if (message.startsWith(lenientAdvice)) {
      message = "syntax error" + message.substring(lenientAdvice.length());
    }
    return cap(message, MAX_ERROR_DETAIL);
  }

  /** {@code s}, cut to {@code max} characters with an ellipsis. */
  static String cap(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
