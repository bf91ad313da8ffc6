package dev.tether.internal.wire;

import com.google.gson.JsonArray;
import java.util.List;

/**
 * Values as they cross the seam: a JSON array in which binary values are placeholders, and the
 * binary attachments the placeholders point to. For an emit, element 0 is the event name. Treated as
 * immutable once built: neither side changes the array or the attachments after handing them over.
 */
public final class Payload {
  public final JsonArray json;
  public final List<byte[]> attachments;

  public Payload(JsonArray json, List<byte[]> attachments) {
    this.json = json;
    this.attachments = attachments;
  }

  /** Serialized size: the JSON text in UTF-8 bytes plus the binary bytes. What send limits count. */
  public long size() {
    long bytes = dev.tether.internal.util.Utf8.size(json.toString());
    for (byte[] attachment : attachments) bytes += attachment.length;
    return bytes;
  }
}
