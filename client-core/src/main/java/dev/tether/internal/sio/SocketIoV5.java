package dev.tether.internal.sio;

import com.google.gson.JsonElement;
import dev.tether.internal.engine.EnginePacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * Socket.IO protocol v5 (socket.io 3.x/4.x servers), docs/protocol.md §10–§17.
 *
 * <p>Wire form: {@code type [attachments "-"] [nsp ","] [ackId] [json]}. The encoder writes the
 * canonical form; the decoder accepts everything socket.io-parser 4.2.7 accepts (namespace without
 * comma, leading zeros in ack ids, numeric event names, empty string = CONNECT to {@code /}) and
 * rejects what it rejects. Differences, all on input no server sends: JSON is parsed by Gson, which
 * refuses nesting deeper than 255 levels; an ack id beyond {@code Long.MAX_VALUE} is an error; only
 * ASCII digits count as digits (JavaScript's {@code Number()} also takes spaces).
 */
public final class SocketIoV5 implements SocketIoProtocol {
  public static final SocketIoV5 INSTANCE = new SocketIoV5();

  private static final Set<String> RESERVED_EVENT_NAMES = Collections.unmodifiableSet(new HashSet<String>(
      Arrays.asList("connect", "connect_error", "disconnect", "disconnecting", "newListener",
          "removeListener")));

  private SocketIoV5() {
  }

  /**
   * True for the event names an application may not emit and a server may not send (docs/protocol.md §17):
   * {@code connect}, {@code connect_error}, {@code disconnect}, {@code disconnecting},
   * {@code newListener}, {@code removeListener}. Case-sensitive, as in the reference.
   */
  public static boolean isReservedEventName(String name) {
    return RESERVED_EVENT_NAMES.contains(name);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the packet breaks the payload rules of docs/protocol.md §10 (an EVENT
   *     without a non-empty array or with a reserved name, an ACK without id or array, a CONNECT with
   *     a non-object, a DISCONNECT with data, ...) or its placeholders and attachments do not match
   *     (every placeholder num indexes an attachment and every attachment has a placeholder)
   */
  @Override public List<EnginePacket> encode(SioPacket packet) {
    String problem = encodingProblem(packet);
    if (problem != null) throw new IllegalArgumentException(problem);
    return write(packet);
  }

  /** The canonical wire form of a packet already checked: header text, then one binary message per attachment. */
  static List<EnginePacket> write(SioPacket packet) {
    SioPacket.Type type = packet.type();
    List<ByteString> attachments = packet.attachments();
    StringBuilder out = new StringBuilder();
    out.append((char) ('0' + type.code()));
    if (type.isBinary()) out.append(attachments.size()).append('-');
    if (!SioPacket.ROOT.equals(packet.namespace())) out.append(packet.namespace()).append(',');
    Long ackId = packet.ackId();
    if (ackId != null) out.append(ackId.longValue());
    JsonElement data = packet.data();
    if (data != null) JsonText.write(data, out);
    EnginePacket header = EnginePacket.message(out.toString());
    if (attachments.isEmpty()) return Collections.singletonList(header);
    List<EnginePacket> messages = new ArrayList<EnginePacket>(1 + attachments.size());
    messages.add(header);
    for (ByteString attachment : attachments) messages.add(EnginePacket.binary(attachment));
    return Collections.unmodifiableList(messages);
  }

  @Override public Decoder newDecoder(Limits limits) {
    return new V5Decoder(limits, PAYLOAD_RULES);
  }

  /** Which payloads a packet type may carry: differs between protocol revisions. */
  interface PayloadRules {
    /** Why {@code data} is not a valid payload for {@code type} on input, or null if it is. */
    @Nullable String problem(SioPacket.Type type, JsonElement data);
  }

  private static final PayloadRules PAYLOAD_RULES = SocketIoV5::payloadProblem;

  /** Why {@code packet} cannot be sent, or null if it can. */
  static @Nullable String encodingProblem(SioPacket packet) {
    SioPacket.Type type = packet.type();
    JsonElement data = packet.data();
    switch (type) {
      case EVENT:
      case BINARY_EVENT:
        if (data == null) return type + " needs data [\"name\", args...]";
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

  /** Why {@code data} is not a valid payload for {@code type} (docs/protocol.md §10), or null if it is. */
  static @Nullable String payloadProblem(SioPacket.Type type, JsonElement data) {
    switch (type) {
      case CONNECT:
        return data.isJsonObject() ? null : "CONNECT payload must be an object, not " + kind(data);
      case DISCONNECT:
        return "DISCONNECT must not have a payload";
      case EVENT:
      case BINARY_EVENT: {
        if (!data.isJsonArray() || data.getAsJsonArray().size() == 0) {
          return type + " payload must be a non-empty array, not " + kind(data);
        }
        JsonElement name = data.getAsJsonArray().get(0);
        if (isString(name)) {
          return isReservedEventName(name.getAsString())
              ? "reserved event name " + JsonText.preview(name, 40) : null;
        }
        if (name.isJsonPrimitive() && name.getAsJsonPrimitive().isNumber()) return null;
        return "event name must be a string or a number, not " + kind(name);
      }
      case ACK:
      case BINARY_ACK:
        return data.isJsonArray() ? null : type + " payload must be an array, not " + kind(data);
      case CONNECT_ERROR:
        return data.isJsonObject() || isString(data)
            ? null : "CONNECT_ERROR payload must be an object or a string, not " + kind(data);
      default:
        throw new AssertionError(type);
    }
  }

  static boolean isString(JsonElement element) {
    return element.isJsonPrimitive() && element.getAsJsonPrimitive().isString();
  }

  static String kind(JsonElement element) {
    if (element.isJsonArray()) return element.getAsJsonArray().size() == 0 ? "an empty array" : "an array";
    if (element.isJsonObject()) return "an object";
    if (element.isJsonNull()) return "null";
    if (element.getAsJsonPrimitive().isBoolean()) return "a boolean";
    if (element.getAsJsonPrimitive().isNumber()) return "a number";
    return "a string";
  }

  /**
   * The decoder of one connection: plain packets pass straight through; binary ones are reassembled.
   * The grammar is the same in protocol revisions 4 and 5; {@link PayloadRules} says what differs.
   */
  static final class V5Decoder implements Decoder {
    private final Limits limits;
    private final PayloadRules rules;
    /** The header of the binary packet whose attachments are being collected, or null. */
    private @Nullable Header pending;
    private final List<ByteString> received = new ArrayList<ByteString>();
    private long receivedBytes;

    V5Decoder(Limits limits, PayloadRules rules) {
      if (limits == null) throw new NullPointerException("limits");
      this.limits = limits;
      this.rules = rules;
    }

    @Override public @Nullable SioPacket decode(EnginePacket message) throws SioDecodingException {
      if (message.type() != EnginePacket.Type.MESSAGE) {
        throw new IllegalArgumentException("not an Engine.IO message: " + message.type());
      }
      ByteString binary = message.binary();
      if (binary != null) return attachment(binary);
      Header header = pending;
      if (header != null) {
        int expected = received.size() + 1;
        reset();
        throw new SioDecodingException("text message while waiting for attachment " + expected
            + " of " + header.attachments + " of a " + header.type);
      }
      String text = message.text();
      if (text == null) throw new SioDecodingException("empty message");
      header = parse(text, limits, rules);
      if (!header.type.isBinary()) {
        return SioPacket.of(header.type, header.namespace, header.ackId, header.data,
            Collections.<ByteString>emptyList());
      }
      pending = header;
      return null;
    }

    private @Nullable SioPacket attachment(ByteString bytes) throws SioDecodingException {
      Header header = pending;
      if (header == null) {
        throw new SioDecodingException(
            "unexpected binary message: no binary packet is waiting for attachments");
      }
      receivedBytes += bytes.size();
      if (receivedBytes > limits.maxAttachmentBytes()) {
        reset();
        throw new SioDecodingException("attachments of a " + header.type + " exceed "
            + limits.maxAttachmentBytes() + " bytes");
      }
      received.add(bytes);
      if (received.size() < header.attachments) return null;
      SioPacket packet = SioPacket.of(header.type, header.namespace, header.ackId, header.data, received);
      reset();
      return packet;
    }

    private void reset() {
      pending = null;
      received.clear();
      receivedBytes = 0;
    }
  }

  /** A decoded text packet; for the BINARY types, still without its attachments. */
  static final class Header {
    final SioPacket.Type type;
    final String namespace;
    final @Nullable Long ackId;
    final @Nullable JsonElement data;
    /** The announced attachment count; 0 for non-binary types. */
    final int attachments;

    Header(SioPacket.Type type, String namespace, @Nullable Long ackId, @Nullable JsonElement data,
        int attachments) {
      this.type = type;
      this.namespace = namespace;
      this.ackId = ackId;
      this.data = data;
      this.attachments = attachments;
    }
  }

  /** Decodes one text message (docs/protocol.md §11, decoder steps 1–5). */
  static Header parse(String text, Limits limits, PayloadRules rules) throws SioDecodingException {
    int length = text.length();
    if (length == 0) return new Header(SioPacket.Type.CONNECT, SioPacket.ROOT, null, null, 0);
    char first = text.charAt(0);
    SioPacket.Type type = SioPacket.Type.fromCode(first);
    if (type == null) throw new SioDecodingException("unknown packet type " + printable(first));
    int i = 1;

    int attachments = 0;
    if (type.isBinary()) {
      long count = 0;
      while (i < length && JsonText.isDigit(text.charAt(i))) {
        count = Math.min(count * 10 + (text.charAt(i) - '0'), Integer.MAX_VALUE);
        i++;
      }
      if (i == 1 || i >= length || text.charAt(i) != '-') {
        throw new SioDecodingException(type + " without a valid attachment count");
      }
      if (count < 1) throw new SioDecodingException(type + " with no attachments");
      if (count > limits.maxAttachments()) {
        throw new SioDecodingException(type + " with too many attachments: "
            + (count == Integer.MAX_VALUE ? "more than " + Integer.MAX_VALUE : String.valueOf(count))
            + " (limit " + limits.maxAttachments() + ")");
      }
      attachments = (int) count;
      i++; // '-'
    }

    String namespace = SioPacket.ROOT;
    if (i < length && text.charAt(i) == '/') {
      int comma = text.indexOf(',', i);
      int end = comma < 0 ? length : comma;
      namespace = text.substring(i, end);
      if (SioPacket.hasLoneSurrogate(namespace)) {
        throw new SioDecodingException(type + " namespace has an unpaired surrogate");
      }
      i = comma < 0 ? length : comma + 1;
    }

    Long ackId = null;
    if (i < length && JsonText.isDigit(text.charAt(i))) {
      long id = 0;
      do {
        int digit = text.charAt(i) - '0';
        if (id > (Long.MAX_VALUE - digit) / 10) throw new SioDecodingException(type + " ack id too large");
        id = id * 10 + digit;
        i++;
      } while (i < length && JsonText.isDigit(text.charAt(i)));
      ackId = id;
    }

    JsonElement data = null;
    if (i < length) {
      if (type == SioPacket.Type.DISCONNECT) {
        throw new SioDecodingException("DISCONNECT must not have a payload");
      }
      try {
        data = JsonText.parse(text, i);
      } catch (SioDecodingException e) {
        throw new SioDecodingException(type + " payload: " + e.getMessage());
      }
      String problem = rules.problem(type, data);
      if (problem != null) throw new SioDecodingException(problem);
      if (type.isBinary()) {
        problem = Placeholders.check(data, attachments, false);
        if (problem != null) throw new SioDecodingException(type + ": " + problem);
      }
    }
    return new Header(type, namespace, ackId, data, attachments);
  }

  static String printable(char c) {
    if (c >= 0x20 && c < 0x7f) return "'" + c + "'";
    return "U+" + Integer.toHexString(c | 0x10000).substring(1).toUpperCase(Locale.ROOT);
  }
}
