package dev.tether;

import java.io.Closeable;
import java.lang.reflect.Type;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One Socket.IO namespace on a {@link Manager}'s connection, or the one socket of a plain WebSocket
 * server (see {@link PlainWebSocket}): connect it, listen to events, emit.
 *
 * <pre>{@code
 * Socket socket = tether.socket("http://localhost:8005");
 * socket.on("news", String.class, news -> socket.emit("reply", "Hello Node.JS"));
 * socket.onDisconnect(reason -> log("disconnected: " + reason));
 * socket.connect();
 * }</pre>
 *
 * <h2>States</h2>
 * A socket starts disconnected. {@link #connect()} makes it <em>active</em>: it joins the namespace
 * (opening the shared connection if needed) and becomes <em>connected</em> when the server accepts;
 * {@link #onConnectError} reports a refusal, after which it is inactive again. It stops being
 * connected when the server disconnects it ({@code io server disconnect}), the application calls
 * {@link #disconnect()} ({@code io client disconnect}) or the connection is lost (see
 * {@link DisconnectReason}); {@link #onDisconnect} says which.
 *
 * <h2>Threading</h2>
 * Every method may be called from any thread and returns at once, except {@code await...} methods,
 * which say so. Listeners run on the {@code Tether}'s callback executor, one at a time per socket, in
 * the order events arrived; a listener that throws goes to the {@link ListenerErrorHandler} and the
 * socket carries on. Listeners registered before {@link #connect()} (or in {@link #onConnect}) see
 * every event from the first one on. Listeners that fall behind (10,000 events or 64 MiB waiting)
 * get the connection dropped and reconnected ({@code transport error}, cause
 * {@link TransportException.Kind#LISTENERS_BEHIND}); what was accepted is still delivered, in order.
 *
 * <h2>Emitting</h2>
 * Arguments are any JSON-able values: POJOs and maps (through Gson), Gson {@code JsonElement}s,
 * strings, numbers, booleans, null, and {@code byte[]} anywhere, also nested. Nulls are always sent
 * as JSON {@code null}, also with an application {@code Gson}: a map entry with a null value, a
 * {@code JsonNull} member and a null POJO field arrive as {@code "key":null}, in emits, acks and auth
 * alike; to leave a member out, leave it out of the map or object. They are serialized on
 * the calling thread, so changing an object after {@code emit} returns does not change what is sent.
 * Emits made while the socket is not connected are buffered and sent, in order, once it connects.
 */
public interface Socket extends Closeable {
  /**
   * The event that carries what a plain WebSocket server sent but the {@link Envelope} could not read
   * (not JSON, no name, a binary frame in a JSON envelope), so nothing is lost silently: its one
   * argument is the frame's text ({@code String}) or bytes ({@code byte[]}). The connection stays up.
   * Catch-all listeners ({@link #onAny}) see it too. Socket.IO servers never produce it.
   */
  String UNPARSED = "tether:unparsed";

  /**
   * The event that carries an error a socket.io 2.x server reported for this connected socket without
   * disconnecting it (an ERROR packet, type 4, e.g. from per-socket middleware refusing an event, or an
   * ERROR for the default namespace {@code /}, which concerns every namespace of the connection): its one
   * argument is the server's payload as sent, a string or any JSON value. An ERROR that arrives while the
   * socket is joining refuses the join instead ({@code connect_error}). Only the
   * {@code Dialect.SOCKET_IO_2} dialect produces it.
   */
  String SERVER_ERROR = "tether:server_error";

  /** The namespace, e.g. {@code "/"} or {@code "/chat"}. */
  String namespace();

  /** The connection this socket runs on. */
  Manager manager();

  /**
   * The Socket.IO id the server gave this socket for the current connection, or null when not
   * connected (always null on a plain WebSocket, which has no ids).
   */
  @Nullable String id();

  boolean isConnected();

  /** True from {@link #connect()} until the socket is disconnected, kicked, refused or gives up. */
  boolean isActive();

  ConnectionState state();

  /** Every change of {@link #state()}. */
  Subscription onStateChange(Listener<ConnectionState> listener);

  /**
   * True when the last connect resumed the previous session through the server's connection state
   * recovery (socket.io 4.6+): same id, rooms kept, and the events missed meanwhile were replayed.
   */
  boolean recovered();

  /** Joins the namespace, opening the shared connection if needed. Idempotent. */
  Socket connect();

  /** Leaves the namespace; closes the connection when no other socket uses it. Idempotent. */
  Socket disconnect();

  /** Same as {@link #disconnect()}, for try-with-resources. Throws nothing. */
  @Override void close();

  // ---- listening ---------------------------------------------------------------------------

  /** Every {@code event}, with all its arguments and the means to ack it. */
  Subscription on(String event, Listener<Event> listener);

  /** Every {@code event}, with argument 0 bound to {@code type} through Gson. */
  <T> Subscription on(String event, Class<T> type, Listener<@Nullable T> listener);

  /** As {@link #on(String, Class, Listener)} for generic types (e.g. {@code new TypeToken<List<Msg>>(){}.getType()}). */
  <T> Subscription on(String event, Type type, Listener<@Nullable T> listener);

  /** The next {@code event} only. */
  Subscription once(String event, Listener<Event> listener);

  <T> Subscription once(String event, Class<T> type, Listener<@Nullable T> listener);

  /** As {@link #once(String, Class, Listener)} for generic types. */
  <T> Subscription once(String event, Type type, Listener<@Nullable T> listener);

  /** Removes every listener of {@code event}. */
  void off(String event);

  /**
   * Removes every registration of {@code listener} for {@code event} made with {@code on} or
   * {@code once}, typed or not; other listeners stay. Closing the {@link Subscription} that
   * {@code on} returned does the same for one registration.
   */
  void off(String event, Listener<?> listener);

  /** Every incoming event, whatever its name (after the listeners of that name). */
  Subscription onAny(Listener<Event> listener);

  /** Every event this socket emits, when it is handed to the connection. */
  Subscription onAnyOutgoing(Listener<Event> listener);

  Subscription onConnect(Runnable listener);

  /**
   * Runs after every (re)connection, before the emits buffered while disconnected are sent: emits made
   * inside this listener go out first (rejoin a room, re-subscribe), then the buffered ones, in order,
   * then everything emitted since. Emits from other threads meanwhile wait behind the buffered ones.
   * {@link #onConnect} listeners, by contrast, run after the buffer was flushed, as in the JavaScript
   * client. Keep it short: the buffered emits wait for it.
   */
  Subscription onConnectBeforeFlush(Runnable listener);

  Subscription onDisconnect(Listener<DisconnectReason> listener);

  Subscription onConnectError(Listener<ConnectError> listener);

  /**
   * A plain WebSocket server closed the connection with a close frame: its code and reason (e.g.
   * 4001 "unauthorized"), heard before the {@link #onDisconnect} it causes. Whether the socket then
   * reconnects depends on the code (see {@link PlainWebSocket}). Socket.IO servers end sessions with
   * their own packets and never report here.
   */
  Subscription onServerClose(Listener<ServerClose> listener);

  /**
   * An emit without an {@link AckCall} (a plain {@code emit}, or an ack reply) that was not sent:
   * which one, and why. Without such a listener the failure is logged at WARNING.
   */
  Subscription onEmitError(Listener<EmitError> listener);

  // ---- emitting ----------------------------------------------------------------------------

  /**
   * Sends an event.
   *
   * @throws IllegalArgumentException for a reserved name ({@code connect}, {@code connect_error},
   *     {@code disconnect}, {@code disconnecting}, {@code newListener}, {@code removeListener}), or
   *     on a plain WebSocket for what its {@link Envelope} cannot carry (e.g. binary in JSON)
   * @throws PayloadBindingException if an argument cannot be serialized
   */
  Socket emit(String event, Object... args);

  /**
   * Sends an event only if the transport can take it now: dropped silently when the socket is not
   * connected or the transport has a write in flight (a polling POST, a WebSocket backlog), as in the
   * JavaScript client. During a polling → WebSocket upgrade it is kept and sent right after the
   * switch. Never buffered while disconnected. For high-rate data where only the latest value matters
   * (cursor positions).
   */
  Socket volatileEmit(String event, Object... args);

  /**
   * Sends an event and asks the server to acknowledge it. The emit happens now; the returned handle
   * observes and controls the acknowledgement (see {@link AckCall}). While the socket already waits
   * for 10,000 acks, the call fails at once with {@link TooManyAcksException} and nothing is sent.
   *
   * @throws IllegalArgumentException as {@link #emit}, and on a plain WebSocket whose
   *     {@link Envelope} carries no correlation id (no ack could ever be matched to the emit)
   */
  AckCall emitWithAck(String event, Object... args);

  // ---- send buffer -------------------------------------------------------------------------------

  /**
   * Emits not yet handed to the transport: those in the send buffer (waiting for the socket to
   * connect, or for room in the connection's write window) plus those in that window.
   */
  int bufferedPackets();

  /** Bytes of the emits {@link #bufferedPackets()} counts (serialized JSON plus binary, approximately). */
  long bufferedBytes();

  /**
   * Drops every buffered emit; their acks fail with {@link AckCancelledException}. Returns at once;
   * the buffer is empty for every emit made after this call.
   */
  void clearSendBuffer();

  // ---- blocking helpers for tests and bots ---------------------------------------------------

  /**
   * Blocks until connected. Fails at once with {@link IllegalStateException} on a Tether callback or
   * event-loop thread (it would deadlock).
   *
   * @throws TetherException when the namespace was refused (the {@link ConnectError} message) or
   *     the timeout passed
   */
  void awaitConnected(long timeout, TimeUnit unit) throws InterruptedException;

  /**
   * Blocks until an {@code event} arrives, also one received before this call while the socket was
   * connected (a welcome sent in the server's connection handler is not missed), as far as the event
   * history holds it: by default the newest 128 events within 4 MiB, released on disconnect (see
   * {@link SocketOptions.Builder#eventHistory}). Each event is returned once. Same thread rules as
   * {@link #awaitConnected}.
   *
   * @throws TetherException when no such event arrives within the timeout
   */
  Event awaitEvent(String event, long timeout, TimeUnit unit) throws InterruptedException;
}
