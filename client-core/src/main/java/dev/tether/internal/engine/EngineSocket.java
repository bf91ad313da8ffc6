package dev.tether.internal.engine;

import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.util.Redact;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * One Engine.IO session: handshake, heartbeat, the write buffer with {@code maxPayload} batching,
 * and close in both directions. Protocol-version details come from {@link EngineProtocol}; the
 * carrying of packets from a {@link Transport}.
 *
 * <p>Lifecycle: {@code NEW → OPENING → OPEN → CLOSING → CLOSED}. Exactly one terminal callback is
 * delivered: {@link Listener#onOpenFailed} if the handshake failed, otherwise {@link Listener#onClose}
 * (also when the application closes the socket before the handshake completed).
 *
 * <p>Not thread-safe: every method must be called on the connection's {@link SerialExecutor}, and
 * every listener method is invoked on it.
 */
public final class EngineSocket {
  private static final Logger logger = Logger.getLogger(EngineSocket.class.getName());

  /** Receives the session's events on the event loop. */
  public interface Listener {
    void onOpen(Handshake handshake);

    /** A message packet, text or binary. */
    void onMessage(EnginePacket message);

    /** The server's heartbeat arrived (and was answered): the session is alive. */
    void onPing();

    /** The handshake failed; the socket is closed. */
    void onOpenFailed(TransportException error);

    /** An open session ended. {@code cause} is set for transport errors. */
    void onClose(DisconnectReason reason, @Nullable TransportException cause);
  }

  public enum State { NEW, OPENING, OPEN, CLOSING, CLOSED }

  private final EngineOptions options;
  private final EngineProtocol protocol;
  private final SerialExecutor loop;
  private final HttpClientProvider clients;
  private final Listener listener;
  private final ArrayDeque<EnginePacket> writeBuffer = new ArrayDeque<>();
  private final Heartbeat heartbeat;
  private final String redactedEndpoint;

  private State state = State.NEW;
  private @Nullable Transport transport;
  private @Nullable Handshake handshake;
  private Cancellable handshakeTimer = Cancellable.NONE;
  private Cancellable closeTimer = Cancellable.NONE;
  private boolean closePacketQueued;

  public EngineSocket(EngineOptions options, SerialExecutor loop, HttpClientProvider clients, Listener listener) {
    this.options = options;
    this.protocol = options.protocol();
    this.loop = loop;
    this.clients = clients;
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

  /** Starts the handshake. */
  public void open() {
    loop.checkInLoop();
    if (state != State.NEW) throw new IllegalStateException("already " + state);
    state = State.OPENING;
    handshakeTimer = loop.schedule(this::onHandshakeTimeout, options.handshakeTimeoutMillis(),
        TimeUnit.MILLISECONDS);
    Transport polling = new PollingTransport(options, clients, loop, new TransportCallback());
    transport = polling;
    logger.log(Level.FINE, "opening {0} over {1}", new Object[] {redactedEndpoint, polling.name()});
    polling.open();
  }

  /**
   * Queues {@code packet} for the server and writes it as soon as the transport allows.
   *
   * @throws IllegalStateException if the session is not open.
   * @throws TransportException of kind {@code PAYLOAD_TOO_LARGE} if the packet alone exceeds the
   *     server's {@code maxPayload}; nothing is sent.
   */
  public void send(EnginePacket packet) throws TransportException {
    loop.checkInLoop();
    if (state != State.OPEN) throw new IllegalStateException("cannot send while " + state);
    Handshake open = handshake;
    if (open != null) {
      long size = protocol.framedSize(packet, true);
      if (size > open.maxPayload()) {
        throw new TransportException(TransportException.Kind.PAYLOAD_TOO_LARGE,
            "packet of " + size + " bytes exceeds the server's maxPayload of " + open.maxPayload() + " bytes");
      }
    }
    writeBuffer.add(packet);
    flush();
  }

  /** True when the session is open and its heartbeat deadline has not passed. */
  public boolean isAlive() {
    return state == State.OPEN && !heartbeat.isExpired();
  }

  /** Packets accepted by {@link #send} but not yet handed to the transport. */
  public int bufferedPackets() {
    return writeBuffer.size();
  }

  /**
   * Closes the session gracefully: packets already queued are written first, then the close packet;
   * the server is told, and {@link Listener#onClose} reports {@link DisconnectReason#IO_CLIENT_DISCONNECT}.
   * Idempotent.
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
        writeBuffer.add(EnginePacket.CLOSE);
        closePacketQueued = true;
        flush();
        return;
      default:
        // CLOSING or CLOSED: already on its way.
    }
  }

  private void flush() {
    Transport current = transport;
    Handshake open = handshake;
    if (current == null || open == null || writeBuffer.isEmpty() || !current.isWritable()) return;
    if (state != State.OPEN && state != State.CLOSING) return;
    List<EnginePacket> batch = new ArrayList<>();
    long size = 0;
    while (!writeBuffer.isEmpty()) {
      long packetSize = protocol.framedSize(writeBuffer.peek(), batch.isEmpty());
      if (!batch.isEmpty() && size + packetSize > open.maxPayload()) break;
      batch.add(writeBuffer.poll());
      size += packetSize;
    }
    if (closePacketQueued && writeBuffer.isEmpty()) current.stopReceiving();
    current.send(batch);
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
          finish(state == State.CLOSING ? DisconnectReason.IO_CLIENT_DISCONNECT : DisconnectReason.TRANSPORT_CLOSE,
              null);
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
    handshakeTimer.cancel();
    handshake = parsed;
    state = State.OPEN;
    Transport current = transport;
    if (current != null) current.attach(parsed);
    heartbeat.start(parsed);
    logger.log(Level.FINE, "open {0}: {1}", new Object[] {redactedEndpoint, parsed});
    listener.onOpen(parsed);
    flush();
    return state == State.OPEN;
  }

  private void onHandshakeTimeout() {
    if (state != State.OPENING) return;
    fail(new TransportException(TransportException.Kind.TIMEOUT,
        "no handshake from " + redactedEndpoint + " within " + options.handshakeTimeoutMillis() + " ms"));
  }

  private void fail(TransportException error) {
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
    writeBuffer.clear();
    Transport current = transport;
    if (current != null) current.close();
    if (previous == State.CLOSING) {
      // The application asked to close; whatever happened on the way is not its problem.
      reason = DisconnectReason.IO_CLIENT_DISCONNECT;
      error = null;
    }
    logger.log(Level.FINE, "closed {0}: {1}{2}",
        new Object[] {redactedEndpoint, reason, error == null ? "" : " (" + error.getMessage() + ")"});
    if (previous == State.OPENING && error != null) {
      listener.onOpenFailed(error);
    } else {
      listener.onClose(reason, error);
    }
  }

  private final class TransportCallback implements Transport.Callback {
    @Override public void onPackets(List<EnginePacket> packets) {
      EngineSocket.this.onPackets(packets);
    }

    @Override public void onDrain() {
      if (state == State.CLOSING && closePacketQueued && writeBuffer.isEmpty()) {
        finish(DisconnectReason.IO_CLIENT_DISCONNECT, null);
        return;
      }
      flush();
    }

    @Override public void onError(TransportException error) {
      fail(error);
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
