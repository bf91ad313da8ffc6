package dev.tether.internal.sio;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * One Socket.IO packet. Immutable once built: the packet takes ownership of its JSON data and its
 * attachment arrays, and neither may be modified afterwards (by the builder or by readers).
 *
 * <p>The factories for packets the client sends ({@link #connect}, {@link #event}, {@link #ack}, ...)
 * check the payload rules of docs/protocol.md §10 and throw {@link IllegalArgumentException} on a
 * programming error. {@link #of} is the general form the decoder uses: it also represents packets the
 * reference decoder tolerates (an EVENT without data, an ack id on a CONNECT, ...).
 */
public final class SioPacket {
  /** Socket.IO v5 packet types. */
  public enum Type {
    CONNECT(0), DISCONNECT(1), EVENT(2), ACK(3), CONNECT_ERROR(4), BINARY_EVENT(5), BINARY_ACK(6);

    private static final Type[] BY_CODE = values();

    private final int code;

    Type(int code) {
      this.code = code;
    }

    /** The type digit on the wire. */
    public int code() {
      return code;
    }

    /** True for BINARY_EVENT and BINARY_ACK, the types that carry attachments. */
    public boolean isBinary() {
      return this == BINARY_EVENT || this == BINARY_ACK;
    }

    static @Nullable Type fromCode(char c) {
      int index = c - '0';
      return index >= 0 && index < BY_CODE.length ? BY_CODE[index] : null;
    }
  }

  static final String ROOT = "/";
  private static final int TO_STRING_DATA_CHARS = 200;

  private final Type type;
  private final String namespace;
  private final @Nullable Long ackId;
  private final @Nullable JsonElement data;
  private final List<ByteString> attachments;

  private SioPacket(Type type, String namespace, @Nullable Long ackId, @Nullable JsonElement data,
      List<ByteString> attachments) {
    this.type = type;
    this.namespace = namespace;
    this.ackId = ackId;
    this.data = data;
    this.attachments = attachments;
  }

  /**
   * Any packet with a well-formed header. Checks only what every packet needs: a namespace that
   * starts with {@code /} and has no {@code ,} and no unpaired surrogate; a non-negative ack id;
   * attachments (at least one) exactly for the BINARY types. The payload is not checked here
   * ({@link SocketIoV5#encode} checks it).
   */
  public static SioPacket of(Type type, String namespace, @Nullable Long ackId,
      @Nullable JsonElement data, List<ByteString> attachments) {
    checkNamespace(namespace);
    if (ackId != null && ackId < 0) throw new IllegalArgumentException("negative ack id: " + ackId);
    if (type.isBinary() && attachments.isEmpty()) {
      throw new IllegalArgumentException(type + " needs at least one attachment");
    }
    if (!type.isBinary() && !attachments.isEmpty()) {
      throw new IllegalArgumentException(type + " cannot carry attachments");
    }
    List<ByteString> copy;
    if (attachments.isEmpty()) {
      copy = Collections.emptyList();
    } else {
      for (ByteString attachment : attachments) {
        if (attachment == null) throw new NullPointerException("attachment");
      }
      copy = Collections.unmodifiableList(new ArrayList<ByteString>(attachments));
    }
    return new SioPacket(type, namespace, ackId, data, copy);
  }

  /** CONNECT to {@code namespace}, with the auth object or none. */
  public static SioPacket connect(String namespace, @Nullable JsonObject auth) {
    return of(Type.CONNECT, namespace, null, auth, Collections.<ByteString>emptyList());
  }

  public static SioPacket disconnect(String namespace) {
    return of(Type.DISCONNECT, namespace, null, null, Collections.<ByteString>emptyList());
  }

  /**
   * EVENT, or BINARY_EVENT when {@code attachments} is non-empty. {@code data} is
   * {@code ["name", args...]} with placeholders already in place: the name is a string that is not
   * reserved, or a number; each placeholder's {@code num} indexes {@code attachments}, and each
   * attachment has a placeholder.
   */
  public static SioPacket event(String namespace, JsonArray data, @Nullable Long ackId,
      List<ByteString> attachments) {
    Type type = attachments.isEmpty() ? Type.EVENT : Type.BINARY_EVENT;
    return checked(of(type, namespace, ackId, data, attachments));
  }

  /** ACK, or BINARY_ACK when {@code attachments} is non-empty. {@code data} is the argument array. */
  public static SioPacket ack(String namespace, long ackId, JsonArray data, List<ByteString> attachments) {
    Type type = attachments.isEmpty() ? Type.ACK : Type.BINARY_ACK;
    return checked(of(type, namespace, ackId, data, attachments));
  }

  /** CONNECT_ERROR; {@code data} is {@code {"message":…, "data"?:…}} or (legacy) a string. */
  public static SioPacket connectError(String namespace, JsonElement data) {
    return checked(of(Type.CONNECT_ERROR, namespace, null, data, Collections.<ByteString>emptyList()));
  }

  private static SioPacket checked(SioPacket packet) {
    String problem = SocketIoV5.encodingProblem(packet);
    if (problem != null) throw new IllegalArgumentException(problem);
    return packet;
  }

  private static void checkNamespace(String namespace) {
    if (!namespace.startsWith(ROOT)) {
      throw new IllegalArgumentException("namespace must start with '/': " + printable(namespace));
    }
    if (namespace.indexOf(',') >= 0) {
      throw new IllegalArgumentException("namespace must not contain ',': " + printable(namespace));
    }
    if (hasLoneSurrogate(namespace)) {
      // written raw, not as JSON: UTF-8 would turn it into U+FFFD and the server would see another name
      throw new IllegalArgumentException("namespace has an unpaired surrogate: " + printable(namespace));
    }
  }

  static boolean hasLoneSurrogate(String s) {
    for (int i = 0, length = s.length(); i < length; i++) {
      char c = s.charAt(i);
      if (!Character.isSurrogate(c)) continue;
      if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else {
        return true;
      }
    }
    return false;
  }

  /** {@code s} as a quoted JSON string, capped: control characters and lone surrogates escaped, for messages. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    JsonText.writeString(JsonText.cap(s, 60), out);
    return out.toString();
  }

  public Type type() {
    return type;
  }

  /** The namespace; {@code "/"} for the root namespace. */
  public String namespace() {
    return namespace;
  }

  /** The ack id, or null for none. 0 is a valid id. */
  public @Nullable Long ackId() {
    return ackId;
  }

  /**
   * The JSON payload, or null when the packet has none. Binary values stay as
   * {@code {"_placeholder":true,"num":i}} objects. Do not modify.
   */
  public @Nullable JsonElement data() {
    return data;
  }

  /** The binary attachments: empty unless BINARY_*; element i is placeholder num i. Do not modify. */
  public List<ByteString> attachments() {
    return attachments;
  }

  @Override public boolean equals(@Nullable Object o) {
    if (this == o) return true;
    if (!(o instanceof SioPacket)) return false;
    SioPacket other = (SioPacket) o;
    if (type != other.type || !namespace.equals(other.namespace)) return false;
    if (ackId == null ? other.ackId != null : !ackId.equals(other.ackId)) return false;
    if (data == null ? other.data != null : !data.equals(other.data)) return false;
    if (attachments.size() != other.attachments.size()) return false;
    for (int i = 0; i < attachments.size(); i++) {
      if (!attachments.get(i).equals(other.attachments.get(i))) return false;
    }
    return true;
  }

  /**
   * Leaves out the data on purpose: Gson's {@code JsonPrimitive} is not consistent there (a decoded
   * {@code 1} equals {@code new JsonPrimitive(1)} but hashes differently).
   */
  @Override public int hashCode() {
    int result = type.hashCode();
    result = 31 * result + namespace.hashCode();
    result = 31 * result + (ackId == null ? 0 : ackId.hashCode());
    for (ByteString attachment : attachments) {
      result = 31 * result + attachment.hashCode();
    }
    return result;
  }

  /**
   * A short description for logs: the data is cut after 200 characters, attachments show only their
   * sizes, and CONNECT payloads (auth, session ids) show only their keys.
   */
  @Override public String toString() {
    StringBuilder out = new StringBuilder("SioPacket{").append(type).append(' ');
    out.append(JsonText.cap(namespace, 60));
    if (ackId != null) out.append(" ack=").append(ackId);
    if (data != null) {
      out.append(' ');
      if (type == Type.CONNECT && data.isJsonObject()) {
        out.append("{keys=");
        StringBuilder keys = new StringBuilder();
        for (Map.Entry<String, JsonElement> member : data.getAsJsonObject().entrySet()) {
          if (keys.length() > 0) keys.append(',');
          keys.append(member.getKey());
          if (keys.length() > TO_STRING_DATA_CHARS) break;
        }
        out.append(JsonText.cap(keys.toString(), TO_STRING_DATA_CHARS)).append('}');
      } else {
        out.append(JsonText.preview(data, TO_STRING_DATA_CHARS));
      }
    }
    if (!attachments.isEmpty()) {
      out.append(" +").append(attachments.size()).append(" attachments [");
      for (int i = 0; i < attachments.size(); i++) {
        if (i > 0) out.append(',');
        if (i == 16) {
          out.append('…');
          break;
        }
        out.append(attachments.get(i).size()).append('B');
      }
      out.append(']');
    }
    return out.append('}').toString();
  }
}
