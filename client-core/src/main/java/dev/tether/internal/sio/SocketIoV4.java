package dev.tether.internal.sio;

import com.google.gson.JsonElement;
import dev.tether.internal.engine.EnginePacket;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Socket.IO protocol revision 4 (socket.io 2.x servers, and socket.io 4.x with {@code allowEIO3}):
 * <a href="https://github.com/socketio/socket.io-protocol/tree/v4">socket.io-protocol, branch v4</a>.
 *
 * <p>The grammar is revision 5's ({@code type [attachments "-"] [nsp ","] [ackId] [json]}, the same
 * placeholders and attachment bounds, see {@link SocketIoV5}); what differs is the payloads:
 *
 * <ul>
 *   <li><b>CONNECT</b> carries no payload. A client's CONNECT may carry a query inside the namespace
 *       field, {@code 0/chat?token=x,}: it is part of {@link SioPacket#namespace()} here, written and
 *       read as is (the connection builds and URL-encodes it). The server's reply is a bare
 *       {@code 0/chat,}. On input any object, array or {@code null} payload is accepted (and
 *       ignored), as socket.io-parser 3.x does.
 *   <li><b>Type 4 is ERROR</b> (represented as {@link SioPacket.Type#CONNECT_ERROR}): its payload is
 *       whatever the server put there, a string or any JSON object, array or {@code null}. The client
 *       never sends one.
 *   <li><b>Event names</b> are not checked on input (socket.io-parser 3.x does not); on output the names
 *       the 2.x reference client keeps for itself and those a 2.x server keeps for itself are refused
 *       ({@link #isReservedEventName}).
 * </ul>
 *
 * <p>Unlike socket.io-parser 3.x, an unknown packet type is a {@link SioDecodingException}, not an
 * ERROR packet. Stateless and thread-safe.
 */
public final class SocketIoV4 implements SocketIoProtocol {
  public static final SocketIoV4 INSTANCE = new SocketIoV4();

  private static final Set<String> RESERVED_EVENT_NAMES = Collections.unmodifiableSet(new HashSet<String>(
      Arrays.asList(
          // the socket.io-client 2.x Socket emits these locally and never sends them
          "connect", "connect_error", "connect_timeout", "connecting", "disconnect", "error", "reconnect",
          "reconnect_attempt", "reconnect_failed", "reconnect_error", "reconnecting", "ping", "pong",
          // a socket.io 2.x server keeps these for itself (and revision 5 reserves them too)
          "disconnecting", "newListener", "removeListener")));

  private static final SocketIoV5.PayloadRules PAYLOAD_RULES = SocketIoV4::payloadProblem;

  private SocketIoV4() {
  }

  /** True for event names an application may not emit to a socket.io 2.x server. Case-sensitive. */
  public static boolean isReservedEventName(String name) {
    return RESERVED_EVENT_NAMES.contains(name);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException for a packet a client cannot send in this revision: a CONNECT with
   *     a payload, an ERROR, an EVENT with a reserved name, placeholders that do not match the attachments
   */
  @Override public List<EnginePacket> encode(SioPacket packet) {
    String problem = encodingProblem(packet);
    if (problem != null) throw new IllegalArgumentException(problem);
    return SocketIoV5.write(packet);
  }

  @Override public Decoder newDecoder(Limits limits) {
    return new SocketIoV5.V5Decoder(limits, PAYLOAD_RULES);
  }

  static @Nullable String encodingProblem(SioPacket packet) {
    SioPacket.Type type = packet.type();
    JsonElement data = packet.data();
    switch (type) {
      case CONNECT:
        return data == null ? null : "CONNECT carries no payload in Socket.IO v4 (put credentials in the namespace query)";
      case CONNECT_ERROR:
        return "a client never sends ERROR (type 4) in Socket.IO v4";
      case EVENT:
      case BINARY_EVENT:
        if (data == null) return type + " needs data [\"name\", args...]";
        if (data.isJsonArray() && data.getAsJsonArray().size() > 0) {
          JsonElement name = data.getAsJsonArray().get(0);
          if (SocketIoV5.isString(name) && isReservedEventName(name.getAsString())) {
            return "reserved event name " + JsonText.preview(name, 40);
          }
        }
        break;
      case ACK:
      case BINARY_ACK:
        if (packet.ackId() == null) return type + " needs an ack id";
        if (data == null) return type + " needs an argument array";
        break;
      default:
        break;
    }
    if (data == null) return null;
    String problem = payloadProblem(type, data);
    if (problem != null || !type.isBinary()) return problem;
    return Placeholders.check(data, packet.attachments().size(), true);
  }

  /** Why {@code data} is not a valid payload for {@code type} (what socket.io-parser 3.4 accepts), or null. */
  static @Nullable String payloadProblem(SioPacket.Type type, JsonElement data) {
    switch (type) {
      case CONNECT:
        return data.isJsonObject() || data.isJsonArray() || data.isJsonNull()
            ? null : "CONNECT payload must be an object, not " + SocketIoV5.kind(data);
      case DISCONNECT:
        return "DISCONNECT must not have a payload";
      case EVENT:
      case BINARY_EVENT: {
        if (!data.isJsonArray() || data.getAsJsonArray().size() == 0) {
          return type + " payload must be a non-empty array, not " + SocketIoV5.kind(data);
        }
        JsonElement name = data.getAsJsonArray().get(0);
        if (SocketIoV5.isString(name) || name.isJsonPrimitive() && name.getAsJsonPrimitive().isNumber()) return null;
        return "event name must be a string or a number, not " + SocketIoV5.kind(name);
      }
      case ACK:
      case BINARY_ACK:
        return data.isJsonArray() ? null : type + " payload must be an array, not " + SocketIoV5.kind(data);
      case CONNECT_ERROR:
        return data.isJsonPrimitive() && !SocketIoV5.isString(data)
            ? "ERROR payload must be a string or an object, not " + SocketIoV5.kind(data) : null;
      default:
        throw new AssertionError(type);
    }
  }
}
