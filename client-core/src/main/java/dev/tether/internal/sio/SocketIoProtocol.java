package dev.tether.internal.sio;

import dev.tether.internal.engine.EnginePacket;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How Socket.IO packets map onto Engine.IO messages: the seam for other protocols (Socket.IO v4 for
 * socket.io 2.x servers, a JSON envelope over a plain WebSocket). Implementations are stateless and
 * thread-safe; the per-connection state lives in the {@link Decoder}.
 */
public interface SocketIoProtocol {
  /**
   * The Engine.IO messages that carry {@code packet}: one text message, then one binary message per
   * attachment. Throws {@link IllegalArgumentException} for a packet this protocol cannot send.
   */
  List<EnginePacket> encode(SioPacket packet);

  /** A decoder for one connection (binary reassembly state is per connection). */
  Decoder newDecoder(Limits limits);

  /** Not thread-safe: one per connection, used on its event loop. */
  interface Decoder {
    /**
     * Feeds one Engine.IO message; returns the completed packet, or null while attachments are still
     * expected. After an exception the decoder is back in its initial state (nothing pending).
     *
     * @throws IllegalArgumentException if {@code message} is not an Engine.IO message packet
     */
    @Nullable SioPacket decode(EnginePacket message) throws SioDecodingException;
  }

  /** Bounds applied while decoding. Immutable. */
  final class Limits {
    /** 10 attachments (the socket.io-parser limit) of 64 MiB in total. */
    public static final Limits DEFAULT = new Limits(10, 64L * 1024 * 1024);

    private final int maxAttachments;
    private final long maxAttachmentBytes;

    /**
     * @param maxAttachments the most attachments one packet may announce (0 refuses binary packets)
     * @param maxAttachmentBytes the most bytes one packet's attachments may hold in total
     */
    public Limits(int maxAttachments, long maxAttachmentBytes) {
      if (maxAttachments < 0) throw new IllegalArgumentException("maxAttachments < 0: " + maxAttachments);
      if (maxAttachmentBytes < 0) {
        throw new IllegalArgumentException("maxAttachmentBytes < 0: " + maxAttachmentBytes);
      }
      this.maxAttachments = maxAttachments;
      this.maxAttachmentBytes = maxAttachmentBytes;
    }

    public int maxAttachments() {
      return maxAttachments;
    }

    public long maxAttachmentBytes() {
      return maxAttachmentBytes;
    }

    @Override public boolean equals(@Nullable Object o) {
      if (!(o instanceof Limits)) return false;
      Limits other = (Limits) o;
      return maxAttachments == other.maxAttachments && maxAttachmentBytes == other.maxAttachmentBytes;
    }

    @Override public int hashCode() {
      return 31 * maxAttachments + (int) (maxAttachmentBytes ^ (maxAttachmentBytes >>> 32));
    }

    @Override public String toString() {
      return "Limits{maxAttachments=" + maxAttachments + ", maxAttachmentBytes=" + maxAttachmentBytes + "}";
    }
  }
}
