package dev.tether.internal.engine;

import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.internal.http.ConnectionHttp;
import dev.tether.internal.http.HttpClientProvider;
import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.util.Redact;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * One Engine.IO session: handshake, heartbeat, the write buffer with {@code maxPayload} batching,
 * the upgrade from long-polling to WebSocket, and close in both directions. Protocol-version details
 * come from {@link EngineProtocol}; the carrying of packets from a {@link Transport}.
 *
 * <p>Lifecycle: {@code NEW → OPENING → OPEN → CLOSING → CLOSED}. Exactly one terminal callback is
 * delivered: {@link Listener#onOpenFailed} if the handshake failed, otherwise {@link Listener#onClose}
 * (also when the application closes the socket before the handshake completed).
 *
 * <p>Upgrade (docs/protocol.md §8): once open on polling, a WebSocket probe is opened with the session
 * id and sends {@code 2probe}; on {@code 3probe} the write buffer is frozen, polling is paused (the
 * held GET comes back, its packets are processed), {@code 5} is sent on the WebSocket, which becomes
 * the transport, and the buffer is flushed over it. Packets are neither lost nor reordered. If the
 * probe fails or times out the session stays on polling and {@link Listener#onUpgradeFailed} says so.
 *
 * <p>Not thread-safe: every method must be called on the connection's {@link SerialExecutor}, and
 * every listener method is invoked on it.
 */
public final class EngineSocket {
  private static final Logger logger = Logger.getLogger(EngineSocket.class.getName());
  /** How much longer than the heartbeat budget a write may make no progress. */
  static final long STALL_GRACE_MILLIS = 1000;

  /** Receives the session's events on the event loop. */
  public interface Listener {
    void onOpen(Handshake handshake);

    /** A message packet, text or binary. */
    void onMessage(EnginePacket message);

    /** The server's heartbeat arrived (and was answered): the session is alive. */
    void onPing();

    /** The session now runs over {@code transport} (after an upgrade). */
    void onUpgrade(String transport);

    /** The WebSocket upgrade failed; the session carries on over polling. */
    void onUpgradeFailed(TransportException error);

    /** The handshake failed; the socket is closed. */
    void onOpenFailed(TransportException error);

    /** An open session ended. {@code cause} is set for transport errors. */
    void onClose(DisconnectReason reason, @Nullable TransportException cause);

    /** The units of these tags (see {@link #sendAll}) were handed to the transport, oldest first. */
    default void onWritten(List<Object> tags) {
    }

    /** {@link #hasRoom()} said no earlier; now there is room again. */
    default void onWritable() {
    }

    /**
     * The session is ending and the units of these tags were never handed to a transport, oldest first:
     * the server has not seen them. Reported just before {@link #onClose} or {@link #onOpenFailed}.
     */
    default void onUnsent(List<Object> tags) {
    }
  }

  public enum State { NEW, OPENING, OPEN, CLOSING, CLOSED }

  private final EngineOptions options;
  private final EngineProtocol protocol;
  private final SerialExecutor loop;
  private final ConnectionHttp http;
  private final TransportMemory memory;
  private final Listener listener;
  private final WriteQueue writeBuffer = new WriteQueue();
  private final Heartbeat heartbeat;
  private final String redactedEndpoint;

  private State state = State.NEW;
  private @Nullable Transport transport;
  private @Nullable Handshake handshake;
  private Cancellable handshakeTimer = Cancellable.NONE;
  private Cancellable closeTimer = Cancellable.NONE;
  private boolean closePacketQueued;
  private boolean closePacketSent;
  /** Opening on WebSocket only because an earlier upgrade worked: polling is the fallback. */
  private boolean rememberedWebSocket;

  private @Nullable WebSocketTransport probe;
  private Cancellable probeTimer = Cancellable.NONE;
  /** Between 3probe and the switch: nothing is flushed on any transport. */
  private boolean upgrading;
  /** Watches for writes that make no progress; armed while a write is outstanding. */
  private Cancellable stallTimer = Cancellable.NONE;
  private boolean stallTimerArmed;
  /** When a write last completed (or the watch began): the loop scheduler's nanoTime. */
  private long lastWriteProgressNanos;

  public EngineSocket(EngineOptions options, SerialExecutor loop, HttpClientProvider clients, Listener listener) {
    this(options, loop, clients, new TransportMemory(), listener);
  }

  public EngineSocket(EngineOptions options, SerialExecutor loop, HttpClientProvider clients,
      TransportMemory memory, Listener listener) {
    this.options = options;
    this.protocol = options.protocol();
    this.loop = loop;
    this.http = new ConnectionHttp(clients, options.crossOriginRedirects(), options.maxIncomingMessageBytes());
    this.memory = memory;
    this.listener = listener;
    this.redactedEndpoint = Redact.url(options.endpoint());
    this.heartbeat = protocol.newHeartbeat(new HeartbeatHost());
  }

  public State state() {
    return state;
  }

  /** The handshake of the open session, or null before it opened. */
  public @Nullable Handshake handshake() {
    return handshake;
  }

  /** {@code "polling"} or {@code "websocket"}: what carries the session now; null before open. */
  public @Nullable String transportName() {
    Transport current = transport;
    return current == null ? null : current.name();
  }

  /** Starts the handshake. */
  public void open() {
    loop.checkInLoop();
    if (state != State.NEW) throw new IllegalStateException("already " + state);
    state = State.OPENING;
    handshakeTimer = loop.schedule(this::onHandshakeTimeout, options.handshakeTimeoutMillis(),
        TimeUnit.MILLISECONDS);
    rememberedWebSocket = options.polling() && options.websocket() && options.rememberUpgrade()
        && memory.websocketWorked();
    startTransport(!options.polling() || rememberedWebSocket);
  }

  private void startTransport(boolean websocket) {
    Transport next;
    if (websocket) {
      next = new WebSocketTransport(options, http, loop, null);
    } else {
      next = new PollingTransport(options, http, loop);
    }
    next.setCallback(new MainCallback(next));
    transport = next;
    logger.log(Level.FINE, "opening {0} over {1}", new Object[] {redactedEndpoint, next.name()});
    next.open();
  }

  /**
   * Queues {@code packet} for the server and writes it as soon as the transport allows.
   *
   * @throws IllegalStateException if the session is not open.
   * @throws TransportException of kind {@code PAYLOAD_TOO_LARGE} if the packet alone exceeds what
   *     the server accepts in one request or frame ({@code maxPayload}); nothing is sent.
   */
  public void send(EnginePacket packet) throws TransportException {
    sendAll(Collections.singletonList(packet), null);
  }

  /**
   * Queues several packets as one unit (a Socket.IO packet and its binary attachments): either all
   * of them fit the server's limits and are queued, or none is. Queued packets are written even when
   * {@link #hasRoom()} is false; callers that can wait should ask it first.
   *
   * @param tag reported through {@link Listener#onWritten} once the unit is handed to a transport, or
   *     through {@link Listener#onUnsent} if the session ends before; null for none
   * @return the approximate bytes the unit adds to the queue (characters of text, bytes of binary)
   * @throws IllegalStateException if the session is not open.
   * @throws TransportException of kind {@code PAYLOAD_TOO_LARGE} if any packet is too large.
   */
  public long sendAll(List<EnginePacket> packets, @Nullable Object tag) throws TransportException {
    loop.checkInLoop();
    if (state != State.OPEN) throw new IllegalStateException("cannot send while " + state);
    Handshake open = handshake;
    Transport current = transport;
    if (open != null && current != null) {
      long max = current.maxPacketSize(open.maxPayload());
      for (EnginePacket packet : packets) {
        long size = current.size(packet, true);
        if (size > max) {
          throw new TransportException(TransportException.Kind.PAYLOAD_TOO_LARGE,
              "packet of " + size + " bytes exceeds the " + max + " bytes the server accepts (maxPayload)");
        }
      }
    }
    long bytes = writeBuffer.addUnit(packets, tag);
    flush();
    return bytes;
  }

  /**
   * Queues a goodbye packet (a namespace DISCONNECT): on polling it goes in a request of its own,
   * after the requests carrying the data queued before it have been answered, so the server has
   * handled that data before it hears the goodbye. On WebSocket every packet is a frame of its own
   * already; frames that reach the server in one read can still be handled together (best effort).
   */
  public void sendGoodbye(EnginePacket packet) {
    loop.checkInLoop();
    if (state != State.OPEN) throw new IllegalStateException("cannot send while " + state);
    writeBuffer.addGoodbye(packet);
    flush();
  }

  /**
   * True while the data waiting for the transport is within the write window: a caller with its own
   * bounded buffer keeps further data there while this is false, and {@link Listener#onWritable} says
   * when to try again. This is how one bound covers everything not yet written.
   */
  public boolean hasRoom() {
    return writeBuffer.hasRoom();
  }

  /** The approximate bytes accepted by {@link #sendAll} but not yet handed to the transport. */
  public long bufferedBytes() {
    return writeBuffer.bytes();
  }

  /** True when the session is open and its heartbeat deadline has not passed. */
  public boolean isAlive() {
    return state == State.OPEN && !heartbeat.isExpired();
  }

  /**
   * True when a volatile packet may be sent now rather than dropped: the session is open and alive and
   * its transport is writable, i.e. has no write in flight (no polling POST; a WebSocket whose queue is
   * below its high-water mark). This is the rule of the JavaScript client, whose {@code volatile} flag
   * checks only {@code transport.writable}.
   *
   * <p>An upgrade in progress does not make the transport busy: while polling is paused for the switch,
   * with no POST in flight, a packet waits in the write buffer and is flushed right after the switch,
   * over the WebSocket (or over polling again if the upgrade is abandoned), like every packet sent then.
   * Only a POST still in flight when the pause began makes polling busy, as it does at any other time.
   */
  public boolean isWritableNow() {
    Transport current = transport;
    return isAlive() && current != null && current.isWritableUnlessPaused();
  }

  /** Packets accepted by {@link #send} but not yet handed to the transport. */
  public int bufferedPackets() {
    return writeBuffer.size();
  }

  /**
   * Closes the session gracefully: packets already queued are written first; on polling the close
   * packet follows, on WebSocket the socket is closed after them. {@link Listener#onClose} reports
   * {@link DisconnectReason#IO_CLIENT_DISCONNECT}. Idempotent.
   */
  public void close() {
    loop.checkInLoop();
    switch (state) {
      case NEW:
      case OPENING:
        finish(DisconnectReason.IO_CLIENT_DISCONNECT, null);
        return;
      case OPEN:
        state = State.CLOSING;
        closeTimer = loop.schedule(() -> finish(DisconnectReason.IO_CLIENT_DISCONNECT, null),
            options.closeTimeoutMillis(), TimeUnit.MILLISECONDS);
        abandonProbe();
        if (transport instanceof PollingTransport) {
          writeBuffer.addGoodbye(EnginePacket.CLOSE);
          closePacketQueued = true;
        }
        flush();
        maybeFinishClose();
        return;
      default:
        // CLOSING or CLOSED: already on its way.
    }
  }

  /**
   * Polling finishes once the close POST was answered. A WebSocket sends its close frame after the
   * frames queued before it and finishes when the server answered the close ({@link
   * MainCallback#onClosed}), so the server has handled the close before anything reconnects.
   */
  private void maybeFinishClose() {
    if (state != State.CLOSING || !writeBuffer.isEmpty()) return;
    if (transport instanceof WebSocketTransport) {
      if (!((WebSocketTransport) transport).closeGracefully()) finish(DisconnectReason.IO_CLIENT_DISCONNECT, null);
    } else if (closePacketQueued && closePacketSent) {
      finish(DisconnectReason.IO_CLIENT_DISCONNECT, null);
    }
  }

  private void flush() {
    Handshake open = handshake;
    if (open == null || upgrading) return;
    while (!writeBuffer.isEmpty() && (state == State.OPEN || state == State.CLOSING)) {
      Transport current = transport;
      if (current == null || !current.isWritable()) return;
      long budget = current.batchBudget(open.maxPayload());
      List<EnginePacket> batch = new ArrayList<>();
      List<Object> written = null;
      long size = 0;
      while (!writeBuffer.isEmpty()) {
        long packetSize = current.size(writeBuffer.peek(), batch.isEmpty());
        if (!batch.isEmpty() && (size + packetSize > budget || writeBuffer.goodbyeNext())) break;
        written = writeBuffer.poll(batch, written);
        size += packetSize;
      }
      if (closePacketQueued && writeBuffer.isEmpty()) current.stopReceiving();
      if (written != null) listener.onWritten(written); // handed over now, even if the transport fails below
      current.send(batch);
      watchWrites(open);
    }
  }

  /** Loop: room for the layer above again? Called whenever the queue may have shrunk. */
  private void maybeWritable() {
    if (state == State.OPEN && writeBuffer.roomRegained()) listener.onWritable();
  }

  /**
   * Arms the stall watch while a write is outstanding. A write that makes no progress for the
   * server's own heartbeat budget (ping interval plus ping timeout) means the server is not taking
   * data: by then it would have given up on us too, since our heartbeat answers wait behind it. The
   * watch allows {@link #STALL_GRACE_MILLIS} more, so a server that went silent altogether is
   * reported as the ping timeout it is.
   */
  private void watchWrites(Handshake open) {
    if (stallTimerArmed) return;
    stallTimerArmed = true;
    lastWriteProgressNanos = loop.scheduler().nanoTime();
    long budget = open.pingIntervalMillis() + open.pingTimeoutMillis() + STALL_GRACE_MILLIS;
    stallTimer = loop.schedule(() -> checkStall(open, budget), budget, TimeUnit.MILLISECONDS);
  }

  private void checkStall(Handshake open, long budgetMillis) {
    stallTimerArmed = false;
    if (state != State.OPEN && state != State.CLOSING) return;
    Transport current = transport;
    boolean outstanding = current != null && (!writeBuffer.isEmpty() || !current.isWritableUnlessPaused());
    if (!outstanding) return; // idle: the next write arms the watch again
    long idleMillis = TimeUnit.NANOSECONDS.toMillis(loop.scheduler().nanoTime() - lastWriteProgressNanos);
    if (idleMillis < budgetMillis) {
      stallTimerArmed = true;
      stallTimer = loop.schedule(() -> checkStall(open, budgetMillis), budgetMillis - idleMillis, TimeUnit.MILLISECONDS);
      return;
    }
    fail(new TransportException(TransportException.Kind.TIMEOUT, "no write to " + redactedEndpoint
        + " completed for " + idleMillis + " ms (" + current.name() + ", " + writeBuffer.bytes()
        + " more bytes waiting): the server is not taking data"));
  }

  private void onPackets(List<EnginePacket> packets) {
    for (EnginePacket packet : packets) {
      if (state == State.CLOSED) return;
      if (state == State.OPENING) {
        if (!onOpenPacket(packet)) return;
        continue;
      }
      switch (packet.type()) {
        case MESSAGE:
          listener.onMessage(packet);
          break;
        case PING:
          heartbeat.onPing(packet);
          listener.onPing();
          break;
        case PONG:
          heartbeat.onPong(packet);
          break;
        case CLOSE:
          finish(DisconnectReason.TRANSPORT_CLOSE, null);
          return;
        case NOOP:
          break;
        default: // OPEN or UPGRADE from the server
          fail(new TransportException(TransportException.Kind.PROTOCOL_ERROR,
              "unexpected " + packet.type() + " packet from " + redactedEndpoint));
          return;
      }
    }
  }

  private boolean onOpenPacket(EnginePacket packet) {
    Handshake parsed;
    try {
      parsed = protocol.decodeHandshake(packet);
    } catch (MalformedPacketException e) {
      fail(new TransportException(TransportException.Kind.PROTOCOL_ERROR,
          "invalid handshake from " + redactedEndpoint + ": " + e.getMessage()));
      return false;
    }
    if (parsed.maxPayload() == Long.MAX_VALUE && options.assumedMaxPayload() != Long.MAX_VALUE) {
      // The server announced no limit (socket.io 2.x): assume its default, or what the application said.
      parsed = new Handshake(parsed.sid(), parsed.upgrades(), parsed.pingIntervalMillis(), parsed.pingTimeoutMillis(),
          options.assumedMaxPayload());
    }
    Transport current = transport;
    if (current != null) current.attach(parsed);
    handshakeTimer.cancel();
    handshake = parsed;
    state = State.OPEN;
    heartbeat.start(parsed);
    logger.log(Level.FINE, "open {0} over {1}: {2}",
        new Object[] {redactedEndpoint, current == null ? null : current.name(), parsed});
    listener.onOpen(parsed);
    if (state != State.OPEN) return false;
    if (current instanceof PollingTransport && options.websocket() && options.upgrade()
        && parsed.upgrades().contains("websocket")) {
      startProbe(parsed);
    }
    flush();
    return state == State.OPEN;
  }

  private void startProbe(Handshake open) {
    WebSocketTransport ws = new WebSocketTransport(options, http, loop, open.sid());
    ws.setCallback(new ProbeCallback(ws));
    probe = ws;
    probeTimer = loop.schedule(() -> probeFailed(ws, new TransportException(TransportException.Kind.TIMEOUT,
        "websocket upgrade to " + redactedEndpoint + " took longer than " + options.upgradeTimeoutMillis() + " ms")),
        options.upgradeTimeoutMillis(), TimeUnit.MILLISECONDS);
    logger.log(Level.FINE, "probing websocket upgrade of {0}", redactedEndpoint);
    ws.open();
  }

  private void probeSucceeded(WebSocketTransport ws) {
    if (ws != probe || state != State.OPEN) return;
    upgrading = true;
    Transport current = transport;
    if (current != null) current.pause(() -> completeUpgrade(ws));
  }

  private void completeUpgrade(WebSocketTransport ws) {
    if (ws != probe || (state != State.OPEN && state != State.CLOSING)) return;
    probe = null;
    probeTimer.cancel();
    Transport old = transport;
    Handshake open = handshake;
    if (open != null) ws.attach(open);
    ws.setCallback(new MainCallback(ws));
    transport = ws;
    if (old != null) old.close(); // never poll again with this sid
    ws.send(Collections.singletonList(EnginePacket.UPGRADE));
    upgrading = false;
    memory.websocketWorked(true);
    logger.log(Level.FINE, "upgraded {0} to websocket", redactedEndpoint);
    listener.onUpgrade(ws.name());
    flush();
    maybeFinishClose();
    maybeWritable();
  }

  private void probeFailed(WebSocketTransport ws, TransportException error) {
    if (ws != probe) return;
    abandonProbe();
    memory.websocketWorked(false);
    logger.log(Level.INFO, "websocket upgrade of {0} failed, staying on polling: {1}",
        new Object[] {redactedEndpoint, error.getMessage()});
    listener.onUpgradeFailed(error);
    flush();
    maybeWritable();
  }

  /** Drops a probe in progress and, if polling was paused for it, resumes polling. */
  private void abandonProbe() {
    WebSocketTransport ws = probe;
    if (ws == null) return;
    probe = null;
    probeTimer.cancel();
    ws.close();
    if (upgrading) {
      upgrading = false;
      Transport current = transport;
      if (current != null) current.resume();
    }
  }

  private void onHandshakeTimeout() {
    if (state != State.OPENING) return;
    fail(new TransportException(TransportException.Kind.TIMEOUT,
        "no handshake from " + redactedEndpoint + " within " + options.handshakeTimeoutMillis() + " ms"));
  }

  private void fail(TransportException error) {
    if (state == State.OPENING && rememberedWebSocket && handshake == null) {
      // The WebSocket that worked last time does not now (a proxy, a changed network): poll instead.
      rememberedWebSocket = false;
      memory.websocketWorked(false);
      Transport failed = transport;
      if (failed != null) failed.close();
      logger.log(Level.FINE, "remembered websocket failed for {0}; falling back to polling: {1}",
          new Object[] {redactedEndpoint, error.getMessage()});
      startTransport(false);
      return;
    }
    finish(DisconnectReason.TRANSPORT_ERROR, error);
  }

  /** The single way out: releases everything, then tells the listener exactly once. */
  private void finish(DisconnectReason reason, @Nullable TransportException error) {
    if (state == State.CLOSED) return;
    State previous = state;
    state = State.CLOSED;
    handshakeTimer.cancel();
    closeTimer.cancel();
    heartbeat.stop();
    stallTimer.cancel();
    List<Object> unsent = writeBuffer.clear();
    abandonProbe();
    Transport current = transport;
    if (current != null) current.close();
    if (previous == State.CLOSING) {
      // The application asked to close; whatever happened on the way is not its problem.
      reason = DisconnectReason.IO_CLIENT_DISCONNECT;
      error = null;
    }
    logger.log(Level.FINE, "closed {0}: {1}{2}",
        new Object[] {redactedEndpoint, reason, error == null ? "" : " (" + error.getMessage() + ")"});
    if (!unsent.isEmpty()) listener.onUnsent(unsent);
    if (previous == State.OPENING && error != null) {
      listener.onOpenFailed(error);
    } else {
      listener.onClose(reason, error);
    }
  }

  /** Events of the session's current transport; events of a replaced transport are ignored. */
  private final class MainCallback implements Transport.Callback {
    private final Transport owner;

    MainCallback(Transport owner) {
      this.owner = owner;
    }

    private boolean current() {
      return transport == owner && state != State.CLOSED;
    }

    @Override public void onOpen() {
    }

    @Override public void onPackets(List<EnginePacket> packets) {
      if (current()) EngineSocket.this.onPackets(packets);
    }

    @Override public void onDrain() {
      if (!current()) return;
      lastWriteProgressNanos = loop.scheduler().nanoTime();
      if (state == State.CLOSING && closePacketQueued && writeBuffer.isEmpty()) closePacketSent = true;
      flush();
      maybeFinishClose();
      maybeWritable();
    }

    @Override public void onError(TransportException error) {
      if (current()) fail(error);
    }

    @Override public void onClosed() {
      if (!current()) return;
      if (state == State.OPENING) {
        fail(new TransportException(TransportException.Kind.CONNECTION_LOST,
            "server closed the " + owner.name() + " before the handshake"));
      } else {
        finish(DisconnectReason.TRANSPORT_CLOSE, null);
      }
    }
  }

  /** Events of the WebSocket probe: expects exactly {@code 3probe}, then waits to be promoted. */
  private final class ProbeCallback implements Transport.Callback {
    private final WebSocketTransport owner;
    private boolean answered;

    ProbeCallback(WebSocketTransport owner) {
      this.owner = owner;
    }

    @Override public void onOpen() {
      if (owner != probe) return;
      owner.send(Collections.singletonList(EnginePacket.of(EnginePacket.Type.PING, "probe")));
    }

    @Override public void onPackets(List<EnginePacket> packets) {
      if (owner != probe) return;
      EnginePacket packet = packets.get(0);
      if (!answered && packet.type() == EnginePacket.Type.PONG && "probe".equals(packet.text())) {
        answered = true;
        probeSucceeded(owner);
      } else {
        probeFailed(owner, new TransportException(TransportException.Kind.PROTOCOL_ERROR,
            "unexpected " + packet + " on the websocket probe"));
      }
    }

    @Override public void onDrain() {
    }

    @Override public void onError(TransportException error) {
      probeFailed(owner, error);
    }

    @Override public void onClosed() {
      probeFailed(owner, new TransportException(TransportException.Kind.CONNECTION_LOST,
          "server closed the websocket probe"));
    }
  }

  private final class HeartbeatHost implements Heartbeat.Host {
    @Override public Cancellable schedule(Runnable task, long delayMillis) {
      return loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override public long nanoTime() {
      return loop.scheduler().nanoTime();
    }

    @Override public void send(EnginePacket packet) {
      if (state != State.OPEN && state != State.CLOSING) return;
      if (closePacketQueued) return; // nothing may follow the close packet
      // Ahead of queued data: a pong stuck behind a large backlog would let the server time us out.
      writeBuffer.addFirst(packet);
      flush();
    }

    @Override public void onHeartbeatTimeout() {
      if (state == State.OPEN || state == State.CLOSING) finish(DisconnectReason.PING_TIMEOUT, null);
    }
  }
}
