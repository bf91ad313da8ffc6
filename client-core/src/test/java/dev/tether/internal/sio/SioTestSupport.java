package dev.tether.internal.sio;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.tether.internal.engine.EnginePacket;
import java.util.ArrayList;
import java.util.List;
import okio.ByteString;

/** Shared helpers for the Socket.IO codec tests. */
final class SioTestSupport {
  static final SocketIoV5 V5 = SocketIoV5.INSTANCE;

  private SioTestSupport() {
  }

  static JsonElement json(String text) {
    return JsonParser.parseString(text);
  }

  static ByteString bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) out[i] = (byte) values[i];
    return ByteString.of(out);
  }

  static ByteString zeros(int size) {
    return ByteString.of(new byte[size]);
  }

  static List<EnginePacket> messages(String header, ByteString... attachments) {
    List<EnginePacket> out = new ArrayList<>();
    out.add(EnginePacket.message(header));
    for (ByteString attachment : attachments) out.add(EnginePacket.binary(attachment));
    return out;
  }

  /** Feeds all messages to a fresh default decoder; every message but the last must return null. */
  static SioPacket decodeAll(List<EnginePacket> messages) throws SioDecodingException {
    return decodeAll(V5.newDecoder(SocketIoProtocol.Limits.DEFAULT), messages);
  }

  static SioPacket decodeAll(SocketIoProtocol.Decoder decoder, List<EnginePacket> messages)
      throws SioDecodingException {
    SioPacket result = null;
    for (int i = 0; i < messages.size(); i++) {
      result = decoder.decode(messages.get(i));
      if (i < messages.size() - 1 && result != null) {
        throw new AssertionError("packet completed early, at message " + i + ": " + result);
      }
    }
    if (result == null) throw new AssertionError("packet not completed after " + messages.size() + " messages");
    return result;
  }

  static String text(List<EnginePacket> encoded) {
    return encoded.get(0).text();
  }
}
