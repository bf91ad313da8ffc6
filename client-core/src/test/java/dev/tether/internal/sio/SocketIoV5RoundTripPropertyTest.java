package dev.tether.internal.sio;

import static dev.tether.internal.sio.SioTestSupport.V5;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.tether.internal.engine.EnginePacket;
import dev.tether.internal.util.Utf8;
import dev.tether.internal.sio.SocketIoProtocol.Decoder;
import dev.tether.internal.sio.SocketIoProtocol.Limits;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** encode → decode → equal, over many random packets (fixed seed, so failures reproduce). */
class SocketIoV5RoundTripPropertyTest {
  private static final long SEED = 0x7e7e_2026L;
  private static final int PACKETS = 20_000;
  private static final String[] SPECIAL = {
      "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", "\u0000", "\u001f", "\u007f", "é", "€", "😀",
      "\u2028", "\u2029", "\ud83d", "\ude00", "\ufeff", "{\"_placeholder\":true}", ",", "-", "0"};

  /** Builds random packets; binary values become placeholders numbered in discovery order. */
  private static final class Generator {
    private final Random random;
    private final boolean gsonCompatible;
    private List<okio.ByteString> attachments = new ArrayList<>();
    private boolean allowBinary;

    Generator(Random random, boolean gsonCompatible) {
      this.random = random;
      this.gsonCompatible = gsonCompatible;
    }

    SioPacket packet() {
      SioPacket.Type type = SioPacket.Type.values()[random.nextInt(7)];
      String namespace = "/";
      if (random.nextBoolean()) {
        do {
          namespace = "/" + string(8).replace(",", "");
        } while (SioPacket.hasLoneSurrogate(namespace));
      }
      Long ackId = random.nextInt(3) == 0 ? null : ackId();
      attachments = new ArrayList<>();
      allowBinary = type.isBinary();
      JsonElement data;
      switch (type) {
        case CONNECT:
          data = random.nextBoolean() ? null : object(3);
          break;
        case DISCONNECT:
          data = null;
          break;
        case CONNECT_ERROR:
          data = random.nextBoolean() ? object(3) : new JsonPrimitive(string(20));
          break;
        case EVENT:
        case BINARY_EVENT: {
          JsonArray array = new JsonArray();
          if (random.nextInt(4) == 0) {
            array.add(random.nextInt(1000) - 500);
          } else {
            String name;
            do {
              name = string(12);
            } while (SocketIoV5.isReservedEventName(name));
            array.add(name);
          }
          addArgs(array);
          data = array;
          break;
        }
        default: // ACK, BINARY_ACK
          if (ackId == null) ackId = ackId();
          JsonArray array = new JsonArray();
          addArgs(array);
          data = array;
      }
      if (type.isBinary() && attachments.isEmpty()) {
        attachments.add(okio.ByteString.of(bytes()));
        data.getAsJsonArray().add(Placeholders.of(0));
      }
      return SioPacket.of(type, namespace, ackId, data, attachments);
    }

    private long ackId() {
      switch (random.nextInt(4)) {
        case 0: return 0;
        case 1: return random.nextInt(100);
        case 2: return random.nextLong() & Long.MAX_VALUE;
        default: return 9007199254740991L - random.nextInt(3);
      }
    }

    private void addArgs(JsonArray array) {
      int count = random.nextInt(5);
      for (int i = 0; i < count; i++) array.add(value(4));
    }

    JsonElement value(int depth) {
      int choice = random.nextInt(depth <= 0 ? 6 : 9);
      switch (choice) {
        case 0: return JsonNull.INSTANCE;
        case 1: return new JsonPrimitive(random.nextBoolean());
        case 2: return new JsonPrimitive(string(16));
        case 3: return number();
        case 4: return new JsonPrimitive(string(3));
        case 5:
          if (allowBinary && attachments.size() < 10) {
            attachments.add(okio.ByteString.of(bytes()));
            return Placeholders.of(attachments.size() - 1);
          }
          return number();
        case 6:
        case 7:
          return array(depth - 1);
        default:
          return object(depth - 1);
      }
    }

    private JsonArray array(int depth) {
      JsonArray array = new JsonArray();
      int size = random.nextInt(5);
      for (int i = 0; i < size; i++) array.add(value(depth));
      return array;
    }

    private JsonObject object(int depth) {
      JsonObject object = new JsonObject();
      int size = random.nextInt(5);
      for (int i = 0; i < size; i++) {
        String key = string(6);
        if (!object.has(key)) object.add(key, value(depth)); // a replaced value could drop a placeholder
      }
      if (random.nextInt(10) == 0) object.addProperty("_placeholder", false);
      return object;
    }

    private JsonPrimitive number() {
      switch (random.nextInt(gsonCompatible ? 3 : 5)) {
        case 0: return new JsonPrimitive(random.nextInt());
        case 1: return new JsonPrimitive(random.nextLong());
        case 2: return new JsonPrimitive(new BigInteger(100, random).negate());
        case 3: return new JsonPrimitive(random.nextInt(2000) / 8.0 - 100);
        default:
          double d;
          do {
            d = Double.longBitsToDouble(random.nextLong());
          } while (Double.isNaN(d) || Double.isInfinite(d));
          return new JsonPrimitive(d);
      }
    }

    private String string(int maxLength) {
      int length = random.nextInt(maxLength + 1);
      StringBuilder out = new StringBuilder();
      while (out.length() < length) {
        int kind = random.nextInt(10);
        if (kind < 5) {
          out.append((char) (' ' + random.nextInt(95)));
        } else if (kind < 8) {
          String special = SPECIAL[random.nextInt(SPECIAL.length)];
          boolean differsInGson = special.equals("\u2028") || special.equals("\u2029")
              || special.length() == 1 && Character.isSurrogate(special.charAt(0));
          if (gsonCompatible && differsInGson) continue;
          out.append(special);
        } else {
          char c = (char) random.nextInt(0x10000);
          if (gsonCompatible && (Character.isSurrogate(c) || c == '\u2028' || c == '\u2029')) continue;
          out.append(c);
        }
      }
      return out.toString();
    }

    private byte[] bytes() {
      byte[] bytes = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(64)];
      random.nextBytes(bytes);
      return bytes;
    }
  }

  @Test void randomPacketsSurviveEncodeThenDecode() throws Exception {
    Generator generator = new Generator(new Random(SEED), false);
    Decoder decoder = V5.newDecoder(Limits.DEFAULT); // one connection: state must be clean between packets
    int binaryPackets = 0;
    for (int i = 0; i < PACKETS; i++) {
      SioPacket packet = generator.packet();
      List<EnginePacket> encoded = V5.encode(packet);
      assertThat(encoded).hasSize(1 + packet.attachments().size());

      SioPacket decoded = null;
      for (int m = 0; m < encoded.size(); m++) {
        decoded = decoder.decode(m == 0 ? throughUtf8(encoded.get(0)) : encoded.get(m));
        if (m < encoded.size() - 1) assertThat(decoded).as("packet %d message %d", i, m).isNull();
      }

      assertThat(decoded).as("packet %d: %s", i, encoded.get(0).text()).isEqualTo(packet);
      assertThat(V5.encode(decoded)).as("packet %d re-encoded", i).containsExactlyElementsOf(encoded);
      if (packet.type().isBinary()) binaryPackets++;
    }
    assertThat(binaryPackets).isGreaterThan(PACKETS / 5);
  }

  /** The header as the server would receive it: raw lone surrogates would turn into U+FFFD here. */
  private static EnginePacket throughUtf8(EnginePacket header) {
    return EnginePacket.message(new String(Utf8.encode(header.text()), UTF_8));
  }

  @Test void jsonTextMatchesGsonWhereJsonStringifyAndGsonAgree() {
    Generator generator = new Generator(new Random(SEED + 1), true);
    com.google.gson.Gson gson = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    for (int i = 0; i < 1000; i++) {
      JsonElement value = generator.value(5);
      assertThat(JsonText.write(value)).as("value %d", i).isEqualTo(gson.toJson(value));
    }
  }
}
