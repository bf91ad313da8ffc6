package dev.tether.internal.engine;

import dev.tether.internal.http.IncomingLimitException;
import java.util.List;

/**
 * Everything that differs between Engine.IO protocol versions: the {@code EIO} query value, the
 * polling payload framing, the handshake fields and the heartbeat direction. The connection logic
 * in {@link EngineSocket} and the transports are written against this interface only.
 *
 * <p>Implementations are stateless and thread-safe: decoding runs on I/O threads (and the packets of a
 * polling body may be built later, on the connection's loop, as it reads them).
 */
public interface EngineProtocol {
  /** The value of the {@code EIO} query parameter. */
  String version();

  /** Encodes packets as one HTTP long-polling body. */
  byte[] encodePayload(List<EnginePacket> packets);

  /**
   * The number of bytes {@code packet} adds to a polling payload, separator included when it is not
   * the {@code first} packet. Batches are cut so their sum stays within the server's {@code maxPayload}.
   */
  long framedSize(EnginePacket packet, boolean first);

  /**
   * Decodes an HTTP long-polling body. The whole body is validated before this returns; the packets
   * may be built only as the list is read.
   *
   * @throws IncomingLimitException if the body holds more than {@code maxPackets} packets
   */
  List<EnginePacket> decodePayload(byte[] body, int maxPackets) throws MalformedPacketException, IncomingLimitException;

  /** The text of a WebSocket text frame carrying {@code packet} (never a binary message). */
  String encodeTextFrame(EnginePacket packet);

  /** The bytes of a WebSocket binary frame carrying a binary message. */
  okio.ByteString encodeBinaryFrame(EnginePacket packet);

  /** Size in bytes of the WebSocket frame payload that carries {@code packet}. */
  long frameSize(EnginePacket packet);

  EnginePacket decodeTextFrame(String text) throws MalformedPacketException;

  EnginePacket decodeBinaryFrame(okio.ByteString bytes) throws MalformedPacketException;

  /** Reads the handshake fields from an open packet. */
  Handshake decodeHandshake(EnginePacket open) throws MalformedPacketException;

  Heartbeat newHeartbeat(Heartbeat.Host host);
}
