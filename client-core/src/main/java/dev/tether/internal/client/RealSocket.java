package dev.tether.internal.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tether.AckCall;
import dev.tether.AckCancelledException;
import dev.tether.AckTimeoutException;
import dev.tether.AuthProvider;
import dev.tether.AuthRefusedException;
import dev.tether.ConnectError;
import dev.tether.ConnectionOptions;
import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.EmitError;
import dev.tether.Event;
import dev.tether.Listener;
import dev.tether.Manager;
import dev.tether.ServerClose;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.TetherException;
import dev.tether.TransportException;
import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.wire.Connection;
import dev.tether.internal.wire.IncomingEvent;
import dev.tether.internal.wire.Payload;
import dev.tether.internal.wire.ServerProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * One namespace: its lifecycle (join, recovery, leave) and its emits. Its state is owned by the
 * Manager's event loop; the public methods post to that loop. The parts each own their state: the
 * {@link SendBuffer}, the {@link AckTracker}, the {@link EventHistory}, the {@link ConnectWaiters},
 * the listeners ({@link SocketListeners}) and their {@link Delivery}. How the server frames any of it
 * is the {@link ServerProtocol}'s business, below the {@link Connection}.
 */
public final class RealSocket extends SocketListeners {
  private static final Logger logger = Logger.getLogger(RealSocket.class.getName());

  /**
   * The most events received and not yet delivered to the listeners (waiting on the callback
   * executor, or with a listener still running), and their bytes as received. Beyond either, the
   * connection is dropped and reconnects: a reader cannot be paused, so this is the only bound on a
   * server that sends faster than the listeners take. One event always fits when none waits.
   */
  static final int MAX_BACKLOG_EVENTS = 10_000;
  static final long MAX_BACKLOG_BYTES = 64L * 1024 * 1024;

  /** Where the socket is in joining its namespace. */
  private enum Phase { IDLE, WAITING_FOR_CONNECTION, WAITING_FOR_REPLY, CONNECTED }

  /** The lifecycle, as one immutable value: replaced only on the loop, read from any thread. */
  private static final class Status {
    static final Status INITIAL = new Status(Phase.IDLE, ConnectionState.DISCONNECTED, null, false);

    final Phase phase;
    final ConnectionState state;
    final @Nullable String id;
    final boolean recovered;

    Status(Phase phase, ConnectionState state, @Nullable String id, boolean recovered) {
      this.phase = phase;
      this.state = state;
      this.id = id;
      this.recovered = recovered;
    }
  }

  private final RealManager manager;
  private final String namespace;
  private final SocketOptions options;
  private final ClientContext context;
  private final ServerProtocol protocol;
  private final SerialExecutor loop;
  private final Delivery delivery;
  private final SendBuffer sendBuffer;
  private final AckTracker acks;
  private final EventHistory history;
  private final ConnectWaiters connectWaiters = new ConnectWaiters();

  // Owned by the loop.
  private volatile Status status = Status.INITIAL; // written on the loop only
  /**
   * Emits handed to the connection that its transport has not taken yet, and their bytes: with the
   * send buffer, everything unsent. Written on the loop only; read from any thread.
   */
  private volatile int windowPackets;
  private volatile long windowBytes;
  private int connectAttempt;
  private Cancellable connectTimer = Cancellable.NONE;
  /** Joins again after an auth provider failed transiently while reconnecting. */
  private final Backoff authRetryBackoff;
  private Cancellable authRetryTimer = Cancellable.NONE;
  /** Events that came before the CONNECT reply (replayed by recovery): delivered right after it. */
  private final List<IncomingEvent> receivedBeforeReply = new ArrayList<>();
  private long receivedBeforeReplyBytes;
  /** Events before the reply did not fit in the backlog: after the reply, the connection is dropped. */
  private boolean behindBeforeReply;
  /**
   * Set from a join until the {@code onConnectBeforeFlush} listeners ran: the send buffer keeps its
   * emits (and takes new ones) until then. Holds the join's attempt number; 0 when not holding.
   */
  private int holdingFlushFor;
  /** Set on the callback thread while this socket's onConnectBeforeFlush listeners run. */
  private static final ThreadLocal<@Nullable RealSocket> IN_BEFORE_FLUSH = new ThreadLocal<>();
  /** The session to resume on the next join: its private id and the offset of the last event. */
  private @Nullable String pid;
  private @Nullable String lastOffset;

  RealSocket(RealManager manager, String namespace, SocketOptions options, ClientContext context,
      ServerProtocol protocol) {
    this.manager = manager;
    this.namespace = namespace;
    this.options = options;
    this.context = context;
    this.protocol = protocol;
    this.loop = manager.loop;
    this.delivery = new Delivery(context, manager, this, "callbacks of " + namespace);
    this.sendBuffer = new SendBuffer(options.sendBufferMaxPackets(), options.sendBufferMaxBytes(),
        options.overflowPolicy(), this::failEmit);
    this.acks = new AckTracker(loop, context.codec, new AckTracker.Host() {
      @Override public void requeue(Outgoing outgoing) {
        queue(outgoing);
      }

      @Override public void unbuffer(RealAckCall call) {
        sendBuffer.remove(call);
      }
    });
    this.history = new EventHistory(options.eventHistoryMaxEvents(), options.eventHistoryMaxBytes());
    ConnectionOptions connection = options.connection();
    this.authRetryBackoff = new Backoff(connection.reconnectionDelayMillis(), connection.reconnectionDelayMaxMillis(),
        connection.randomizationFactor(), context.random);
  }

  SocketOptions options() {
    return options;
  }

  @Override public String namespace() {
    return namespace;
  }

  @Override public Manager manager() {
    return manager;
  }

  @Override public @Nullable String id() {
    return status.id;
  }

  @Override public boolean isConnected() {
    return status.phase == Phase.CONNECTED;
  }

  @Override public boolean isActive() {
    return status.phase != Phase.IDLE;
  }

  @Override public ConnectionState state() {
    return status.state;
  }

  @Override public boolean recovered() {
    return status.recovered;
  }

  // ---- lifecycle (loop) --------------------------------------------------------------------------

  @Override public Socket connect() {
    loop.execute(() -> {
      connectWaiters.forgetFailure(); // awaitConnected after connect() must not see an older failure
      if (status.phase != Phase.IDLE || status.state == ConnectionState.CLOSED) return;
      transition(Phase.WAITING_FOR_CONNECTION, ConnectionState.CONNECTING, null);
      manager.requestConnect(this);
    });
    return this;
  }

  @Override public Socket disconnect() {
    loop.execute(() -> {
      if (status.phase == Phase.IDLE) return;
      boolean wasConnected = status.phase == Phase.CONNECTED;
      if (wasConnected) manager.leave(namespace);
      deactivate();
      pid = null; // no recovery after an explicit disconnect
      lastOffset = null;
      if (wasConnected) onDisconnected(DisconnectReason.IO_CLIENT_DISCONNECT);
      manager.onSocketInactive();
    });
    return this;
  }

  @Override public void close() {
    disconnect();
  }

  /** Loop: true when this socket waits for the connection to open so it can join. */
  boolean wantsConnection() {
    return status.phase == Phase.WAITING_FOR_CONNECTION;
  }

  /** Loop: the connection is open; join (after evaluating auth off the loop). */
  void join() {
    if (!wantsConnection()) return;
    transition(Phase.WAITING_FOR_REPLY, status.state, null);
    final int attempt = ++connectAttempt;
    connectTimer = loop.schedule(() -> onConnectTimeout(attempt), options.connectTimeoutMillis(), TimeUnit.MILLISECONDS);
    final AuthProvider provider = options.auth();
    if (provider == null) {
      sendJoin(null, attempt);
      return;
    }
    context.runAuth(() -> {
      final JsonObject auth;
      try {
        auth = encodeAuth(provider.auth());
      } catch (final Throwable t) {
        loop.execute(() -> {
          if (isCurrentJoin(attempt)) authFailed(new ConnectError("auth provider failed: " + t, null, t, noData()));
        });
        return;
      }
      loop.execute(() -> sendJoin(auth, attempt));
    });
  }

  /**
   * Loop: the auth provider threw. On a first connect, or with {@link AuthRefusedException}, the socket
   * stops; while reconnecting it is one failed attempt, and the socket joins again after the backoff.
   */
  private void authFailed(ConnectError error) {
    boolean transientFailure = status.state == ConnectionState.RECONNECTING
        && !(error.cause() instanceof AuthRefusedException)
        && authRetryBackoff.attempts() < options.connection().reconnectionAttempts();
    if (!transientFailure) {
      authRetryBackoff.reset();
      connectFailed(error);
      return;
    }
    connectAttempt++;
    connectTimer.cancel();
    transition(Phase.WAITING_FOR_CONNECTION, ConnectionState.RECONNECTING, null);
    delivery.deliverAll(listeners.connectError, error, "connect_error"); // still trying
    long delay = authRetryBackoff.nextDelayMillis();
    authRetryTimer = loop.schedule(() -> {
      if (manager.isConnectionOpen()) join(); // else the Manager's reconnection joins when it opens
    }, delay, TimeUnit.MILLISECONDS);
  }

  private boolean isCurrentJoin(int attempt) {
    return attempt == connectAttempt && status.phase == Phase.WAITING_FOR_REPLY;
  }

  private @Nullable JsonObject encodeAuth(@Nullable Object auth) {
    if (auth == null) return null;
    JsonElement json = context.codec.encode(null, new Object[] {auth}).json.get(0);
    if (json.isJsonNull()) return null;
    if (!json.isJsonObject()) {
      throw new IllegalArgumentException("auth must serialize to a JSON object, not " + PayloadCodec.describe(json));
    }
    return json.getAsJsonObject();
  }

  private void sendJoin(@Nullable JsonObject auth, int attempt) {
    if (!isCurrentJoin(attempt) || !manager.isConnectionOpen()) return; // a closed connection is handled by onConnectionClosed
    String sessionPid = pid;
    try {
      manager.join(namespace, auth, sessionPid == null ? null : new Connection.Recovery(sessionPid, lastOffset));
    } catch (TransportException e) {
      connectFailed(new ConnectError(e.getMessage() == null ? "connect failed" : e.getMessage(), null, e, noData()));
    }
  }

  private void onConnectTimeout(int attempt) {
    if (!isCurrentJoin(attempt)) return;
    connectFailed(new ConnectError("timeout: no reply to CONNECT within " + options.connectTimeoutMillis() + " ms",
        null, new AckTimeoutException("namespace connect timed out"), noData()));
  }

  private RealArgs noData() {
    return RealArgs.of(null, context.codec, "connect error data");
  }

  /** Loop: the namespace could not be joined; the socket stops trying. The error is heard before the state change. */
  private void connectFailed(ConnectError error) {
    connectWaiters.failed(error);
    deactivate(error);
    manager.onSocketInactive();
  }

  /** Loop: back to idle; acks of packets already sent can no longer be answered. */
  private void deactivate() {
    deactivate(null);
  }

  /** Loop: back to idle because of {@code reason}, which listeners hear before the state change. */
  private void deactivate(@Nullable ConnectError reason) {
    holdingFlushFor = 0;
    authRetryTimer.cancel();
    connectAttempt++;
    connectTimer.cancel();
    clearReceivedBeforeReply();
    ConnectionState next = status.state == ConnectionState.CLOSED ? ConnectionState.CLOSED : ConnectionState.DISCONNECTED;
    transition(Phase.IDLE, next, null, status.recovered, reason);
  }

  private void transition(Phase phase, ConnectionState state, @Nullable String id) {
    transition(phase, state, id, status.recovered, null);
  }

  /**
   * Loop: the one place the lifecycle changes. The new status is visible to every thread before any
   * listener hears of it; a connect error that causes the change is heard first, then the state.
   */
  private void transition(Phase phase, ConnectionState state, @Nullable String id, boolean recovered,
      @Nullable ConnectError reason) {
    Status previous = status;
    status = new Status(phase, state, id, recovered);
    if (reason != null) delivery.deliverAll(listeners.connectError, reason, "connect_error");
    if (previous.state != state) delivery.deliverAll(listeners.state, state, "stateChange");
  }

  /** Loop: the Manager closed for good. */
  void markClosed() {
    if (status.phase != Phase.IDLE) {
      boolean wasConnected = status.phase == Phase.CONNECTED;
      deactivate();
      if (wasConnected) onDisconnected(DisconnectReason.IO_CLIENT_DISCONNECT);
    }
    transition(Phase.IDLE, ConnectionState.CLOSED, null);
    connectWaiters.gaveUp("the socket is closed");
  }

  /** Loop: reconnection gave up; the socket stops trying. */
  void onReconnectFailed() {
    if (status.phase == Phase.IDLE) return;
    deactivate();
    connectWaiters.gaveUp("reconnection gave up");
    manager.onSocketInactive();
  }

  private void onDisconnected(DisconnectReason reason) {
    onDisconnected(reason, null);
  }

  /** Loop: acks of sent emits fail with {@code cause} when a transport failure ended the connection. */
  private void onDisconnected(DisconnectReason reason, @Nullable TransportException cause) {
    List<Outgoing> resend = acks.disconnected(reason, cause);
    sendBuffer.addFirst(resend); // ahead of later emits, in their original order
    delivery.execute(history::clear); // in turn with the events it holds
    delivery.deliverAll(listeners.disconnect, reason, "disconnect");
  }

  /** Loop: the shared connection closed (or could not open). */
  void onConnectionClosed(DisconnectReason reason, @Nullable TransportException cause, boolean willReconnect) {
    Phase phase = status.phase;
    if (phase == Phase.IDLE) return;
    if (!willReconnect) {
      if (phase == Phase.CONNECTED) {
        deactivate();
        onDisconnected(reason, cause);
      } else {
        connectFailed(transportConnectError(reason, cause));
      }
      return;
    }
    // Stay active: the Manager reconnects, and this socket joins again when it does.
    holdingFlushFor = 0;
    connectAttempt++;
    connectTimer.cancel();
    clearReceivedBeforeReply();
    transition(Phase.WAITING_FOR_CONNECTION, ConnectionState.RECONNECTING, null);
    if (phase == Phase.CONNECTED) {
      onDisconnected(reason, cause);
    } else {
      // Still trying: awaitConnected keeps waiting. The state (RECONNECTING) is heard before the error.
      delivery.deliverAll(listeners.connectError, transportConnectError(reason, cause), "connect_error");
    }
  }

  private ConnectError transportConnectError(DisconnectReason reason, @Nullable TransportException cause) {
    String message = cause != null && cause.getMessage() != null ? cause.getMessage() : reason.wireName();
    return new ConnectError(message, null, cause, noData());
  }

  // ---- incoming (loop) ---------------------------------------------------------------------------

  /** The server accepted the namespace. */
  void onJoined(@Nullable String id, @Nullable String newPid) {
    if (status.phase != Phase.WAITING_FOR_REPLY) {
      // A reply after our timeout or disconnect: the server now thinks we joined; leave again.
      if (status.phase == Phase.IDLE && manager.isConnectionOpen()) manager.leave(namespace);
      return;
    }
    connectTimer.cancel();
    authRetryBackoff.reset();
    boolean recovered = newPid != null && newPid.equals(pid);
    if (!recovered) lastOffset = null;
    pid = newPid;
    transition(Phase.CONNECTED, ConnectionState.CONNECTED, id, recovered, null);
    connectWaiters.connected();
    if (!listeners.connectBeforeFlush.isEmpty()) {
      final int attempt = connectAttempt;
      holdingFlushFor = attempt;
      delivery.execute(() -> {
        IN_BEFORE_FLUSH.set(this);
        try {
          ListenerRegistry.dispatch(listeners.connectBeforeFlush, null, "connectBeforeFlush", delivery);
        } finally {
          IN_BEFORE_FLUSH.remove();
        }
        loop.execute(() -> releaseFlush(attempt));
      });
    }
    delivery.deliverAll(listeners.connect, null, "connect");
    List<IncomingEvent> early = new ArrayList<>(receivedBeforeReply);
    boolean behind = behindBeforeReply;
    clearReceivedBeforeReply();
    for (IncomingEvent event : early) dispatch(event); // counted in the backlog already
    if (behind) {
      // Those that fit are delivered; recovery resumes after the last of them on the next connection.
      listenersBehind();
      return;
    }
    flushSendBuffer();
  }

  private void clearReceivedBeforeReply() {
    receivedBeforeReply.clear();
    receivedBeforeReplyBytes = 0;
    behindBeforeReply = false;
  }

  /** Loop: the onConnectBeforeFlush listeners of join {@code attempt} ran; the buffer may go. */
  private void releaseFlush(int attempt) {
    if (holdingFlushFor != attempt) return; // that session is over
    holdingFlushFor = 0;
    flushSendBuffer();
  }

  void onJoinRefused(String message, @Nullable JsonElement data) {
    if (status.phase != Phase.WAITING_FOR_REPLY) return;
    connectFailed(new ConnectError(message, data, null, RealArgs.of(data, context.codec, "connect error data")));
  }

  void onKicked() {
    if (status.phase != Phase.CONNECTED) return;
    deactivate();
    onDisconnected(DisconnectReason.IO_SERVER_DISCONNECT);
    manager.onSocketInactive();
  }

  void onEvent(IncomingEvent event) {
    Phase phase = status.phase;
    if (phase == Phase.CONNECTED) {
      if (fitsBacklog(event.wireBytes)) {
        dispatch(event);
      } else {
        listenersBehind(); // not delivered, and its offset not kept: recovery replays it
      }
    } else if (phase == Phase.WAITING_FOR_REPLY) {
      // e.g. events replayed by connection state recovery, which come before the CONNECT reply
      if (behindBeforeReply || !fitsBacklog(event.wireBytes)) {
        behindBeforeReply = true; // dropped: the ones kept are delivered after the reply, then we reconnect
        return;
      }
      receivedBeforeReply.add(event);
      receivedBeforeReplyBytes += event.wireBytes;
    }
  }

  /** Loop: the server closed the connection with a close frame; the disconnect it causes follows. */
  void onServerClose(ServerClose close) {
    if (status.phase == Phase.IDLE) return;
    delivery.deliverAll(listeners.serverClose, close, "serverClose");
  }

  /** Loop: whether one more event of {@code bytes} may wait for delivery. One always may when none waits. */
  private boolean fitsBacklog(long bytes) {
    int events = delivery.backlogEvents() + receivedBeforeReply.size();
    if (events == 0) return true;
    long waiting = delivery.backlogBytes() + receivedBeforeReplyBytes;
    return events < MAX_BACKLOG_EVENTS && waiting + bytes <= MAX_BACKLOG_BYTES;
  }

  /** Loop: the listeners fell too far behind; the Manager drops the connection, which reconnects. */
  private void listenersBehind() {
    long[] waiting = backlog();
    manager.listenersBehind(this, new TransportException(TransportException.Kind.LISTENERS_BEHIND, "listeners of "
        + namespace + " fell behind: " + waiting[0] + " events (" + waiting[1] + " bytes) waiting for delivery"));
  }

  /** Loop: events received and not yet delivered, and their bytes as received. */
  long[] backlog() {
    return new long[] {delivery.backlogEvents() + receivedBeforeReply.size(),
        delivery.backlogBytes() + receivedBeforeReplyBytes};
  }

  void onAck(long ackId, Payload args) {
    acks.acknowledged(ackId, args);
  }

  private void dispatch(IncomingEvent incoming) {
    if (incoming.offset != null) lastOffset = incoming.offset;
    final Long ackId = incoming.ackId;
    final String name = incoming.name;
    RealEvent.Acker acker = ackId == null ? null : values -> sendAck(name, ackId, values);
    final RealEvent event = new RealEvent(incoming.name, incoming.args, incoming.attachments, context.codec, acker);
    final long bytes = incoming.wireBytes;
    delivery.executeEvent(bytes, () -> {
      history.offer(event, bytes);
      ListenerRegistry.dispatch(listeners.listeners(event.name()), (Event) event, event.name(), delivery);
      ListenerRegistry.dispatch(listeners.any, (Event) event, event.name(), delivery);
    });
  }

  /** Any thread: answers a server-side ack request. */
  private void sendAck(final String event, final long ackId, Object[] values) {
    final Payload payload = context.codec.encode(null, values);
    protocol.checkAck(payload);
    toLoop(() -> {
      if (status.phase != Phase.CONNECTED) return; // the server forgot the request along with the session
      try {
        manager.ack(namespace, ackId, payload);
      } catch (TransportException e) {
        reportEmitError(new EmitError(event, args(payload, 0), true, e));
      }
    });
  }

  // ---- outgoing ----------------------------------------------------------------------------------

  @Override public Socket emit(String event, Object... args) {
    Outgoing outgoing = prepare(event, args, null);
    toLoop(() -> queue(outgoing));
    return this;
  }

  /**
   * Hands an emit to the loop. From a listener (a reply, the pattern of every bot) an idle loop runs
   * it right here: the listener's thread is Tether's, or one the application gave Tether, and the
   * loop's work is short and never blocks, so this saves a thread hand-off per reply. From any other
   * thread the emit is queued, so application threads never run connection code.
   */
  private void toLoop(Runnable task) {
    if (context.isDelivering()) {
      loop.executeHere(task);
    } else {
      loop.execute(task);
    }
  }

  @Override public AckCall emitWithAck(String event, Object... args) {
    final RealAckCall call = new RealAckCall(this, event, context.runtime.scheduler().nanoTime(), options.retries());
    final Outgoing outgoing = prepare(event, args, call);
    toLoop(() -> {
      if (call.isDone()) return; // cancelled before it was queued
      if (!acks.register(call, outgoing, options.retries(), options.ackTimeoutMillis())) return; // too many acks
      queue(outgoing);
    });
    return call;
  }

  @Override public Socket volatileEmit(String event, Object... args) {
    final Outgoing outgoing = prepare(event, args, null);
    toLoop(() -> {
      if (status.phase == Phase.CONNECTED && manager.isWritableNow()) {
        write(outgoing);
      } else {
        logger.log(Level.FINEST, "volatile emit of ''{0}'' dropped: not writable now", outgoing.event);
      }
    });
    return this;
  }

  private Outgoing prepare(String event, @Nullable Object[] args, @Nullable RealAckCall ack) {
    if (event == null) throw new NullPointerException("event == null");
    if (args == null) args = new Object[] {null};
    Payload payload = context.codec.encode(event, args);
    protocol.checkEmit(payload, ack != null);
    return new Outgoing(this, event, payload, ack, IN_BEFORE_FLUSH.get() == this);
  }

  /**
   * Loop: writes now when connected and the connection has room, else keeps it in the send buffer,
   * whose bounds and overflow policy therefore cover every unsent emit, connected or not.
   */
  private void queue(Outgoing outgoing) {
    boolean held = holdingFlushFor != 0 && !outgoing.beforeFlush;
    boolean behindOthers = !sendBuffer.isEmpty() && !outgoing.beforeFlush; // keeps the order
    if (status.phase == Phase.CONNECTED && !held && !behindOthers && manager.connectionHasRoom()) {
      write(outgoing);
    } else {
      sendBuffer.add(outgoing);
    }
  }

  /** Loop: writes buffered emits while connected and the connection has room (also on its {@code onWritable}). */
  void flushSendBuffer() {
    if (holdingFlushFor != 0) return; // onConnectBeforeFlush listeners first
    while (!sendBuffer.isEmpty() && status.phase == Phase.CONNECTED && manager.connectionHasRoom()) {
      write(sendBuffer.poll());
    }
  }

  /** Loop: the connection handed {@code outgoing} to its transport. */
  void onWritten(Outgoing outgoing) {
    leaveWindow(outgoing);
  }

  /**
   * Loop: a connection ended before handing these emits (oldest first) to its transport, so the
   * server never saw them. Plain emits go back to the head of the send buffer, to be sent after the
   * reconnection like any emit made offline; emits with an ack are the ack tracker's (it retries or
   * fails them when the disconnect is reported).
   */
  void onUnsent(List<Outgoing> unsent) {
    List<Outgoing> keep = new ArrayList<>(unsent.size());
    for (Outgoing outgoing : unsent) {
      leaveWindow(outgoing);
      if (outgoing.ack == null) keep.add(outgoing);
    }
    if (keep.isEmpty()) return;
    logger.log(Level.FINE, "{0}: {1} emits not written before the connection ended; buffered again",
        new Object[] {this, keep.size()});
    sendBuffer.addFirst(keep);
    flushSendBuffer();
  }

  private void enterWindow(Outgoing outgoing) {
    outgoing.inWindow = true;
    windowPackets++;
  }

  private void leaveWindow(Outgoing outgoing) {
    if (!outgoing.inWindow) return;
    outgoing.inWindow = false;
    windowPackets--;
    windowBytes -= outgoing.windowBytes;
    outgoing.windowBytes = 0;
  }

  private void write(Outgoing outgoing) {
    RealAckCall ack = outgoing.ack;
    Long ackId = null;
    if (ack != null) {
      ackId = acks.ackIdFor(ack);
      if (ackId == null) return; // answered, timed out or cancelled meanwhile
    }
    enterWindow(outgoing); // before the call: the connection may report it written from inside
    try {
      long queued = manager.emit(namespace, outgoing, ackId);
      if (outgoing.inWindow) {
        outgoing.windowBytes = queued;
        windowBytes += queued;
      }
    } catch (TransportException e) {
      leaveWindow(outgoing);
      failEmit(outgoing, e);
      return;
    }
    if (ack != null) acks.written(ack);
    if (!listeners.anyOutgoing.isEmpty()) {
      Payload payload = outgoing.payload;
      Event event = new RealEvent(outgoing.event, tail(payload, 1), payload.attachments, context.codec, null);
      delivery.deliverAll(listeners.anyOutgoing, event, outgoing.event);
    }
  }

  /** Loop: an emit could not be buffered or written: its ack fails, or the emit-error listeners hear of it. */
  private void failEmit(Outgoing outgoing, Exception error) {
    RealAckCall ack = outgoing.ack;
    if (ack != null) {
      acks.fail(ack, error);
    } else {
      reportEmitError(new EmitError(outgoing.event, args(outgoing.payload, 1), false, error));
    }
  }

  private void reportEmitError(EmitError error) {
    if (listeners.emitError.isEmpty()) {
      logger.log(Level.WARNING, "{0} on {1} was not sent (no onEmitError listener): {2}",
          new Object[] {error.isAckReply() ? "the ack of '" + error.event() + "'" : "emit of '" + error.event() + "'",
              this, error.cause()});
      return;
    }
    delivery.deliverAll(listeners.emitError, error, "emitError");
  }

  /** The arguments of {@code payload} from index {@code first} on (1 skips an emit's name). */
  private RealArgs args(Payload payload, int first) {
    return new RealArgs(tail(payload, first), payload.attachments, context.codec, "the arguments of an emit");
  }

  private static JsonArray tail(Payload payload, int first) {
    JsonArray args = new JsonArray(Math.max(0, payload.json.size() - first));
    for (int i = first; i < payload.json.size(); i++) args.add(payload.json.get(i));
    return args;
  }

  @Override public int bufferedPackets() {
    return sendBuffer.packets() + windowPackets;
  }

  @Override public long bufferedBytes() {
    return sendBuffer.bytes() + windowBytes;
  }

  @Override public void clearSendBuffer() {
    loop.execute(() -> {
      for (Outgoing outgoing : sendBuffer.clear()) {
        RealAckCall ack = outgoing.ack;
        if (ack != null) acks.fail(ack, new AckCancelledException("send buffer cleared"));
      }
    });
  }

  // ---- acks (any thread, posted to the loop) -----------------------------------------------------

  void setAckTimeout(final RealAckCall call, final long timeoutNanos) {
    loop.execute(() -> acks.setTimeout(call, timeoutNanos));
  }

  void setAckRetries(final RealAckCall call, final int retries) {
    loop.execute(() -> acks.setRetries(call, retries));
  }

  /** The call completed without an ack (cancel): stop tracking it. */
  void forgetAck(final RealAckCall call) {
    loop.execute(() -> acks.forget(call));
  }

  /** Runs one ack callback on this socket's callback executor, in turn with its listeners. */
  <T> void deliver(final Listener<T> listener, final T value, final String what) {
    delivery.deliver(listener, value, what);
  }

  // ---- blocking helpers --------------------------------------------------------------------------

  void checkMayBlock(String method) {
    manager.checkMayBlock(method);
  }

  @Override public void awaitConnected(long timeout, TimeUnit unit) throws InterruptedException {
    checkMayBlock("awaitConnected");
    if (status.state == ConnectionState.CLOSED) throw new TetherException("not connected: the socket is closed");
    final ConnectWaiters.Waiter waiter = new ConnectWaiters.Waiter();
    // Registered on the loop, behind the connect() and disconnect() calls made before this one.
    loop.execute(() -> connectWaiters.add(waiter, status.phase == Phase.CONNECTED, status.phase == Phase.IDLE));
    try {
      waiter.await(timeout, unit);
    } finally {
      loop.execute(() -> connectWaiters.remove(waiter));
    }
  }

  @Override public Event awaitEvent(String event, long timeout, TimeUnit unit) throws InterruptedException {
    checkEvent(event);
    checkMayBlock("awaitEvent");
    return history.await(event, timeout, unit);
  }

  /** Kept events and their bytes, for tests of the history's bound. */
  long[] historySize() {
    return history.size();
  }

  @Override public String toString() {
    return "Socket{" + manager.uri() + namespace + (isConnected() ? ", connected" : "") + "}";
  }
}
