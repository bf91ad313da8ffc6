package dev.tether.internal.wire;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import okio.ByteString;

/**
 * Values as they cross the seam: a JSON array in which binary values are placeholders
 * ({@code {"_placeholder":true,"num":i}}, see {@link #placeholder}), and the binary attachments the
 * placeholders point to. For an emit, element 0 is the event name. Treated as
 * immutable once built: neither side changes the array or the attachments after handing them over.
 */
public final class Payload {
  public final JsonArray json;
  public final List<ByteString> attachments;

  public Payload(JsonArray json, List<ByteString> attachments) {
    this.json = json;
    this.attachments = attachments;
  }

  /** Serialized size: the JSON text in UTF-8 bytes plus the binary bytes. What send limits count. */
  public long size() {
    long bytes = dev.tether.internal.util.Utf8.size(json.toString());
    for (ByteString attachment : attachments) bytes += attachment.size();
    return bytes;
  }

  /** The placeholder that stands for attachment {@code index}. */
  public static JsonObject placeholder(int index) {
    JsonObject object = new JsonObject();
    object.addProperty("_placeholder", true);
    object.addProperty("num", index);
    return object;
  }

  /** The attachment index {@code element} stands for, or -1 when it is no placeholder. */
  public static int attachmentIndex(JsonElement element) {
    if (!element.isJsonObject()) return -1;
    JsonObject object = element.getAsJsonObject();
    if (object.size() != 2) return -1;
    JsonElement flag = object.get("_placeholder");
    JsonElement num = object.get("num");
    if (flag == null || num == null || !flag.isJsonPrimitive() || !flag.getAsJsonPrimitive().isBoolean()
        || !flag.getAsBoolean() || !num.isJsonPrimitive() || !num.getAsJsonPrimitive().isNumber()) {
      return -1;
    }
    return num.getAsInt();
  }
}
