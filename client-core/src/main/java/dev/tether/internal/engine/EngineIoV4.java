package dev.tether.internal.engine;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.tether.internal.http.IncomingLimitException;
import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.util.Utf8;
import java.nio.charset.Charset;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * Engine.IO protocol v4 (socket.io 3.x and 4.x servers): payloads joined by the record separator
 * 0x1E, binary as {@code b} + base64 on polling, the server pings and the client answers.
 */
public final class EngineIoV4 implements EngineProtocol {
  public static final EngineIoV4 INSTANCE = new EngineIoV4();

  static final byte SEPARATOR = 0x1e;
  private static final Charset UTF_8 = Charset.forName("UTF-8");

  private EngineIoV4() {
  }

  @Override public String version() {
    return "4";
  }

  @Override public byte[] encodePayload(List<EnginePacket> packets) {
    long total = 0;
    String[] base64 = new String[packets.size()];
    for (int i = 0; i < packets.size(); i++) {
      EnginePacket packet = packets.get(i);
      ByteString binary = packet.binary();
      if (binary != null) base64[i] = binary.base64();
      total += framedSize(packet, i == 0);
    }
    if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("payload too large: " + total);
    byte[] out = new byte[(int) total];
    int p = 0;
    for (int i = 0; i < packets.size(); i++) {
      if (i > 0) out[p++] = SEPARATOR;
      EnginePacket packet = packets.get(i);
      if (base64[i] != null) {
        out[p++] = 'b';
        p = Utf8.encode(base64[i], out, p);
      } else {
        out[p++] = (byte) packet.type().code();
        String text = packet.text();
        if (text != null) p = Utf8.encode(text, out, p);
      }
    }
    if (p != out.length) throw new IllegalStateException("payload size " + p + " != " + out.length);
    return out;
  }

  @Override public long framedSize(EnginePacket packet, boolean first) {
    long separator = first ? 0 : 1;
    ByteString binary = packet.binary();
    if (binary != null) return separator + 1 + 4L * ((binary.size() + 2) / 3);
    String text = packet.text();
    return separator + 1 + (text == null ? 0 : Utf8.size(text));
  }

  /**
   * Decodes a polling body without a bound on its packet count (for tests and benchmarks); see
   * {@link #decodePayload(byte[], int)}.
   */
  public List<EnginePacket> decodePayload(byte[] body) throws MalformedPacketException {
    try {
      return decodePayload(body, Integer.MAX_VALUE);
    } catch (IncomingLimitException impossible) {
      throw new AssertionError(impossible);
    }
  }

  /**
   * Validates the whole body first, then returns its packets as a list that decodes each packet when
   * it is read: the body and one {@code int} per packet are all it holds. A body of many tiny packets
   * therefore costs its own size, not tens of bytes of objects per packet, and packets after one that
   * ends the session are never built at all.
   */
  @Override public List<EnginePacket> decodePayload(byte[] body, int maxPackets)
      throws MalformedPacketException, IncomingLimitException {
    // Splitting on the byte is safe: 0x1E never occurs inside a multi-byte UTF-8 sequence.
    int count = 1;
    for (byte b : body) {
      if (b == SEPARATOR && ++count > maxPackets) {
        throw new IncomingLimitException("polling body has more than " + maxPackets + " packets");
      }
    }
    int[] ends = new int[count];
    int start = 0;
    int n = 0;
    try {
      for (int i = 0; i <= body.length; i++) {
        if (i == body.length || body[i] == SEPARATOR) {
          checkPacket(body, start, i);
          ends[n++] = i;
          start = i + 1;
        }
      }
    } catch (MalformedPacketException e) {
      if (!isVersion3Payload(body)) throw e;
      throw new MalformedPacketException("the body is framed as Engine.IO v3 (\"<length>:<packet>\"): this is a "
          + "socket.io 2.x server; connect with dialect(Dialect.SOCKET_IO_2)");
    }
    return new Payload(body, ends);
  }

  /**
   * True for a body that starts as an Engine.IO v3 text payload does: decimal digits, {@code :}, then a
   * packet type digit ({@code 96:0{"sid":…}}). A socket.io 2.x server ignores {@code EIO=4} and answers
   * so. Asked only of a body that is not valid v4 (its open packet starts with a length, not a type).
   */
  static boolean isVersion3Payload(byte[] body) {
    int i = 0;
    while (i < body.length && i < 12 && body[i] >= '0' && body[i] <= '9') i++;
    return i > 0 && i + 1 < body.length && body[i] == ':' && body[i + 1] >= '0' && body[i + 1] <= '6';
  }

  /** Throws unless {@code body[from, to)} is a packet {@link #packet} can decode. Allocates nothing. */
  private static void checkPacket(byte[] body, int from, int to) throws MalformedPacketException {
    if (from == to) throw new MalformedPacketException("empty packet");
    char first = (char) (body[from] & 0xff);
    if (first == 'b') {
      if (Base64.decode(body, from + 1, to, null) < 0) {
        throw new MalformedPacketException("invalid base64 in binary packet");
      }
    } else if (EnginePacket.Type.fromCode(first) == null) {
      throw new MalformedPacketException("unknown packet type '" + printable(first) + "'");
    }
  }

  /** Decodes {@code body[from, to)}, already accepted by {@link #checkPacket}. */
  private static EnginePacket packet(byte[] body, int from, int to) {
    char first = (char) (body[from] & 0xff);
    if (first == 'b') {
      byte[] data = new byte[Base64.decode(body, from + 1, to, null)];
      Base64.decode(body, from + 1, to, data);
      return EnginePacket.binary(data); // the one copy a polling attachment takes
    }
    EnginePacket.Type type = EnginePacket.Type.fromCode(first);
    if (type == null) throw new IllegalStateException("not checked: " + printable(first));
    if (to - from == 1) return bare(type);
    return EnginePacket.of(type, new String(body, from + 1, to - from - 1, UTF_8));
  }

  /** The packets of one polling body, each decoded when it is read. Immutable; safe to read from any thread. */
  private static final class Payload extends AbstractList<EnginePacket> implements RandomAccess {
    private final byte[] body;
    /** Where each packet ends (exclusive); the next one starts after the separator. */
    private final int[] ends;

    Payload(byte[] body, int[] ends) {
      this.body = body;
      this.ends = ends;
    }

    @Override public EnginePacket get(int index) {
      if (index < 0 || index >= ends.length) throw new IndexOutOfBoundsException("index " + index);
      int from = index == 0 ? 0 : ends[index - 1] + 1;
      return packet(body, from, ends[index]);
    }

    @Override public int size() {
      return ends.length;
    }
  }

  /**
   * Base64 as {@code okio.ByteString.decodeBase64} reads it (standard and URL-safe alphabets, line
   * breaks, spaces and tabs ignored, trailing padding optional), over bytes, so a polling body can be
   * checked without building strings.
   */
  static final class Base64 {
    private Base64() {
    }

    /**
     * Decodes {@code in[from, to)} into {@code out}, or with {@code out == null} only checks it.
     *
     * @return the number of decoded bytes, or -1 if the input is not base64
     */
    static int decode(byte[] in, int from, int to, byte @Nullable [] out) {
      int limit = to;
      while (limit > from) {
        byte c = in[limit - 1];
        if (c != '=' && !isSpace(c)) break;
        limit--;
      }
      int word = 0;
      int chars = 0;
      int written = 0;
      for (int i = from; i < limit; i++) {
        byte c = in[i];
        int bits;
        if (c >= 'A' && c <= 'Z') {
          bits = c - 'A';
        } else if (c >= 'a' && c <= 'z') {
          bits = c - 'a' + 26;
        } else if (c >= '0' && c <= '9') {
          bits = c - '0' + 52;
        } else if (c == '+' || c == '-') {
          bits = 62;
        } else if (c == '/' || c == '_') {
          bits = 63;
        } else if (isSpace(c)) {
          continue;
        } else {
          return -1;
        }
        word = (word << 6) | bits;
        chars++;
        if (chars % 4 == 0) {
          if (out != null) {
            out[written] = (byte) (word >> 16);
            out[written + 1] = (byte) (word >> 8);
            out[written + 2] = (byte) word;
          }
          written += 3;
        }
      }
      switch (chars % 4) {
        case 1:
          return -1; // a single left-over character encodes no whole byte
        case 2:
          if (out != null) out[written] = (byte) (word >> 4);
          return written + 1;
        case 3:
          if (out != null) {
            out[written] = (byte) (word >> 10);
            out[written + 1] = (byte) (word >> 2);
          }
          return written + 2;
        default:
          return written;
      }
    }

    private static boolean isSpace(byte c) {
      return c == '\n' || c == '\r' || c == ' ' || c == '\t';
    }
  }

  @Override public String encodeTextFrame(EnginePacket packet) {
    if (packet.isBinary()) throw new IllegalArgumentException("binary packets go in binary frames");
    String text = packet.text();
    return text == null ? String.valueOf(packet.type().code())
        : packet.type().code() + Utf8.replaceLoneSurrogates(text);
  }

  /** In v4 a binary frame is the raw message bytes, with no type prefix. */
  @Override public ByteString encodeBinaryFrame(EnginePacket packet) {
    ByteString binary = packet.binary();
    if (binary == null) throw new IllegalArgumentException("not a binary packet: " + packet);
    return binary;
  }

  @Override public long frameSize(EnginePacket packet) {
    ByteString binary = packet.binary();
    if (binary != null) return binary.size();
    String text = packet.text();
    return 1 + (text == null ? 0 : Utf8.size(text));
  }

  @Override public EnginePacket decodeTextFrame(String text) throws MalformedPacketException {
    return decodePacket(text);
  }

  @Override public EnginePacket decodeBinaryFrame(ByteString bytes) {
    return EnginePacket.binary(bytes); // OkHttp's ByteString is immutable: kept as it is
  }

  /** Decodes one packet as it appears in a polling payload or a WebSocket text frame. */
  public EnginePacket decodePacket(String encoded) throws MalformedPacketException {
    if (encoded.isEmpty()) throw new MalformedPacketException("empty packet");
    char first = encoded.charAt(0);
    if (first == 'b') {
      ByteString decoded = ByteString.decodeBase64(encoded.substring(1));
      if (decoded == null) throw new MalformedPacketException("invalid base64 in binary packet");
      return EnginePacket.binary(decoded);
    }
    EnginePacket.Type type = EnginePacket.Type.fromCode(first);
    if (type == null) {
      throw new MalformedPacketException("unknown packet type '" + printable(first) + "'");
    }
    if (encoded.length() == 1) return bare(type);
    return EnginePacket.of(type, encoded.substring(1));
  }

  /** A packet of {@code type} without data: the shared constant where there is one. */
  static EnginePacket bare(EnginePacket.Type type) {
    switch (type) {
      case PING: return EnginePacket.PING;
      case PONG: return EnginePacket.PONG;
      case CLOSE: return EnginePacket.CLOSE;
      case NOOP: return EnginePacket.NOOP;
      case UPGRADE: return EnginePacket.UPGRADE;
      default: return EnginePacket.of(type, null);
    }
  }

  @Override public Handshake decodeHandshake(EnginePacket open) throws MalformedPacketException {
    // Servers before engine.io 6 sent no maxPayload; they accept any size.
    return decodeHandshake(open, Long.MAX_VALUE);
  }

  /**
   * Reads an open packet's JSON (the same fields in v3 and v4).
   *
   * @param maxPayloadIfAbsent what {@link Handshake#maxPayload()} is when the server sent none
   */
  static Handshake decodeHandshake(EnginePacket open, long maxPayloadIfAbsent) throws MalformedPacketException {
    String text = open.text();
    if (open.type() != EnginePacket.Type.OPEN || text == null) {
      throw new MalformedPacketException("expected an open packet, got " + open);
    }
    JsonObject json;
    try {
      JsonElement element = JsonParser.parseString(text);
      if (!element.isJsonObject()) throw new MalformedPacketException("handshake is not a JSON object");
      json = element.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new MalformedPacketException("handshake is not valid JSON");
    }
    String sid = string(json, "sid");
    if (sid == null || sid.isEmpty()) throw new MalformedPacketException("handshake has no sid");
    List<String> upgrades = new ArrayList<>();
    JsonElement upgradesJson = json.get("upgrades");
    if (upgradesJson != null && !upgradesJson.isJsonNull()) {
      if (!upgradesJson.isJsonArray()) throw new MalformedPacketException("handshake upgrades is not an array");
      for (JsonElement upgrade : (JsonArray) upgradesJson) {
        if (isString(upgrade)) upgrades.add(upgrade.getAsString());
      }
    }
    long pingInterval = positive(json, "pingInterval", null);
    long pingTimeout = positive(json, "pingTimeout", null);
    // Timers and HTTP read timeouts are int milliseconds; a longer heartbeat is not a real server.
    if (pingInterval + pingTimeout > Integer.MAX_VALUE) {
      throw new MalformedPacketException("handshake pingInterval + pingTimeout exceeds "
          + Integer.MAX_VALUE + " ms");
    }
    long maxPayload = positive(json, "maxPayload", maxPayloadIfAbsent);
    return new Handshake(sid, upgrades, pingInterval, pingTimeout, maxPayload);
  }

  @Override public Heartbeat newHeartbeat(Heartbeat.Host host) {
    return new ServerPingHeartbeat(host);
  }

  private static @Nullable String string(JsonObject json, String name) {
    JsonElement value = json.get(name);
    return isString(value) ? value.getAsString() : null;
  }

  private static boolean isString(@Nullable JsonElement value) {
    return value != null && value.isJsonPrimitive() && ((JsonPrimitive) value).isString();
  }

  private static long positive(JsonObject json, String name, @Nullable Long fallback)
      throws MalformedPacketException {
    JsonElement value = json.get(name);
    if (value == null || value.isJsonNull()) {
      if (fallback != null) return fallback;
      throw new MalformedPacketException("handshake has no " + name);
    }
    if (!value.isJsonPrimitive() || !((JsonPrimitive) value).isNumber()) {
      throw new MalformedPacketException("handshake " + name + " is not a number");
    }
    double number = value.getAsDouble();
    if (!(number > 0) || number >= 0x1p62 || number != Math.floor(number)) {
      throw new MalformedPacketException("handshake " + name + " is not a positive integer");
    }
    return (long) number;
  }

  static String printable(char c) {
    return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
  }

  /**
   * v4 heartbeat: the server pings every {@code pingInterval}; the client answers at once and treats
   * the session as dead when no ping came for {@code pingInterval + pingTimeout}. Only pings re-arm
   * the deadline, as in the reference client.
   */
  static final class ServerPingHeartbeat implements Heartbeat {
    private final Host host;
    private long timeoutMillis;
    private long deadlineNanos;
    private Cancellable timer = Cancellable.NONE;
    private boolean running;

    ServerPingHeartbeat(Host host) {
      this.host = host;
    }

    @Override public void start(Handshake handshake) {
      timeoutMillis = handshake.pingIntervalMillis() + handshake.pingTimeoutMillis();
      running = true;
      arm();
    }

    @Override public void onPing(EnginePacket ping) {
      if (!running) return;
      host.send(EnginePacket.PONG);
      arm();
    }

    @Override public void onPong(EnginePacket pong) {
      // v4 servers never send a plain pong; "3probe" belongs to the upgrade, not to us.
    }

    @Override public boolean isExpired() {
      return running && host.nanoTime() - deadlineNanos > 0;
    }

    @Override public void stop() {
      running = false;
      timer.cancel();
    }

    private void arm() {
      timer.cancel();
      deadlineNanos = host.nanoTime() + timeoutMillis * 1_000_000L;
      timer = host.schedule(() -> {
        if (running) {
          running = false;
          host.onHeartbeatTimeout();
        }
      }, timeoutMillis);
    }
  }
}
