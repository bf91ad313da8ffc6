package dev.tether.internal.engine;

import dev.tether.internal.http.IncomingLimitException;
import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.util.Utf8;
import java.nio.charset.Charset;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import okio.Buffer;
import okio.ByteString;

/**
 * Engine.IO protocol v3 (socket.io 2.x servers, and 3.x/4.x servers started with {@code allowEIO3}),
 * as docs/protocol.md §22 describes it:
 *
 * <ul>
 *   <li>polling payloads are {@code <length>:<packet>} items with no separator, the length counting
 *       the UTF-16 code units of the packet (type character included), not bytes;
 *   <li>a server may answer a poll with a binary payload instead (records of a kind byte, the length
 *       as one byte per decimal digit, {@code 0xFF}, then the record), which this decodes too: the two
 *       formats are told apart by the first byte, a digit or {@code 0x00}/{@code 0x01};
 *   <li>binary messages are {@code b4} + base64 in text payloads and text frames, and {@code 0x04} +
 *       the bytes in binary WebSocket frames;
 *   <li>the client pings ({@code 2}) every {@code pingInterval} and expects a pong ({@code 3}) within
 *       {@code pingTimeout};
 *   <li>the open packet usually has no {@code maxPayload}: {@link #maxPayloadIfAbsent()} is assumed.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class EngineIoV3 implements EngineProtocol {
  /** What socket.io 2.5 accepts by default ({@code maxHttpBufferSize}): one million bytes. */
  public static final long DEFAULT_MAX_PAYLOAD = 1_000_000;
  /** Assumes {@link #DEFAULT_MAX_PAYLOAD} when the server does not announce a {@code maxPayload}. */
  public static final EngineIoV3 INSTANCE = new EngineIoV3(DEFAULT_MAX_PAYLOAD);

  private static final Charset UTF_8 = Charset.forName("UTF-8");
  /** Binary payload record kinds. */
  private static final byte KIND_STRING = 0;
  private static final byte KIND_BINARY = 1;
  private static final int RECORD_END = 0xff;
  /** More length digits than any body we accept could need. */
  private static final int MAX_LENGTH_DIGITS = 10;

  private final long maxPayloadIfAbsent;

  private EngineIoV3(long maxPayloadIfAbsent) {
    this.maxPayloadIfAbsent = maxPayloadIfAbsent;
  }

  /**
   * A v3 protocol that assumes the server accepts {@code bytes} per POST body or WebSocket frame when
   * its open packet does not say (socket.io 2.x never does; its {@code maxHttpBufferSize} is 1,000,000
   * bytes since engine.io 3.6 and 100,000,000 before). An announced {@code maxPayload} always wins.
   */
  public static EngineIoV3 assumingMaxPayload(long bytes) {
    if (bytes < 1) throw new IllegalArgumentException("maxPayload must be at least 1: " + bytes);
    return bytes == DEFAULT_MAX_PAYLOAD ? INSTANCE : new EngineIoV3(bytes);
  }

  /** The {@code maxPayload} assumed when the server announces none. */
  public long maxPayloadIfAbsent() {
    return maxPayloadIfAbsent;
  }

  @Override public String version() {
    return "3";
  }

  // ---- polling: client to server (always a text payload) ----

  /** The text of one packet inside a text payload: type character and data, or {@code b4} and base64. */
  private static String itemText(EnginePacket packet) {
    ByteString binary = packet.binary();
    if (binary != null) return "b4" + binary.base64();
    String text = packet.text();
    return text == null ? String.valueOf(packet.type().code()) : packet.type().code() + text;
  }

  @Override public byte[] encodePayload(List<EnginePacket> packets) {
    StringBuilder out = new StringBuilder();
    for (EnginePacket packet : packets) {
      String item = itemText(packet);
      // A lone surrogate goes out as U+FFFD: one UTF-16 unit either way, so the length holds.
      out.append(item.length()).append(':').append(item);
    }
    return Utf8.encode(out);
  }

  @Override public long framedSize(EnginePacket packet, boolean first) {
    long units;
    long bytes;
    ByteString binary = packet.binary();
    if (binary != null) {
      units = 2 + 4L * ((binary.size() + 2) / 3);
      bytes = units;
    } else {
      String text = packet.text();
      units = 1 + (text == null ? 0 : text.length());
      bytes = 1 + (text == null ? 0 : Utf8.size(text));
    }
    return digits(units) + 1 + bytes;
  }

  private static int digits(long n) {
    int digits = 1;
    while (n >= 10) {
      n /= 10;
      digits++;
    }
    return digits;
  }

  // ---- polling: server to client (text or binary payload) ----

  /**
   * Validates the whole body, then returns its packets as a list that builds each one when it is read
   * (the body and two offsets per packet are all it holds). A body that starts with {@code 0x00} or
   * {@code 0x01} is a binary payload, anything else a text payload.
   */
  @Override public List<EnginePacket> decodePayload(byte[] body, int maxPackets)
      throws MalformedPacketException, IncomingLimitException {
    if (body.length == 0) throw new MalformedPacketException("empty payload");
    if (body[0] == KIND_STRING || body[0] == KIND_BINARY) return decodeBinaryPayload(body, maxPackets);
    return decodeTextPayload(new String(body, UTF_8), maxPackets);
  }

  /** Decodes a polling body without a bound on its packet count (tests and benchmarks). */
  public List<EnginePacket> decodePayload(byte[] body) throws MalformedPacketException {
    try {
      return decodePayload(body, Integer.MAX_VALUE);
    } catch (IncomingLimitException impossible) {
      throw new AssertionError(impossible);
    }
  }

  private static List<EnginePacket> decodeTextPayload(String body, int maxPackets)
      throws MalformedPacketException, IncomingLimitException {
    int[] bounds = new int[16];
    int count = 0;
    int i = 0;
    int length = body.length();
    while (i < length) {
      long n = 0;
      int digitsEnd = i;
      while (digitsEnd < length && body.charAt(digitsEnd) != ':') {
        char c = body.charAt(digitsEnd);
        if (c < '0' || c > '9') {
          throw new MalformedPacketException("invalid length character '" + EngineIoV4.printable(c) + "' in payload");
        }
        n = n * 10 + (c - '0');
        if (n > length) throw new MalformedPacketException("packet length " + n + "... exceeds the payload");
        digitsEnd++;
      }
      if (digitsEnd == length) throw new MalformedPacketException("payload ends without ':' after a length");
      if (digitsEnd == i) throw new MalformedPacketException("empty length in payload");
      int from = digitsEnd + 1;
      if (from + n > length) throw new MalformedPacketException("packet length " + n + " runs past the payload");
      int to = (int) (from + n);
      i = to;
      if (n == 0) continue; // tolerated by the reference parser: an empty item is skipped
      checkItem(body, from, to);
      if (count == maxPackets) throw new IncomingLimitException("polling body has more than " + maxPackets + " packets");
      if (2 * count + 2 > bounds.length) bounds = Arrays.copyOf(bounds, bounds.length * 2);
      bounds[2 * count] = from;
      bounds[2 * count + 1] = to;
      count++;
    }
    return new TextPayload(body, Arrays.copyOf(bounds, 2 * count));
  }

  /** Throws unless {@code body[from, to)} (not empty) is a packet {@link #item} can decode. */
  private static void checkItem(String body, int from, int to) throws MalformedPacketException {
    char first = body.charAt(from);
    if (first == 'b') {
      if (to - from < 2 || body.charAt(from + 1) != EnginePacket.Type.MESSAGE.code()) {
        throw new MalformedPacketException("base64 item is not a message");
      }
      if (ByteString.decodeBase64(body.substring(from + 2, to)) == null) {
        throw new MalformedPacketException("invalid base64 in binary packet");
      }
    } else if (EnginePacket.Type.fromCode(first) == null) {
      throw new MalformedPacketException("unknown packet type '" + EngineIoV4.printable(first) + "'");
    }
  }

  /** Decodes {@code text[from, to)}, already accepted by {@link #checkItem}. */
  private static EnginePacket item(String text, int from, int to) {
    char first = text.charAt(from);
    if (first == 'b') {
      ByteString decoded = ByteString.decodeBase64(text.substring(from + 2, to));
      if (decoded == null) throw new IllegalStateException("not checked");
      return EnginePacket.binary(decoded);
    }
    EnginePacket.Type type = EnginePacket.Type.fromCode(first);
    if (type == null) throw new IllegalStateException("not checked: " + EngineIoV4.printable(first));
    if (to - from == 1) return EngineIoV4.bare(type);
    return EnginePacket.of(type, text.substring(from + 1, to));
  }

  private static List<EnginePacket> decodeBinaryPayload(byte[] body, int maxPackets)
      throws MalformedPacketException, IncomingLimitException {
    int[] records = new int[24];
    int count = 0;
    int p = 0;
    while (p < body.length) {
      byte kind = body[p++];
      if (kind != KIND_STRING && kind != KIND_BINARY) {
        throw new MalformedPacketException("invalid record kind " + (kind & 0xff) + " in binary payload");
      }
      long n = 0;
      int digits = 0;
      while (true) {
        if (p == body.length) throw new MalformedPacketException("binary payload ends inside a record length");
        int b = body[p++] & 0xff;
        if (b == RECORD_END) break;
        if (b > 9 || ++digits > MAX_LENGTH_DIGITS) {
          throw new MalformedPacketException("invalid record length in binary payload");
        }
        n = n * 10 + b;
      }
      if (digits == 0) throw new MalformedPacketException("empty record length in binary payload");
      if (n == 0) throw new MalformedPacketException("empty record in binary payload");
      if (p + n > body.length) throw new MalformedPacketException("record length " + n + " runs past the payload");
      int from = p;
      int to = (int) (p + n);
      p = to;
      if (kind == KIND_STRING) {
        char first = (char) (body[from] & 0xff);
        if (first == 'b' || EnginePacket.Type.fromCode(first) == null) {
          throw new MalformedPacketException("unknown packet type '" + EngineIoV4.printable(first) + "'");
        }
      } else if (body[from] != EnginePacket.Type.MESSAGE.code() - '0') {
        throw new MalformedPacketException("binary record of packet type " + (body[from] & 0xff) + ", not a message");
      }
      if (count == maxPackets) throw new IncomingLimitException("polling body has more than " + maxPackets + " packets");
      if (3 * count + 3 > records.length) records = Arrays.copyOf(records, records.length * 2);
      records[3 * count] = kind;
      records[3 * count + 1] = from;
      records[3 * count + 2] = to;
      count++;
    }
    return new BinaryPayload(body, Arrays.copyOf(records, 3 * count));
  }

  /** The packets of a text payload, each decoded when it is read. Immutable. */
  private static final class TextPayload extends AbstractList<EnginePacket> implements RandomAccess {
    private final String body;
    /** {@code from, to} of each packet (after its length prefix). */
    private final int[] bounds;

    TextPayload(String body, int[] bounds) {
      this.body = body;
      this.bounds = bounds;
    }

    @Override public EnginePacket get(int index) {
      if (index < 0 || index >= size()) throw new IndexOutOfBoundsException("index " + index);
      return item(body, bounds[2 * index], bounds[2 * index + 1]);
    }

    @Override public int size() {
      return bounds.length / 2;
    }
  }

  /** The packets of a binary payload, each decoded when it is read. Immutable. */
  private static final class BinaryPayload extends AbstractList<EnginePacket> implements RandomAccess {
    private final byte[] body;
    /** {@code kind, from, to} of each record's body. */
    private final int[] records;

    BinaryPayload(byte[] body, int[] records) {
      this.body = body;
      this.records = records;
    }

    @Override public EnginePacket get(int index) {
      if (index < 0 || index >= size()) throw new IndexOutOfBoundsException("index " + index);
      int from = records[3 * index + 1];
      int to = records[3 * index + 2];
      if (records[3 * index] == KIND_BINARY) {
        return EnginePacket.binary(ByteString.of(body, from + 1, to - from - 1));
      }
      String text = new String(body, from, to - from, UTF_8);
      return item(text, 0, text.length());
    }

    @Override public int size() {
      return records.length / 3;
    }
  }

  // ---- WebSocket ----

  @Override public String encodeTextFrame(EnginePacket packet) {
    if (packet.isBinary()) throw new IllegalArgumentException("binary packets go in binary frames");
    String text = packet.text();
    return text == null ? String.valueOf(packet.type().code())
        : packet.type().code() + Utf8.replaceLoneSurrogates(text);
  }

  /** In v3 a binary frame starts with the packet type as a byte: {@code 0x04} and the message. */
  @Override public ByteString encodeBinaryFrame(EnginePacket packet) {
    ByteString binary = packet.binary();
    if (binary == null) throw new IllegalArgumentException("not a binary packet: " + packet);
    // The type byte in front costs v3 one copy of the message; v4 frames go out as they are.
    return new Buffer().writeByte(EnginePacket.Type.MESSAGE.code() - '0').write(binary).readByteString();
  }

  @Override public long frameSize(EnginePacket packet) {
    ByteString binary = packet.binary();
    if (binary != null) return 1L + binary.size();
    String text = packet.text();
    return 1 + (text == null ? 0 : Utf8.size(text));
  }

  /** A text frame: one packet, or a binary message as {@code b4} + base64 (servers opened with {@code b64}). */
  @Override public EnginePacket decodeTextFrame(String text) throws MalformedPacketException {
    if (text.isEmpty()) throw new MalformedPacketException("empty packet");
    checkItem(text, 0, text.length());
    return item(text, 0, text.length());
  }

  @Override public EnginePacket decodeBinaryFrame(ByteString bytes) throws MalformedPacketException {
    if (bytes.size() == 0) throw new MalformedPacketException("empty binary frame");
    int type = bytes.getByte(0) & 0xff;
    if (type != EnginePacket.Type.MESSAGE.code() - '0') {
      throw new MalformedPacketException("binary frame of packet type " + type + ", not a message");
    }
    return EnginePacket.binary(bytes.substring(1));
  }

  // ---- handshake and heartbeat ----

  @Override public Handshake decodeHandshake(EnginePacket open) throws MalformedPacketException {
    return EngineIoV4.decodeHandshake(open, maxPayloadIfAbsent);
  }

  @Override public Heartbeat newHeartbeat(Heartbeat.Host host) {
    return new ClientPingHeartbeat(host);
  }

  @Override public String toString() {
    return "EngineIoV3{maxPayloadIfAbsent=" + maxPayloadIfAbsent + "}";
  }

  /**
   * v3 heartbeat: the client pings every {@code pingInterval}, on a fixed cadence whatever else
   * arrives (a server started with {@code allowEIO3} counts only pings as signs of life), and the
   * session is dead when a ping has had no pong for {@code pingTimeout}. Any pong answers every ping
   * sent before it: pongs carry nothing to match them by.
   *
   * <p>{@link #isExpired()} also covers timers a sleeping device froze: past the pong deadline of an
   * outstanding ping, or {@code pingInterval + pingTimeout} after the last ping the server saw (by
   * then the server has given up on us).
   */
  static final class ClientPingHeartbeat implements Heartbeat {
    private final Host host;
    private long intervalMillis;
    private long timeoutMillis;
    private boolean running;
    private Cancellable pingTimer = Cancellable.NONE;
    private Cancellable pongTimer = Cancellable.NONE;
    private boolean awaitingPong;
    /** When the oldest unanswered ping times out (valid while {@link #awaitingPong}). */
    private long pongDeadlineNanos;
    /** The last ping sent, or the handshake: the server's silence deadline counts from it. */
    private long lastPingNanos;

    ClientPingHeartbeat(Host host) {
      this.host = host;
    }

    @Override public void start(Handshake handshake) {
      intervalMillis = handshake.pingIntervalMillis();
      timeoutMillis = handshake.pingTimeoutMillis();
      running = true;
      lastPingNanos = host.nanoTime();
      schedulePing();
    }

    private void schedulePing() {
      pingTimer = host.schedule(this::ping, intervalMillis);
    }

    private void ping() {
      if (!running) return;
      lastPingNanos = host.nanoTime();
      schedulePing(); // before sending: the send may end the session, which stops us
      if (!awaitingPong) {
        awaitingPong = true;
        pongDeadlineNanos = lastPingNanos + timeoutMillis * 1_000_000L;
        pongTimer = host.schedule(() -> {
          if (running && awaitingPong) {
            stop();
            host.onHeartbeatTimeout();
          }
        }, timeoutMillis);
      }
      host.send(EnginePacket.PING);
    }

    @Override public void onPing(EnginePacket ping) {
      // v3 servers never ping. A stray one proves nothing about our pings; it is not answered
      // (a pong from the client closes the session on newer servers).
    }

    @Override public void onPong(EnginePacket pong) {
      if (!running) return;
      awaitingPong = false;
      pongTimer.cancel();
    }

    @Override public boolean isExpired() {
      if (!running) return false;
      long now = host.nanoTime();
      if (awaitingPong && now - pongDeadlineNanos > 0) return true;
      return now - lastPingNanos - (intervalMillis + timeoutMillis) * 1_000_000L > 0;
    }

    @Override public void stop() {
      running = false;
      pingTimer.cancel();
      pongTimer.cancel();
    }
  }
}
