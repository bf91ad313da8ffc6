package dev.tether.internal.util;

/**
 * UTF-8 helpers that agree with the server about lengths and lone surrogates.
 *
 * <p>{@code String.getBytes(UTF_8)} turns an unpaired surrogate into {@code ?}; Node turns it into
 * U+FFFD (three bytes). We encode it as U+FFFD too, so the byte count we check against
 * {@code maxPayload} is the byte count the server sees. JSON payloads never reach this point with a
 * lone surrogate: {@link #escapeLoneSurrogates} rewrites them as {@code \}{@code uXXXX} escapes
 * first, as {@code JSON.stringify} does.
 */
public final class Utf8 {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Utf8() {
  }

  /** The number of bytes {@link #encode} produces for {@code s}. */
  public static long size(CharSequence s) {
    long size = 0;
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        size += 1;
      } else if (c < 0x800) {
        size += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < length
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        size += 4;
        i++;
      } else {
        size += 3; // BMP character, or a lone surrogate written as U+FFFD
      }
    }
    return size;
  }

  /**
   * Writes {@code s} as UTF-8 into {@code out} from {@code offset}, with each unpaired surrogate as
   * U+FFFD, and returns the offset after the last byte written. {@code out} must have room for
   * {@link #size}{@code (s)} bytes: writing straight into an array sized once is several times
   * faster than a byte at a time into a stream.
   */
  public static int encode(CharSequence s, byte[] out, int offset) {
    int length = s.length();
    int p = offset;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[p++] = (byte) c;
      } else if (c < 0x800) {
        out[p++] = (byte) (0xc0 | (c >> 6));
        out[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < length
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int codePoint = Character.toCodePoint(c, s.charAt(++i));
          out[p++] = (byte) (0xf0 | (codePoint >> 18));
          out[p++] = (byte) (0x80 | ((codePoint >> 12) & 0x3f));
          out[p++] = (byte) (0x80 | ((codePoint >> 6) & 0x3f));
          out[p++] = (byte) (0x80 | (codePoint & 0x3f));
        } else {
          out[p++] = (byte) 0xef; // U+FFFD REPLACEMENT CHARACTER
          out[p++] = (byte) 0xbf;
          out[p++] = (byte) 0xbd;
        }
      } else {
        out[p++] = (byte) (0xe0 | (c >> 12));
        out[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        out[p++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return p;
  }

  public static byte[] encode(CharSequence s) {
    long size = size(s);
    if (size > Integer.MAX_VALUE) throw new IllegalArgumentException("too large: " + size);
    byte[] out = new byte[(int) size];
    encode(s, out, 0);
    return out;
  }

  /**
   * Rewrites every unpaired surrogate in JSON text as a {@code \}{@code udXXX} escape, the form
   * {@code JSON.stringify} produces. Safe on whole JSON documents: outside string literals JSON is
   * ASCII, so only string contents change. Returns {@code json} itself when nothing needs escaping.
   */
  public static String escapeLoneSurrogates(String json) {
    int length = json.length();
    StringBuilder out = null;
    int copied = 0;
    for (int i = 0; i < length; i++) {
      char c = json.charAt(i);
      if (!Character.isSurrogate(c)) continue;
      if (Character.isHighSurrogate(c) && i + 1 < length
          && Character.isLowSurrogate(json.charAt(i + 1))) {
        i++;
        continue;
      }
      if (out == null) out = new StringBuilder(length + 16);
      out.append(json, copied, i).append("\\u")
          .append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
          .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
      copied = i + 1;
    }
    if (out == null) return json;
    return out.append(json, copied, length).toString();
  }

  /**
   * Replaces each unpaired surrogate with U+FFFD, what {@link #encode} writes for it. For APIs that
   * encode text themselves (OkHttp's WebSocket writes a lone surrogate as {@code ?}). Returns
   * {@code s} itself when it has none.
   */
  public static String replaceLoneSurrogates(String s) {
    StringBuilder out = null;
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (!Character.isSurrogate(c)) continue;
      if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
        continue;
      }
      if (out == null) out = new StringBuilder(s);
      out.setCharAt(i, '\ufffd');
    }
    return out == null ? s : out.toString();
  }
}
