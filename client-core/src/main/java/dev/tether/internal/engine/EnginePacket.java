package dev.tether.internal.engine;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One Engine.IO packet: a type plus optional text, or (messages only) binary data. Immutable once
 * built; the byte array of a binary packet is owned by the packet and must not be modified.
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
  private final byte @Nullable [] binary;

  private EnginePacket(Type type, @Nullable String text, byte @Nullable [] binary) {
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

  /** A binary message. Takes ownership of {@code data}. */
  public static EnginePacket binary(byte[] data) {
    return new EnginePacket(Type.MESSAGE, null, data);
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

  /** The binary payload, or null for a text packet. Do not modify. */
  public byte @Nullable [] binary() {
    return binary;
  }

  @Override public boolean equals(@Nullable Object o) {
    if (!(o instanceof EnginePacket)) return false;
    EnginePacket other = (EnginePacket) o;
    return type == other.type
        && (text == null ? other.text == null : text.equals(other.text))
        && Arrays.equals(binary, other.binary);
  }

  @Override public int hashCode() {
    return 31 * (31 * type.hashCode() + (text == null ? 0 : text.hashCode())) + Arrays.hashCode(binary);
  }

  @Override public String toString() {
    if (binary != null) return type + "<" + binary.length + " bytes>";
    return text == null ? type.toString() : type + "(" + text.length() + " chars)";
  }
}
