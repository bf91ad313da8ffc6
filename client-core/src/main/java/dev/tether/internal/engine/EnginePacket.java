package dev.tether.internal.engine;

import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * One Engine.IO packet: a type plus optional text, or (messages only) binary data. Immutable: binary
 * data is an Okio {@link ByteString}, so a WebSocket frame goes from OkHttp to the listener, and from
 * an emit to OkHttp, without being copied.
 */
public final class EnginePacket {
  /** Packet types, identical in Engine.IO v3 and v4. */
  public enum Type {
    OPEN('0'), CLOSE('1'), PING('2'), PONG('3'), MESSAGE('4'), UPGRADE('5'), NOOP('6');

    private static final Type[] BY_CODE = values();

    final char code;

    Type(char code) {
      this.code = code;
    }

    public char code() {
      return code;
    }

    static @Nullable Type fromCode(char c) {
      int index = c - '0';
      return index >= 0 && index < BY_CODE.length ? BY_CODE[index] : null;
    }
  }

  public static final EnginePacket PING = new EnginePacket(Type.PING, null, null);
  public static final EnginePacket PONG = new EnginePacket(Type.PONG, null, null);
  public static final EnginePacket CLOSE = new EnginePacket(Type.CLOSE, null, null);
  public static final EnginePacket UPGRADE = new EnginePacket(Type.UPGRADE, null, null);
  public static final EnginePacket NOOP = new EnginePacket(Type.NOOP, null, null);

  private final Type type;
  private final @Nullable String text;
  private final @Nullable ByteString binary;

  private EnginePacket(Type type, @Nullable String text, @Nullable ByteString binary) {
    this.type = type;
    this.text = text;
    this.binary = binary;
  }

  public static EnginePacket of(Type type, @Nullable String text) {
    return new EnginePacket(type, text, null);
  }

  public static EnginePacket message(String text) {
    return new EnginePacket(Type.MESSAGE, text, null);
  }

  /** A binary message. */
  public static EnginePacket binary(ByteString data) {
    return new EnginePacket(Type.MESSAGE, null, data);
  }

  /** A binary message of a copy of {@code data}. */
  public static EnginePacket binary(byte[] data) {
    return binary(ByteString.of(data));
  }

  public Type type() {
    return type;
  }

  public boolean isBinary() {
    return binary != null;
  }

  /** The text payload, or null for a binary packet or a packet without data. */
  public @Nullable String text() {
    return text;
  }

  /** The binary payload, or null for a text packet. */
  public @Nullable ByteString binary() {
    return binary;
  }

  @Override public boolean equals(@Nullable Object o) {
    if (!(o instanceof EnginePacket)) return false;
    EnginePacket other = (EnginePacket) o;
    return type == other.type
        && (text == null ? other.text == null : text.equals(other.text))
        && (binary == null ? other.binary == null : binary.equals(other.binary));
  }

  @Override public int hashCode() {
    return 31 * (31 * type.hashCode() + (text == null ? 0 : text.hashCode())) + (binary == null ? 0 : binary.hashCode());
  }

  @Override public String toString() {
    if (binary != null) return type + "<" + binary.size() + " bytes>";
    return text == null ? type.toString() : type + "(" + text.length() + " chars)";
  }
}
