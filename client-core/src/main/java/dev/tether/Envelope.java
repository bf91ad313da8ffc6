package dev.tether;

import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * How events are framed on a plain WebSocket server (see {@link PlainWebSocket}): the codec between
 * the socket's events and acks ({@link Message}s) and WebSocket {@link Frame}s. Tether ships two:
 *
 * <ul>
 *   <li>{@link #raw()}: every frame is an event {@code "message"} with one argument.
 *   <li>{@link #json(String, String)}: every frame is a JSON object such as
 *       {@code {"name": "hello", "data": {...}}} ({@code json("name", "data")}) or NestJS's
 *       {@code {"event": "hello", "data": {...}}} ({@code json("event", "data")}); with
 *       {@link #json(String, String, String)} it also carries an id that correlates acks.
 * </ul>
 *
 * <p>Implement it for other protocols: frames to send when the connection opens (a join, a
 * subscribe, a protocol handshake), application heartbeats, correlation ids for acks, several
 * messages per frame. A frame {@link #decode} cannot read is not lost: it reaches the socket's
 * {@link Socket#UNPARSED} listeners and the connection stays up.
 *
 * <p><b>Thread-safety.</b> Implementations must be immutable (ideally stateless) and thread-safe:
 * one instance serves every connection that uses it. Tether calls {@link #checkEmit} on the thread
 * that emits, everything else on the connection's event loop, so keep them quick. Options that hold
 * an envelope are compared with {@code equals} ({@link ConnectionOptions#equals}); give value
 * semantics to an envelope with settings.
 */
public interface Envelope {
  /**
   * Frames as they are. Incoming: a text frame is an event {@code "message"} with one
   * {@code String}, a binary frame one with one {@code byte[]}. Outgoing: {@code emit("message", x)}
   * sends one frame, a text frame of {@code x} for a {@code String}, a binary frame for a
   * {@code byte[]}, {@code ByteString} or {@code ByteBuffer}, and the JSON text of anything else.
   * Any other event name, more or fewer than one argument, or an ack, is refused with an
   * {@link IllegalArgumentException} when emitted.
   */
  static Envelope raw() {
    return RawEnvelope.INSTANCE;
  }

  /**
   * One JSON object per text frame: {@code nameKey} names the event, {@code dataKey} holds its data.
   * Incoming, the data is the event's one argument (none when the key is absent). Outgoing, one
   * argument is the data, no argument leaves the key out, and several are sent as a JSON array.
   * Binary arguments are refused (JSON has no binary); acks too (see
   * {@link #json(String, String, String)}).
   */
  static Envelope json(String nameKey, String dataKey) {
    return new JsonEnvelope(nameKey, dataKey, null);
  }

  /**
   * As {@link #json(String, String)}, with acks correlated by {@code idKey} (an integer): an emit
   * with ack carries {@code {name, data, id}}; an incoming object with the id and <em>without</em>
   * a name is the reply to that emit (its data is the ack's one argument); one with a name and an
   * id is an event that asks for an ack, which {@link Event#ack} answers with {@code {id, data}}.
   */
  static Envelope json(String nameKey, String dataKey, String idKey) {
    if (idKey == null) throw new NullPointerException("idKey == null");
    return new JsonEnvelope(nameKey, dataKey, idKey);
  }

  /** Frames to send as soon as the WebSocket opens, before any emit (a join or a protocol handshake). Default none. */
  default List<Frame> opening() {
    return Collections.emptyList();
  }

  /** The frames that carry one outgoing event or ack reply, after {@link #checkEmit} accepted it. */
  List<Frame> encode(Message message);

  /**
   * What one incoming frame carries: events, ack replies, or nothing for the application (a
   * heartbeat reply, a welcome). Returns null, or throws, for a frame that is not this envelope's:
   * it is then delivered as a {@link Socket#UNPARSED} event.
   */
  @Nullable List<Message> decode(Frame frame);

  /** True when messages carry a correlation id, so {@code emitWithAck} and {@link Event#ack} work. Default false. */
  default boolean carriesAckIds() {
    return false;
  }

  /**
   * Checks an outgoing event or ack reply on the caller's thread, so what this envelope cannot carry
   * fails there. Default: everything is accepted.
   *
   * @throws IllegalArgumentException naming what cannot be sent
   */
  default void checkEmit(Message message) {
  }

  /** How often to send {@link #heartbeat()} frames while open; 0 (the default) for none. */
  default long heartbeatIntervalMillis() {
    return 0;
  }

  /** The application heartbeat of protocols that want one (WebSocket pings are sent regardless). Default none. */
  default List<Frame> heartbeat() {
    return Collections.emptyList();
  }

  /**
   * One event or ack as an {@link Envelope} reads or writes it: an event has a name and may carry an
   * ack id (it asks for an ack); an ack reply has only the id. Each argument is JSON (a Gson
   * {@link JsonElement}) or binary (an okio {@link ByteString}).
   *
   * <p>Immutable and thread-safe, provided nobody modifies the JSON it holds: {@link #json(int)}
   * returns the element itself, not a copy ({@code deepCopy()} it to change it).
   */
  final class Message {
    private final @Nullable String name;
    private final @Nullable Long ackId;
    private final List<Object> args;

    private Message(@Nullable String name, @Nullable Long ackId, List<Object> args) {
      this.name = name;
      this.ackId = ackId;
      this.args = args;
    }

    /**
     * An event.
     *
     * @param args each a {@link JsonElement}, or a {@link ByteString} for a binary argument
     */
    public static Message event(String name, List<?> args) {
      if (name == null) throw new NullPointerException("name == null");
      return new Message(name, null, checked(args));
    }

    /** The reply to the message that carried {@code ackId}, with these arguments (as {@link #event}). */
    public static Message ack(long ackId, List<?> args) {
      return new Message(null, ackId, checked(args));
    }

    /** This event, asking for an ack under {@code ackId}. */
    public Message withAckId(long ackId) {
      if (name == null) throw new IllegalStateException("an ack reply cannot ask for an ack");
      return new Message(name, ackId, args);
    }

    private static List<Object> checked(List<?> args) {
      if (args == null) throw new NullPointerException("args == null");
      List<Object> copy = new ArrayList<>(args.size());
      for (Object arg : args) {
        if (!(arg instanceof JsonElement) && !(arg instanceof ByteString)) {
          throw new IllegalArgumentException("an argument is a JsonElement or a ByteString, not "
              + (arg == null ? "null (use JsonNull.INSTANCE)" : arg.getClass().getName()));
        }
        copy.add(arg);
      }
      return Collections.unmodifiableList(copy);
    }

    /** The event's name; null for an ack reply. */
    public @Nullable String name() {
      return name;
    }

    /** True for the reply to one of our emits (no name, an ack id). */
    public boolean isAck() {
      return name == null;
    }

    /** The id an event asks to be acknowledged under, or the id an ack reply answers; null for neither. */
    public @Nullable Long ackId() {
      return ackId;
    }

    public int size() {
      return args.size();
    }

    public boolean isBinary(int index) {
      return args.get(index) instanceof ByteString;
    }

    /**
     * Argument {@code index} as JSON (the element itself).
     *
     * @throws IllegalStateException if it is binary
     * @throws IndexOutOfBoundsException if there is no such argument
     */
    public JsonElement json(int index) {
      Object arg = args.get(index);
      if (!(arg instanceof JsonElement)) throw new IllegalStateException("argument " + index + " is binary");
      return (JsonElement) arg;
    }

    /**
     * Argument {@code index} as bytes.
     *
     * @throws IllegalStateException if it is JSON
     * @throws IndexOutOfBoundsException if there is no such argument
     */
    public ByteString binary(int index) {
      Object arg = args.get(index);
      if (!(arg instanceof ByteString)) throw new IllegalStateException("argument " + index + " is not binary");
      return (ByteString) arg;
    }

    /** True when some argument is binary. */
    public boolean hasBinary() {
      for (Object arg : args) {
        if (arg instanceof ByteString) return true;
      }
      return false;
    }

    @Override public boolean equals(@Nullable Object o) {
      if (!(o instanceof Message)) return false;
      Message other = (Message) o;
      return (name == null ? other.name == null : name.equals(other.name))
          && (ackId == null ? other.ackId == null : ackId.equals(other.ackId)) && args.equals(other.args);
    }

    @Override public int hashCode() {
      return 31 * (31 * (name == null ? 0 : name.hashCode()) + (ackId == null ? 0 : ackId.hashCode())) + args.hashCode();
    }

    /** Name, ack id and argument count (the arguments may hold secrets). */
    @Override public String toString() {
      return "Message{" + (name != null ? name : "ack") + (ackId != null ? " #" + ackId : "") + ", " + args.size()
          + " args}";
    }
  }
}
