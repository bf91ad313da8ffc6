package dev.tether;

import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * One WebSocket message as it goes over a plain WebSocket: text or binary. What an {@link Envelope}
 * reads and writes; also the argument of {@link Socket#UNPARSED} events (as a {@code String} or a
 * {@code byte[]}).
 *
 * <p>Immutable and thread-safe.
 */
public final class Frame {
  private final @Nullable String text;
  private final @Nullable ByteString bytes;

  private Frame(@Nullable String text, @Nullable ByteString bytes) {
    this.text = text;
    this.bytes = bytes;
  }

  /** A text frame. */
  public static Frame text(String text) {
    if (text == null) throw new NullPointerException("text == null");
    return new Frame(text, null);
  }

  /** A binary frame of these bytes (not copied: a {@code ByteString} is immutable). */
  public static Frame binary(ByteString bytes) {
    if (bytes == null) throw new NullPointerException("bytes == null");
    return new Frame(null, bytes);
  }

  /** A binary frame of a copy of {@code bytes}. */
  public static Frame binary(byte[] bytes) {
    if (bytes == null) throw new NullPointerException("bytes == null");
    return new Frame(null, ByteString.of(bytes));
  }

  public boolean isText() {
    return text != null;
  }

  /**
   * The text of a text frame.
   *
   * @throws IllegalStateException for a binary frame
   */
  public String text() {
    if (text == null) throw new IllegalStateException("a binary frame has no text");
    return text;
  }

  /**
   * The bytes of a binary frame.
   *
   * @throws IllegalStateException for a text frame
   */
  public ByteString bytes() {
    if (bytes == null) throw new IllegalStateException("a text frame has no bytes (use text())");
    return bytes;
  }

  /** Characters of a text frame, bytes of a binary one: what send windows and histories count. */
  public long size() {
    return text != null ? text.length() : bytes.size();
  }

  @Override public boolean equals(@Nullable Object o) {
    if (!(o instanceof Frame)) return false;
    Frame other = (Frame) o;
    return text != null ? text.equals(other.text) : bytes.equals(other.bytes);
  }

  @Override public int hashCode() {
    return text != null ? text.hashCode() : 31 * bytes.hashCode() + 1;
  }

  /** The kind, and at most 60 characters of a text frame. */
  @Override public String toString() {
    if (text != null) return "Frame{text " + (text.length() > 60 ? text.substring(0, 60) + "…" : text) + "}";
    return "Frame{" + bytes.size() + " bytes}";
  }
}
