package dev.tether.internal.ws;

import com.google.gson.JsonObject;
import dev.tether.DisconnectReason;
import dev.tether.Envelope;
import dev.tether.Envelope.Message;
import dev.tether.Frame;
import dev.tether.PlainWebSocket;
import dev.tether.ServerClose;
import dev.tether.Transport;
import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.util.Redact;
import dev.tether.internal.wire.Connection;
import dev.tether.internal.wire.Payload;
import dev.tether.internal.ws.PlainWebSocketServer.Endpoint;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.Request;
import okhttp3.WebSocket;
import org.jspecify.annotations.Nullable;

/**
 * One plain WebSocket: opens with the upgrade (no handshake of its own), answers the join of
 * {@code /} at once, frames emits and acks with the envelope, and reports what arrives. Liveness is
 * OkHttp's ping interval; a server close frame is reported with its code.
 *
 * <p>Lifecycle {@code NEW → OPENING → OPEN → CLOSED}. Every method runs on the Manager's event
 * loop; OkHttp's threads only hand frames and failures over to it ({@link WsListener}).
 */
final class PlainWebSocketConnection implements Connection {
  private static final Logger logger = Logger.getLogger(PlainWebSocketConnection.class.getName());
  /** How long our close may wait for the server's answer before the socket is cut. */
  static final long CLOSE_TIMEOUT_MILLIS = 5_000;
  private static final int CLOSE_NORMAL = 1000;

  private enum State { NEW, OPENING, OPEN, CLOSED }

  private final Endpoint endpoint;
  private final PlainWebSocket settings;
  private final Envelope envelope;
  private final SerialExecutor loop;
  /** OkHttp's client in production: the one thing that opens WebSockets. */
  private final WebSocket.Factory client;
  private final Listener listener;
  private final String redactedEndpoint;

  private State state = State.NEW;
  /** {@link #close()} was called: no callbacks but {@code onUnsent} and the close's own completion. */
  private boolean closedByUs;
  private @Nullable WebSocket ws;
  private @Nullable Outbox outbox;
  /** OkHttp refused a frame: the connection is going down (reported on the next turn). */
  private boolean failureScheduled;
  private Cancellable openTimer = Cancellable.NONE;
  private Cancellable closeTimer = Cancellable.NONE;
  private @Nullable Runnable whenClosed;

  PlainWebSocketConnection(Endpoint endpoint, WebSocket.Factory client, SerialExecutor loop, Listener listener) {
    this.endpoint = endpoint;
    this.settings = endpoint.settings;
    this.envelope = settings.envelope();
    this.loop = loop;
    this.client = client;
    this.listener = listener;
    this.redactedEndpoint = Redact.url(endpoint.url);
  }

  @Override public void open() {
    loop.checkInLoop();
    if (state != State.NEW) throw new IllegalStateException("already " + state);
    state = State.OPENING;
    openTimer = loop.schedule(() -> failOpening(new TransportException(Kind.TIMEOUT, "no websocket handshake from "
        + redactedEndpoint + " within " + endpoint.openTimeoutMillis + " ms")), endpoint.openTimeoutMillis,
        TimeUnit.MILLISECONDS);
    Request request = new Request.Builder().url(endpoint.url).headers(endpoint.headers).build();
    WebSocket socket = client.newWebSocket(request, new WsListener(this, loop, endpoint.url, endpoint.maxIncomingMessageBytes));
    ws = socket;
    outbox = new Outbox(socket, loop, endpoint.stallBudgetMillis(), listener, new Outbox.Host() {
      @Override public void onRefused() {
        // OkHttp refuses only while closing, or when its queue overflowed (and then it closes): we are
        // done. Reported on the next turn, not from inside the caller's emit.
        failureScheduled = true;
        loop.execute(() -> fail(DisconnectReason.TRANSPORT_ERROR, new TransportException(Kind.CONNECTION_LOST,
            "the websocket to " + redactedEndpoint + " refused a frame (closing, or 16 MiB queued)")));
      }

      @Override public void onStalled(long idleMillis, long queuedBytes) {
        fail(DisconnectReason.TRANSPORT_ERROR, new TransportException(Kind.TIMEOUT, "no write to " + redactedEndpoint
            + " completed for " + idleMillis + " ms (" + queuedBytes + " bytes waiting): the server is not taking data"));
      }
    });
  }

  @Override public boolean isOpen() {
    return state == State.OPEN && !closedByUs && !failureScheduled;
  }

  @Override public @Nullable Transport transport() {
    return isOpen() ? Transport.WEBSOCKET : null;
  }

  @Override public boolean isWritableNow() {
    Outbox current = outbox;
    return isOpen() && current != null && current.isIdle();
  }

  @Override public boolean hasRoom() {
    Outbox current = outbox;
    return isOpen() && current != null && current.hasRoom();
  }

  /** No join step: the one socket is in as soon as the WebSocket is open (answered on the next turn). */
  @Override public void join(String namespace, @Nullable JsonObject auth, @Nullable Recovery recovery)
      throws TransportException {
    if (!isOpen()) throw new TransportException(Kind.CONNECTION_LOST, "not connected to " + redactedEndpoint);
    loop.execute(() -> {
      if (isOpen()) listener.onJoined(namespace, null, null);
    });
  }

  /** Nothing to tell: the close that follows says it. */
  @Override public void leave(String namespace) {
  }

  @Override public long emit(String namespace, Payload payload, @Nullable Long ackId, Object tag)
      throws TransportException {
    String name = payload.json.get(0).getAsString();
    return send(envelope.encode(WireMessages.outgoing(name, ackId, payload)), tag);
  }

  @Override public void ack(String namespace, long ackId, Payload payload) throws TransportException {
    send(envelope.encode(WireMessages.outgoing(null, ackId, payload)), null);
  }

  /** Hands frames to OkHttp: written once it accepted them all, unsent if it refused one. */
  private long send(List<Frame> frames, @Nullable Object tag) throws TransportException {
    Outbox current = outbox;
    if (!isOpen() || current == null) {
      throw new TransportException(Kind.CONNECTION_LOST, "not connected to " + redactedEndpoint);
    }
    return current.send(frames, tag);
  }

  @Override public void close() {
    if (closedByUs) return;
    closedByUs = true;
    stopTimers();
    reportUnsent();
    WebSocket socket = ws;
    if (state != State.OPEN || socket == null) {
      if (socket != null) socket.cancel();
      closeFinished();
      return;
    }
    // A normal close, after the frames already queued; the server's answer (or our timeout) ends it.
    if (!socket.close(CLOSE_NORMAL, null)) {
      socket.cancel();
      closeFinished();
      return;
    }
    closeTimer = loop.schedule(() -> {
      socket.cancel();
      closeFinished();
    }, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override public void close(Runnable whenClosed) {
    this.whenClosed = whenClosed;
    close();
    if (state == State.CLOSED) closeFinished();
  }

  private void closeFinished() {
    state = State.CLOSED;
    closeTimer.cancel();
    Runnable then = whenClosed;
    whenClosed = null;
    if (then != null) then.run();
  }

  private void stopTimers() {
    openTimer.cancel();
    Outbox current = outbox;
    if (current != null) current.stop();
  }

  /** Emits OkHttp refused were never sent: their owners must hear of it before the close (or after ours). */
  private void reportUnsent() {
    Outbox current = outbox;
    if (current != null) current.reportUnsent();
  }

  // ---- what OkHttp reports, on the loop (see WsListener) --------------------------------------------

  void onOpen() {
    if (state != State.OPENING || closedByUs) return;
    state = State.OPEN;
    openTimer.cancel();
    Outbox current = outbox;
    if (current != null) current.start(envelope); // its opening frames go ahead of every emit
    listener.onOpen();
  }

  void onFrame(Frame frame) {
    if (!isOpen()) return;
    List<Message> messages;
    try {
      messages = envelope.decode(frame);
    } catch (RuntimeException e) {
      // Kind and size only: a frame's content may be a secret, and logs are not redacted by content.
      logger.log(Level.FINE, "{0}: {1} could not read a {2} frame of {3}: {4}", new Object[] {redactedEndpoint,
          envelope, frame.isText() ? "text" : "binary", frame.size(), e.toString()});
      messages = null;
    }
    if (messages == null) {
      listener.onEvent(WireMessages.unparsed(frame)); // not lost: the socket's UNPARSED listeners get it
      return;
    }
    long share = messages.isEmpty() ? 0 : frame.size() / messages.size();
    for (Message message : messages) {
      if (!isOpen()) return;
      Long ackId = message.ackId();
      if (message.isAck() && ackId != null) {
        listener.onAck(WireMessages.NAMESPACE, ackId, WireMessages.payload(message));
      } else {
        listener.onEvent(WireMessages.event(message, share));
      }
    }
  }

  /** The server's close frame (OkHttp already answered it). */
  void onServerClose(int code, String reason) {
    if (closedByUs || state != State.OPEN) return; // the answer to our own close, or too late
    ServerClose close = new ServerClose(code, reason);
    boolean reconnect = settings.reconnectsAfterClose(code);
    logger.log(Level.FINE, "{0}: server closed the websocket: {1}{2}",
        new Object[] {redactedEndpoint, close, reconnect ? "" : " (no reconnection)"});
    state = State.CLOSED;
    stopTimers();
    reportUnsent();
    listener.onServerClose(close);
    // A close frame is a clean close, whatever its code: no cause (the code and reason went just above).
    listener.onClosed(reconnect ? DisconnectReason.TRANSPORT_CLOSE : DisconnectReason.IO_SERVER_DISCONNECT, null);
  }

  /** OkHttp's close handshake finished, or the socket failed after our close: the close is done. */
  void onSocketClosed() {
    if (closedByUs) closeFinished();
  }

  void onFailure(TransportException error, boolean pingTimeout) {
    if (closedByUs) {
      closeFinished();
    } else if (state == State.OPENING) {
      failOpening(error);
    } else if (pingTimeout) {
      fail(DisconnectReason.PING_TIMEOUT, error);
    } else {
      fail(DisconnectReason.TRANSPORT_ERROR, error);
    }
  }

  private void failOpening(TransportException error) {
    if (state != State.OPENING || closedByUs) return;
    state = State.CLOSED;
    stopTimers();
    WebSocket socket = ws;
    if (socket != null) socket.cancel();
    reportUnsent();
    listener.onOpenFailed(error);
  }

  /** The single way out of an open connection that we did not close. */
  private void fail(DisconnectReason reason, TransportException error) {
    if (state != State.OPEN || closedByUs) return;
    logger.log(Level.FINE, "{0}: {1} ({2})", new Object[] {redactedEndpoint, reason, error.getMessage()});
    state = State.CLOSED;
    stopTimers();
    WebSocket socket = ws;
    if (socket != null) socket.cancel();
    reportUnsent();
    // A ping timeout is a reason, not an error (as for Socket.IO's heartbeat): no cause to report.
    listener.onClosed(reason, reason == DisconnectReason.PING_TIMEOUT ? null : error);
  }
}
