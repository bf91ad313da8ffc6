package dev.tether;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@link Envelope#json(String, String, String)}: one JSON object per text frame, with configurable
 * keys for the event name, its data and (optionally) an integer ack id. Immutable.
 */
final class JsonEnvelope implements Envelope {
  private final String nameKey;
  private final String dataKey;
  private final @Nullable String idKey;

  JsonEnvelope(String nameKey, String dataKey, @Nullable String idKey) {
    if (nameKey == null) throw new NullPointerException("nameKey == null");
    if (dataKey == null) throw new NullPointerException("dataKey == null");
    if (nameKey.equals(dataKey) || nameKey.equals(idKey) || dataKey.equals(idKey)) {
      throw new IllegalArgumentException("the name, data and id keys must differ: " + nameKey + ", " + dataKey + ", " + idKey);
    }
    this.nameKey = nameKey;
    this.dataKey = dataKey;
    this.idKey = idKey;
  }

  @Override public List<Frame> encode(Message message) {
    JsonObject object = new JsonObject();
    if (!message.isAck()) object.addProperty(nameKey, message.name());
    if (message.size() == 1) {
      object.add(dataKey, message.json(0));
    } else if (message.size() > 1) {
      // JSON has one data slot: several arguments travel as one array (incoming data is never spread).
      JsonArray array = new JsonArray(message.size());
      for (int i = 0; i < message.size(); i++) array.add(message.json(i));
      object.add(dataKey, array);
    }
    Long ackId = message.ackId();
    if (ackId != null && idKey != null) object.addProperty(idKey, ackId);
    return Collections.singletonList(Frame.text(object.toString()));
  }

  @Override public @Nullable List<Message> decode(Frame frame) {
    if (!frame.isText()) return null;
    JsonElement parsed = JsonParser.parseString(frame.text()); // throws on bad JSON: unparsed
    if (!parsed.isJsonObject()) return null;
    JsonObject object = parsed.getAsJsonObject();
    JsonElement data = object.get(dataKey);
    List<Object> args = data == null ? Collections.emptyList() : Collections.<Object>singletonList(data);
    Long id = idKey == null ? null : integer(object.get(idKey));
    JsonElement name = object.get(nameKey);
    if (name == null) {
      // No name: the reply to one of our emits, if it carries an id; otherwise not ours.
      return id == null ? null : Collections.singletonList(Message.ack(id, args));
    }
    if (!name.isJsonPrimitive() || !((JsonPrimitive) name).isString()) return null;
    Message event = Message.event(name.getAsString(), args);
    return Collections.singletonList(id == null ? event : event.withAckId(id));
  }

  /** An integral id, as a number or a numeric string (servers differ); null otherwise. */
  private static @Nullable Long integer(@Nullable JsonElement id) {
    if (id == null || !id.isJsonPrimitive()) return null;
    JsonPrimitive primitive = (JsonPrimitive) id;
    if (!primitive.isNumber() && !primitive.isString()) return null;
    try {
      return Long.parseLong(primitive.getAsString());
    } catch (NumberFormatException notAnInteger) {
      return null;
    }
  }

  @Override public boolean carriesAckIds() {
    return idKey != null;
  }

  @Override public void checkEmit(Message message) {
    if (message.hasBinary()) {
      throw new IllegalArgumentException("binary arguments cannot be sent in a JSON envelope (JSON has no binary): "
          + "encode them (e.g. base64) or use Envelope.raw() or an envelope of your own");
    }
  }

  @Override public boolean equals(@Nullable Object o) {
    if (!(o instanceof JsonEnvelope)) return false;
    JsonEnvelope other = (JsonEnvelope) o;
    return nameKey.equals(other.nameKey) && dataKey.equals(other.dataKey)
        && (idKey == null ? other.idKey == null : idKey.equals(other.idKey));
  }

  @Override public int hashCode() {
    return 31 * (31 * nameKey.hashCode() + dataKey.hashCode()) + (idKey == null ? 0 : idKey.hashCode());
  }

  @Override public String toString() {
    return "Envelope.json(\"" + nameKey + "\", \"" + dataKey + "\"" + (idKey != null ? ", \"" + idKey + "\"" : "") + ")";
  }
}
