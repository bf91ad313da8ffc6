package dev.tether.jmeter.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;

/**
 * "Does this JSON contain that JSON": the one rule behind the samplers' expected replies and event
 * filters. An expected object matches an object that has each of its members, each matching in turn
 * (other members are ignored); an expected array matches an array whose first elements match its
 * elements, position by position (more elements may follow); a string, number, boolean or null
 * matches an equal one (numbers by value: {@code 1} matches {@code 1.0}).
 *
 * <p>So {@code [{"ok":true}]} matches the ack {@code [{"ok":true,"id":7,"at":1733}]}. Stateless.
 */
public final class JsonMatch {
  private JsonMatch() {}

  public static boolean contains(JsonElement actual, JsonElement expected) {
    if (expected.isJsonObject()) {
      if (!actual.isJsonObject()) return false;
      JsonObject actualObject = actual.getAsJsonObject();
      for (Map.Entry<String, JsonElement> member : expected.getAsJsonObject().entrySet()) {
        JsonElement value = actualObject.get(member.getKey());
        if (value == null || !contains(value, member.getValue())) return false;
      }
      return true;
    }
    if (expected.isJsonArray()) {
      if (!actual.isJsonArray()) return false;
      JsonArray actualArray = actual.getAsJsonArray();
      JsonArray expectedArray = expected.getAsJsonArray();
      if (expectedArray.size() > actualArray.size()) return false;
      for (int i = 0; i < expectedArray.size(); i++) {
        if (!contains(actualArray.get(i), expectedArray.get(i))) return false;
      }
      return true;
    }
    if (expected.isJsonNull()) return actual.isJsonNull();
    if (!actual.isJsonPrimitive()) return false;
    if (expected.getAsJsonPrimitive().isNumber() && actual.getAsJsonPrimitive().isNumber()) {
      return expected.getAsBigDecimal().compareTo(actual.getAsBigDecimal()) == 0;
    }
    return expected.equals(actual);
  }
}
