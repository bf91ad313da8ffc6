package dev.tether.internal.sio;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Binary placeholders: {@code {"_placeholder":true,"num":i}} objects that stand for attachment
 * {@code i} in the data of a BINARY_EVENT / BINARY_ACK. As in socket.io-parser, an object is a
 * placeholder when its {@code _placeholder} member is JSON {@code true}; its other members are not
 * looked at, and its contents are not searched for further placeholders.
 */
final class Placeholders {
  static final String MARKER = "_placeholder";
  static final String NUM = "num";

  private Placeholders() {
  }

  /** A new placeholder object for attachment {@code num}. */
  static JsonObject of(int num) {
    JsonObject placeholder = new JsonObject();
    placeholder.addProperty(MARKER, true);
    placeholder.addProperty(NUM, num);
    return placeholder;
  }

  static boolean isPlaceholder(JsonElement element) {
    if (!element.isJsonObject()) return false;
    JsonElement marker = element.getAsJsonObject().get(MARKER);
    return marker != null && marker.isJsonPrimitive() && marker.getAsJsonPrimitive().isBoolean()
        && marker.getAsBoolean();
  }

  /**
   * Checks that every placeholder in {@code data} has an integer {@code num} in
   * {@code 0..attachments-1} and, when {@code requireAllUsed}, that every attachment is referred to.
   * Returns a short description of the first problem, or null.
   */
  static @Nullable String check(JsonElement data, int attachments, boolean requireAllUsed) {
    boolean[] used = new boolean[attachments];
    String problem = walk(data, used);
    if (problem != null || !requireAllUsed) return problem;
    for (int i = 0; i < attachments; i++) {
      if (!used[i]) {
        return "attachment " + i + " of " + attachments + " has no placeholder in the data";
      }
    }
    return null;
  }

  private static @Nullable String walk(JsonElement element, boolean[] used) {
    if (element.isJsonArray()) {
      for (JsonElement child : element.getAsJsonArray()) {
        String problem = walk(child, used);
        if (problem != null) return problem;
      }
    } else if (element.isJsonObject()) {
      JsonObject object = element.getAsJsonObject();
      if (isPlaceholder(object)) {
        JsonElement num = object.get(NUM);
        int index = index(num, used.length);
        if (index < 0) {
          return "placeholder num must be an integer in 0.." + (used.length - 1) + ", got "
              + (num == null ? "none" : JsonText.preview(num, 20));
        }
        used[index] = true;
        return null;
      }
      for (Map.Entry<String, JsonElement> member : object.entrySet()) {
        String problem = walk(member.getValue(), used);
        if (problem != null) return problem;
      }
    }
    return null;
  }

  private static int index(@Nullable JsonElement num, int attachments) {
    if (num == null || !num.isJsonPrimitive()) return -1;
    JsonPrimitive primitive = num.getAsJsonPrimitive();
    if (!primitive.isNumber()) return -1;
    double value = primitive.getAsDouble(); // "0", "0.0" and "0e0" all mean 0, as in JavaScript
    if (value != Math.rint(value) || value < 0 || value >= attachments) return -1;
    return (int) value;
  }
}
