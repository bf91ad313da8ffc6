package dev.tether.internal.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.tether.AckCall;
import dev.tether.AckCancelledException;
import dev.tether.SendBufferOverflowException;
import dev.tether.AckTimeoutException;
import dev.tether.Args;
import dev.tether.AuthProvider;
import dev.tether.ConnectError;
import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.Event;
import dev.tether.Listener;
import dev.tether.Manager;
import dev.tether.Socket;
import dev.tether.SocketDisconnectedException;
import dev.tether.SocketOptions;
import dev.tether.Subscription;
import dev.tether.TetherException;
import dev.tether.TransportException;
import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.sio.SioPacket;
import dev.tether.internal.sio.SocketIoV5;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * One namespace. Its protocol state is owned by the Manager's event loop; the public methods post to
 * that loop, and listeners run on a serial executor over the Tether's callback executor.
 */
public final class RealSocket implements Socket {
  private static final Logger logger = Logger.getLogger(RealSocket.class.getName());
  /** Events kept for {@link #awaitEvent} since the last connect; the oldest go first. */
  static final int EVENT_HISTORY = 1024;
  /** socket.io-parser 4.2.6+ rejects packets with more binary attachments, on both sides. */
  static final int MAX_ATTACHMENTS = 10;

  private enum State { IDLE, WAITING_FOR_CONNECTION, WAITING_FOR_REPLY, CONNECTED }

  private final RealManager manager;
  private final String namespace;
  final SocketOptions options;
  private final ClientContext context;
  private final SerialExecutor loop;
  private final SerialExecutor delivery;
  private final ListenerRegistry listeners = new ListenerRegistry();

  // Owned by the loop.
  private State state = State.IDLE;
  private boolean active;
  private int connectAttempt;
  private Cancellable connectTimer = Cancellable.NONE;
  private long nextAckId;
  private final Map<Long, RealAckCall> sentAcks = new LinkedHashMap<>();
  private final Map<RealAckCall, Cancellable> ackTimers = new HashMap<>();
  private final ArrayDeque<Outgoing> sendBuffer = new ArrayDeque<>();
  private long sendBufferBytes;
  private volatile int bufferedPacketsSnapshot;
  private volatile long bufferedBytesSnapshot;
  private final List<SioPacket> receivedBeforeReply = new ArrayList<>();

  // Connection state recovery (socket.io 4.6+): the private session id and the last event offset.
  private @Nullable String pid;
  private @Nullable String lastOffset;
  private volatile boolean recovered;
  /** The connection was lost while joined (or could not open): the next join is a reconnection. */
  private boolean reconnecting;
  private volatile ConnectionState publicState = ConnectionState.DISCONNECTED;

  // Snapshots for other threads.
  private volatile @Nullable String id;
  private volatile boolean connected;
  private volatile boolean activeSnapshot;

  // awaitEvent/awaitConnected support; guarded by awaitLock.
  private final Object awaitLock = new Object();
  private final ArrayDeque<RealEvent> history = new ArrayDeque<>();
  private @Nullable ConnectError lastConnectError;

  /** An emit waiting to be written. */
  static final class Outgoing {
    final String event;
    final PayloadCodec.Encoded payload;
    final @Nullable RealAckCall ack;
    /** Serialized size, computed when the emit first waits in the buffer; -1 before. */
    long bytes = -1;

    Outgoing(String event, PayloadCodec.Encoded payload, @Nullable RealAckCall ack) {
      this.event = event;
      this.payload = payload;
      this.ack = ack;
    }
  }

  RealSocket(RealManager manager, String namespace, SocketOptions options, ClientContext context) {
    this.manager = manager;
    this.namespace = namespace;
    this.options = options;
    this.context = context;
    this.loop = manager.loop;
    this.delivery = new SerialExecutor(context.callbackExecutor, context.runtime.scheduler(),
        "callbacks of " + namespace);
  }

  @Override public String namespace() {
    return namespace;
  }

  @Override public Manager manager() {
    return manager;
  }

  @Override public @Nullable String id() {
    return id;
  }

  @Override public boolean isConnected() {
    return connected;
  }

  @Override public boolean isActive() {
    return activeSnapshot;
  }

  @Override public ConnectionState state() {
    return publicState;
  }

  @Override public Subscription onStateChange(Listener<ConnectionState> listener) {
    return ListenerRegistry.add(listeners.state, listener, false);
  }

  @Override public boolean recovered() {
    return recovered;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  @Override public Socket connect() {
    synchronized (awaitLock) {
      lastConnectError = null; // awaitConnected after connect() must not see an older failure
    }
    loop.execute(() -> {
      if (active || publicState == ConnectionState.CLOSED) return;
      active = true;
      activeSnapshot = true;
      reconnecting = false;
      state = State.WAITING_FOR_CONNECTION;
      setState(ConnectionState.CONNECTING);
      manager.requestConnect(this);
    });
    return this;
  }

  @Override public Socket disconnect() {
    synchronized (awaitLock) {
      // Not connected from now on: a connect() + awaitConnected() right after must wait for the new
      // session instead of seeing the old one before the loop ran this disconnect.
      connected = false;
      id = null;
    }
    loop.execute(() -> {
      if (!active && state == State.IDLE) return;
      boolean wasConnected = state == State.CONNECTED;
      if (wasConnected) {
        try {
          manager.send(SioPacket.disconnect(namespace));
        } catch (TransportException | RuntimeException e) {
          logger.log(Level.FINE, "could not send DISCONNECT for " + namespace, e);
        }
      }
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
    return active && state == State.WAITING_FOR_CONNECTION;
  }

  /** Loop: the connection is open; send the namespace CONNECT (after evaluating auth off the loop). */
  void sendConnect() {
    if (!wantsConnection()) return;
    state = State.WAITING_FOR_REPLY;
    final int attempt = ++connectAttempt;
    connectTimer = loop.schedule(() -> onConnectTimeout(attempt), options.connectTimeoutMillis(), TimeUnit.MILLISECONDS);
    final AuthProvider provider = options.auth();
    if (provider == null) {
      writeConnect(null, attempt);
      return;
    }
    context.runAuth(() -> {
      final JsonObject auth;
      try {
        auth = encodeAuth(provider.auth());
      } catch (final Throwable t) {
        loop.execute(() -> {
          if (attempt != connectAttempt || state != State.WAITING_FOR_REPLY) return;
          connectFailed(new ConnectError("auth provider failed: " + t, null, t, noData()));
        });
        return;
      }
      loop.execute(() -> writeConnect(auth, attempt));
    });
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

  private void writeConnect(@Nullable JsonObject auth, int attempt) {
    if (attempt != connectAttempt || state != State.WAITING_FOR_REPLY) return;
    if (!manager.isEngineOpen()) return; // the connection dropped meanwhile; onConnectionClosed handles it
    String sessionPid = pid;
    if (sessionPid != null) {
      // Ask the server to resume the session: pid and offset, merged with auth (auth keys win).
      JsonObject payload = new JsonObject();
      payload.addProperty("pid", sessionPid);
      if (lastOffset != null) payload.addProperty("offset", lastOffset);
      if (auth != null) {
        for (Map.Entry<String, JsonElement> entry : auth.entrySet()) payload.add(entry.getKey(), entry.getValue());
      }
      auth = payload;
    }
    try {
      manager.send(SioPacket.connect(namespace, auth));
    } catch (TransportException e) {
      connectFailed(new ConnectError(e.getMessage() == null ? "connect failed" : e.getMessage(), null, e, noData()));
    }
  }

  private void onConnectTimeout(int attempt) {
    if (attempt != connectAttempt || state != State.WAITING_FOR_REPLY) return;
    connectFailed(new ConnectError("timeout: no reply to CONNECT within " + options.connectTimeoutMillis() + " ms",
        null, new AckTimeoutException("namespace connect timed out"), noData()));
  }

  private Args noData() {
    return RealArgs.of(null, context.codec, "connect error data");
  }

  private void connectFailed(ConnectError error) {
    synchronized (awaitLock) {
      lastConnectError = error;
      awaitLock.notifyAll();
    }
    // The reason first, then the state change it causes: a listener of the state sees why. Already
    // inactive when the reason is heard.
    activeSnapshot = false;
    deliverAll(listeners.connectError, error, "connect_error");
    deactivate();
    manager.onSocketInactive();
  }

  /** Loop: back to idle and inactive; acks of packets already sent can no longer be answered. */
  private void deactivate() {
    state = State.IDLE;
    active = false;
    activeSnapshot = false;
    reconnecting = false;
    connectAttempt++;
    connectTimer.cancel();
    receivedBeforeReply.clear();
    if (publicState != ConnectionState.CLOSED) setState(ConnectionState.DISCONNECTED);
  }

  /** Loop: publishes a state change to listeners. */
  private void setState(ConnectionState next) {
    if (publicState == next) return;
    publicState = next;
    deliverAll(listeners.state, next, "stateChange");
  }

  /** Loop: the Manager closed for good. */
  void markClosed() {
    if (active || state != State.IDLE) {
      boolean wasConnected = state == State.CONNECTED;
      deactivate();
      if (wasConnected) onDisconnected(DisconnectReason.IO_CLIENT_DISCONNECT);
    }
    setState(ConnectionState.CLOSED);
  }

  /** Loop: reconnection gave up; the socket stops trying. */
  void onReconnectFailed() {
    if (!active) return;
    deactivate();
    manager.onSocketInactive();
  }

  private void onDisconnected(DisconnectReason reason) {
    id = null;
    connected = false;
    List<RealAckCall> sent = new ArrayList<>(new java.util.LinkedHashSet<>(sentAcks.values()));
    sentAcks.clear();
    List<Outgoing> resend = new ArrayList<>();
    for (RealAckCall call : sent) {
      cancelAckTimer(call);
      Outgoing outgoing = call.outgoing;
      if (call.retriesLeft > 0 && outgoing != null && !call.isDone()) {
        call.retriesLeft--; // at-least-once: it goes out again once the socket is back
        call.ackId = nextAckId++;
        resend.add(outgoing);
      } else {
        call.fail(new SocketDisconnectedException(reason));
      }
    }
    for (int i = resend.size() - 1; i >= 0; i--) {
      Outgoing outgoing = resend.get(i);
      outgoing.bytes = sizeOf(outgoing);
      sendBuffer.addFirst(outgoing); // ahead of later emits, in their original order
      sendBufferBytes += outgoing.bytes;
    }
    updateBufferSnapshot();
    deliverAll(listeners.disconnect, reason, "disconnect");
  }

  /** Loop: the shared connection closed (or could not open). */
  void onConnectionClosed(DisconnectReason reason, @Nullable TransportException cause, boolean willReconnect) {
    if (!active && state == State.IDLE) return;
    if (!willReconnect) {
      switch (state) {
        case CONNECTED:
          deactivate();
          onDisconnected(reason);
          break;
        case WAITING_FOR_CONNECTION:
        case WAITING_FOR_REPLY:
          connectFailed(transportConnectError(reason, cause));
          break;
        default:
      }
      return;
    }
    // Stay active: the Manager reconnects, and this socket joins again when it does.
    boolean wasConnected = state == State.CONNECTED;
    state = State.WAITING_FOR_CONNECTION;
    connectAttempt++;
    connectTimer.cancel();
    receivedBeforeReply.clear();
    reconnecting = true;
    setState(ConnectionState.RECONNECTING);
    if (wasConnected) {
      onDisconnected(reason);
    } else {
      ConnectError error = transportConnectError(reason, cause);
      synchronized (awaitLock) {
        lastConnectError = null; // still trying: awaitConnected keeps waiting
      }
      deliverAll(listeners.connectError, error, "connect_error");
    }
  }

  private ConnectError transportConnectError(DisconnectReason reason, @Nullable TransportException cause) {
    String message = cause != null && cause.getMessage() != null ? cause.getMessage() : reason.wireName();
    return new ConnectError(message, null, cause, noData());
  }

  // ---- incoming --------------------------------------------------------------------------------

  /** Loop: a packet for this namespace. */
  void onPacket(SioPacket packet) {
    switch (packet.type()) {
      case CONNECT:
        onConnectReply(packet.data());
        break;
      case CONNECT_ERROR:
        if (state == State.WAITING_FOR_REPLY) connectFailed(connectError(packet.data()));
        break;
      case DISCONNECT:
        if (state == State.CONNECTED) {
          deactivate();
          onDisconnected(DisconnectReason.IO_SERVER_DISCONNECT);
          manager.onSocketInactive();
        }
        break;
      case EVENT:
      case BINARY_EVENT:
        if (state == State.CONNECTED) {
          dispatchEvent(packet);
        } else if (state == State.WAITING_FOR_REPLY) {
          receivedBeforeReply.add(packet); // e.g. events replayed by connection state recovery
        }
        break;
      case ACK:
      case BINARY_ACK:
        Long ackId = packet.ackId();
        RealAckCall call = ackId == null ? null : sentAcks.remove(ackId);
        if (call != null) {
          for (Long attempt : call.attemptIds) sentAcks.remove(attempt);
          cancelAckTimer(call);
          JsonElement data = packet.data();
          call.succeed(new RealArgs(data != null && data.isJsonArray() ? data.getAsJsonArray() : new JsonArray(),
              packet.attachments(), context.codec, "the ack of event '" + call.event + "'"));
        }
        break;
      default:
    }
  }

  private void onConnectReply(@Nullable JsonElement data) {
    if (state != State.WAITING_FOR_REPLY) {
      // A reply after our timeout or disconnect: the server now thinks we joined; leave again.
      if (manager.isEngineOpen() && state == State.IDLE) {
        try {
          manager.send(SioPacket.disconnect(namespace));
        } catch (TransportException | RuntimeException ignored) {
          // the connection is going away anyway
        }
      }
      return;
    }
    JsonElement sid = data != null && data.isJsonObject() ? data.getAsJsonObject().get("sid") : null;
    if (sid == null || !sid.isJsonPrimitive() || !((JsonPrimitive) sid).isString()) {
      connectFailed(new ConnectError("the server's CONNECT reply has no sid: a socket.io 2.x server? "
          + "This client speaks Socket.IO v5 (socket.io 3.x and 4.x)", data, null, RealArgs.of(data, context.codec, "connect reply")));
      return;
    }
    connectTimer.cancel();
    JsonElement replyPid = data.getAsJsonObject().get("pid");
    String newPid = replyPid != null && replyPid.isJsonPrimitive() && ((JsonPrimitive) replyPid).isString()
        ? replyPid.getAsString() : null;
    recovered = newPid != null && newPid.equals(pid);
    if (!recovered) lastOffset = null;
    pid = newPid;
    reconnecting = false;
    state = State.CONNECTED;
    id = sid.getAsString();
    connected = true;
    setState(ConnectionState.CONNECTED);
    delivery.execute(() -> {
      synchronized (awaitLock) {
        history.clear();
        awaitLock.notifyAll();
      }
    });
    deliverAll(listeners.connect, null, "connect");
    List<SioPacket> early = new ArrayList<>(receivedBeforeReply);
    receivedBeforeReply.clear();
    for (SioPacket packet : early) dispatchEvent(packet);
    flushSendBuffer();
  }

  private ConnectError connectError(@Nullable JsonElement data) {
    String message = "connect error";
    JsonElement detail = null;
    if (data != null && data.isJsonObject()) {
      JsonObject object = data.getAsJsonObject();
      JsonElement text = object.get("message");
      if (text != null && text.isJsonPrimitive()) message = text.getAsString();
      detail = object.get("data");
    } else if (data != null && data.isJsonPrimitive()) {
      message = data.getAsString(); // the legacy string form
    }
    return new ConnectError(message, detail, null, RealArgs.of(detail, context.codec, "connect error data"));
  }

  private void dispatchEvent(SioPacket packet) {
    JsonElement data = packet.data();
    if (data == null || !data.isJsonArray() || data.getAsJsonArray().size() == 0) return;
    JsonArray array = data.getAsJsonArray();
    String name = array.get(0).getAsString();
    JsonArray args = new JsonArray(array.size() - 1);
    for (int i = 1; i < array.size(); i++) args.add(array.get(i));
    final Long ackId = packet.ackId();
    if (pid != null && ackId == null && args.size() > 0) {
      // With recovery on, the server appends the event's offset as a last string argument (left in
      // the arguments, as the reference client does); the latest one lets a reconnect resume here.
      JsonElement last = args.get(args.size() - 1);
      if (last.isJsonPrimitive() && ((JsonPrimitive) last).isString()) lastOffset = last.getAsString();
    }
    RealEvent.Acker acker = ackId == null ? null : values -> sendAck(ackId, values);
    final RealEvent event = new RealEvent(name, args, packet.attachments(), context.codec, acker);
    delivery.execute(() -> {
      synchronized (awaitLock) {
        if (history.size() == EVENT_HISTORY) history.removeFirst();
        history.add(event);
        awaitLock.notifyAll();
      }
      ListenerRegistry.dispatch(listeners.listeners(event.name()), (Event) event, event.name(), this::invokeNow);
      ListenerRegistry.dispatch(listeners.any, (Event) event, event.name(), this::invokeNow);
    });
  }

  /** Any thread: answers a server-side ack request. */
  private void sendAck(final long ackId, Object[] values) {
    final PayloadCodec.Encoded payload = context.codec.encode(null, values);
    if (payload.attachments.size() > MAX_ATTACHMENTS) {
      throw new IllegalArgumentException("at most " + MAX_ATTACHMENTS + " binary values per ack");
    }
    loop.execute(() -> {
      if (state != State.CONNECTED) return; // the server forgot the request along with the session
      try {
        manager.send(SioPacket.ack(namespace, ackId, payload.json, payload.attachments));
      } catch (TransportException e) {
        context.errorHandler.onListenerError(this, "ack", e);
      }
    });
  }

  // ---- outgoing --------------------------------------------------------------------------------

  @Override public Socket emit(String event, Object... args) {
    Outgoing outgoing = prepare(event, args, null);
    loop.execute(() -> queue(outgoing));
    return this;
  }

  @Override public AckCall emitWithAck(String event, Object... args) {
    final RealAckCall call = new RealAckCall(this, event, context.runtime.scheduler().nanoTime());
    final Outgoing outgoing = prepare(event, args, call);
    call.outgoing = outgoing;
    call.retriesLeft = options.retries();
    loop.execute(() -> {
      if (call.isDone()) return; // cancelled before it was queued
      call.ackId = nextAckId++;
      if (options.ackTimeoutMillis() > 0 && call.timeoutNanos == 0) {
        call.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(options.ackTimeoutMillis());
      }
      if (call.timeoutNanos > 0) armAckTimer(call);
      queue(outgoing);
    });
    return call;
  }

  @Override public Socket volatileEmit(String event, Object... args) {
    final Outgoing outgoing = prepare(event, args, null);
    loop.execute(() -> {
      if (state == State.CONNECTED && manager.isWritableNow()) {
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
    if (SocketIoV5.isReservedEventName(event)) {
      throw new IllegalArgumentException("'" + event + "' is a reserved event name");
    }
    PayloadCodec.Encoded payload = context.codec.encode(event, args);
    if (payload.attachments.size() > MAX_ATTACHMENTS) {
      throw new IllegalArgumentException("at most " + MAX_ATTACHMENTS + " binary values per emit (servers reject more), got "
          + payload.attachments.size());
    }
    return new Outgoing(event, payload, ack);
  }

  private void queue(Outgoing outgoing) {
    if (state == State.CONNECTED && manager.isEngineOpen()) {
      write(outgoing);
    } else {
      buffer(outgoing);
    }
  }

  /** Loop: keeps an emit until the socket connects, within the configured bounds. */
  private void buffer(Outgoing outgoing) {
    long bytes = sizeOf(outgoing);
    outgoing.bytes = bytes;
    int maxPackets = options.sendBufferMaxPackets();
    long maxBytes = options.sendBufferMaxBytes();
    if (maxPackets == 0 || bytes > maxBytes) {
      overflow(outgoing, "the send buffer cannot hold this emit (" + bytes + " bytes; limits " + maxPackets
          + " emits, " + maxBytes + " bytes)");
      return;
    }
    if (options.overflowPolicy() == dev.tether.OverflowPolicy.FAIL_NEWEST) {
      if (sendBuffer.size() + 1 > maxPackets || sendBufferBytes + bytes > maxBytes) {
        overflow(outgoing, "the send buffer is full (" + sendBuffer.size() + " emits, " + sendBufferBytes
            + " bytes; limits " + maxPackets + " emits, " + maxBytes + " bytes)");
        return;
      }
    } else {
      while (sendBuffer.size() + 1 > maxPackets || sendBufferBytes + bytes > maxBytes) {
        Outgoing oldest = sendBuffer.poll();
        sendBufferBytes -= oldest.bytes;
        overflow(oldest, "dropped from the full send buffer to make room for a newer emit");
      }
    }
    sendBuffer.add(outgoing);
    sendBufferBytes += bytes;
    updateBufferSnapshot();
  }

  private void overflow(Outgoing outgoing, String message) {
    SendBufferOverflowException error = new SendBufferOverflowException(
        "emit of '" + outgoing.event + "' failed: " + message);
    RealAckCall ack = outgoing.ack;
    if (ack != null) {
      cancelAckTimer(ack);
      ack.fail(error);
    } else {
      context.errorHandler.onListenerError(this, outgoing.event, error);
    }
  }

  /** JSON text length (UTF-8) plus binary bytes: what the buffer limits count. */
  private static long sizeOf(Outgoing outgoing) {
    long bytes = dev.tether.internal.util.Utf8.size(outgoing.payload.json.toString());
    for (byte[] attachment : outgoing.payload.attachments) bytes += attachment.length;
    return bytes;
  }

  private Outgoing takeBuffered() {
    Outgoing outgoing = sendBuffer.poll();
    sendBufferBytes -= outgoing.bytes;
    updateBufferSnapshot();
    return outgoing;
  }

  private void updateBufferSnapshot() {
    if (sendBuffer.isEmpty()) sendBufferBytes = 0;
    bufferedPacketsSnapshot = sendBuffer.size();
    bufferedBytesSnapshot = sendBufferBytes;
  }

  private void flushSendBuffer() {
    while (!sendBuffer.isEmpty() && state == State.CONNECTED) write(takeBuffered());
  }

  @Override public int bufferedPackets() {
    return bufferedPacketsSnapshot;
  }

  @Override public long bufferedBytes() {
    return bufferedBytesSnapshot;
  }

  @Override public void clearSendBuffer() {
    loop.execute(() -> {
      List<Outgoing> dropped = new ArrayList<>(sendBuffer);
      sendBuffer.clear();
      updateBufferSnapshot();
      for (Outgoing outgoing : dropped) {
        RealAckCall ack = outgoing.ack;
        if (ack != null) {
          cancelAckTimer(ack);
          ack.fail(new AckCancelledException("send buffer cleared"));
        }
      }
    });
  }

  private void write(Outgoing outgoing) {
    RealAckCall ack = outgoing.ack;
    if (ack != null && ack.isDone()) return;
    SioPacket packet = SioPacket.event(namespace, outgoing.payload.json, ack == null ? null : ack.ackId,
        outgoing.payload.attachments);
    try {
      manager.send(packet);
    } catch (TransportException e) {
      if (ack != null) {
        cancelAckTimer(ack);
        ack.fail(e);
      } else {
        context.errorHandler.onListenerError(this, outgoing.event, e);
      }
      return;
    }
    if (ack != null) {
      sentAcks.put(ack.ackId, ack);
      ack.attemptIds.add(ack.ackId);
      if (ack.timeoutNanos > 0 && !ackTimers.containsKey(ack)) {
        // re-sent after a disconnect: this attempt gets its full timeout from now
        ack.attemptStartNanos = context.runtime.scheduler().nanoTime();
        armAckTimer(ack);
      }
    }
    if (!listeners.anyOutgoing.isEmpty()) {
      JsonArray args = new JsonArray();
      JsonArray json = outgoing.payload.json;
      for (int i = 1; i < json.size(); i++) args.add(json.get(i));
      Event event = new RealEvent(outgoing.event, args, outgoing.payload.attachments, context.codec, null);
      deliverAll(listeners.anyOutgoing, event, outgoing.event);
    }
  }

  // ---- acks ------------------------------------------------------------------------------------

  /** Any thread. */
  void setAckTimeout(final RealAckCall call, final long timeoutNanos) {
    loop.execute(() -> {
      if (call.isDone()) return;
      call.timeoutNanos = timeoutNanos;
      armAckTimer(call);
    });
  }

  /** Loop: (re)arms the timeout of the current attempt, counted from when that attempt began. */
  private void armAckTimer(final RealAckCall call) {
    cancelAckTimer(call);
    long remaining = call.attemptStartNanos + call.timeoutNanos - context.runtime.scheduler().nanoTime();
    ackTimers.put(call, loop.schedule(() -> {
      ackTimers.remove(call);
      onAttemptTimedOut(call);
    }, Math.max(0, remaining), TimeUnit.NANOSECONDS));
  }

  private void onAttemptTimedOut(RealAckCall call) {
    if (call.isDone()) return;
    Outgoing outgoing = call.outgoing;
    if (call.retriesLeft > 0 && outgoing != null && sentAcks.get(call.ackId) != call) {
      // Still waiting in the send buffer: this attempt has not begun. It keeps its place and its
      // retries; its timeout starts when it is written.
      return;
    }
    if (call.retriesLeft > 0 && outgoing != null) {
      call.retriesLeft--;
      // A fresh id for the new attempt; an ack for an earlier attempt still completes the call.
      removeFromBuffer(call);
      call.ackId = nextAckId++;
      call.attemptStartNanos = context.runtime.scheduler().nanoTime();
      armAckTimer(call);
      queue(outgoing);
      return;
    }
    if (call.fail(new AckTimeoutException("operation has timed out"))) forgetOnLoop(call);
  }

  private void cancelAckTimer(RealAckCall call) {
    Cancellable timer = ackTimers.remove(call);
    if (timer != null) timer.cancel();
  }

  /** Any thread: the call completed without an ack (cancel): stop tracking it. */
  void forgetAck(final RealAckCall call) {
    loop.execute(() -> forgetOnLoop(call));
  }

  private void forgetOnLoop(RealAckCall call) {
    cancelAckTimer(call);
    for (Long attempt : call.attemptIds) sentAcks.remove(attempt);
    removeFromBuffer(call);
  }

  private void removeFromBuffer(RealAckCall call) {
    for (Iterator<Outgoing> i = sendBuffer.iterator(); i.hasNext(); ) {
      Outgoing outgoing = i.next();
      if (outgoing.ack == call) {
        i.remove();
        sendBufferBytes -= outgoing.bytes;
      }
    }
    updateBufferSnapshot();
  }

  // ---- listeners -------------------------------------------------------------------------------

  @Override public Subscription on(String event, Listener<Event> listener) {
    checkEvent(event);
    return listeners.on(event, listener, false);
  }

  @Override public <T> Subscription on(String event, Class<T> type, Listener<@Nullable T> listener) {
    return on(event, (Type) type, listener);
  }

  @Override public <T> Subscription on(String event, Type type, Listener<@Nullable T> listener) {
    checkEvent(event);
    return listeners.on(event, bound(type, listener), false);
  }

  @Override public Subscription once(String event, Listener<Event> listener) {
    checkEvent(event);
    return listeners.on(event, listener, true);
  }

  @Override public <T> Subscription once(String event, Class<T> type, Listener<@Nullable T> listener) {
    checkEvent(event);
    return listeners.on(event, bound(type, listener), true);
  }

  private static <T> Listener<Event> bound(final Type type, final Listener<@Nullable T> listener) {
    if (type == null) throw new NullPointerException("type == null");
    if (listener == null) throw new NullPointerException("listener == null");
    return event -> listener.on(event.<T>arg(0, type));
  }

  private static void checkEvent(String event) {
    if (event == null) throw new NullPointerException("event == null");
  }

  @Override public void off(String event) {
    checkEvent(event);
    listeners.off(event);
  }

  @Override public Subscription onAny(Listener<Event> listener) {
    return ListenerRegistry.add(listeners.any, listener, false);
  }

  @Override public Subscription onAnyOutgoing(Listener<Event> listener) {
    return ListenerRegistry.add(listeners.anyOutgoing, listener, false);
  }

  @Override public Subscription onConnect(final Runnable listener) {
    if (listener == null) throw new NullPointerException("listener == null");
    return ListenerRegistry.add(listeners.connect, ignored -> listener.run(), false);
  }

  @Override public Subscription onDisconnect(Listener<DisconnectReason> listener) {
    return ListenerRegistry.add(listeners.disconnect, listener, false);
  }

  @Override public Subscription onConnectError(Listener<ConnectError> listener) {
    return ListenerRegistry.add(listeners.connectError, listener, false);
  }

  private <T> void deliverAll(final List<ListenerRegistry.Entry<T>> list, final T value, final String what) {
    if (list.isEmpty()) return;
    delivery.execute(() -> ListenerRegistry.dispatch(list, value, what, this::invokeNow));
  }

  /** Runs one callback on this socket's callback executor. */
  <T> void deliver(final Listener<T> listener, final T value, final String what) {
    delivery.execute(() -> invokeNow(listener, value, what));
  }

  private <T> void invokeNow(Listener<T> listener, T value, String what) {
    context.enterDelivery();
    try {
      listener.on(value);
    } catch (Throwable t) {
      try {
        context.errorHandler.onListenerError(this, what, t);
      } catch (Throwable handlerFailure) {
        logger.log(Level.SEVERE, "listener error handler failed", handlerFailure);
      }
    } finally {
      context.exitDelivery();
    }
  }

  // ---- blocking helpers ------------------------------------------------------------------------

  void checkMayBlock(String method) {
    if (context.isDelivering() || loop.inLoop()) {
      throw new IllegalStateException(method + " would block a Tether callback or event-loop thread and "
          + "deadlock; use the asynchronous API there");
    }
  }

  @Override public void awaitConnected(long timeout, TimeUnit unit) throws InterruptedException {
    checkMayBlock("awaitConnected");
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (awaitLock) {
      while (!connected) {
        ConnectError error = lastConnectError;
        if (error != null) throw new TetherException("connect failed: " + error.message(), connectCause(error));
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new TetherException("not connected within " + timeout + " " + unit);
        TimeUnit.NANOSECONDS.timedWait(awaitLock, left);
      }
    }
  }

  private static Throwable connectCause(ConnectError error) {
    Throwable cause = error.cause();
    return cause != null ? cause : new TetherException(error.toString());
  }

  @Override public Event awaitEvent(String event, long timeout, TimeUnit unit) throws InterruptedException {
    checkEvent(event);
    checkMayBlock("awaitEvent");
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (awaitLock) {
      while (true) {
        for (Iterator<RealEvent> i = history.iterator(); i.hasNext(); ) {
          RealEvent candidate = i.next();
          if (candidate.name().equals(event)) {
            i.remove();
            return candidate;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new TetherException("no '" + event + "' event within " + timeout + " " + unit);
        TimeUnit.NANOSECONDS.timedWait(awaitLock, left);
      }
    }
  }

  @Override public String toString() {
    return "Socket{" + manager.uri() + namespace + (connected ? ", connected" : "") + "}";
  }
}
