package dev.tether.internal.engine;

import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import dev.tether.internal.http.ConnectionHttp;
import dev.tether.internal.http.HttpFailures;
import dev.tether.internal.http.IncomingLimitException;
import dev.tether.internal.http.IoFailures;
import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.util.Redact;
import dev.tether.internal.util.Utf8;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.Charset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * Engine.IO over one OkHttp WebSocket: one packet per frame, binary messages in binary frames.
 *
 * <p>Writes are real backpressure, not a fake drain: OkHttp queues frames and reports the queued
 * bytes; the transport stops being writable above {@link #HIGH_WATER} bytes and reports the drain
 * once the queue has fallen below it again. A server close (close frame or a dropped TCP connection)
 * is noticed at once, not at the next missed heartbeat.
 *
 * <p>Incoming messages are bounded by {@link EngineOptions#maxIncomingMessageBytes()} as their bytes
 * arrive, below OkHttp ({@link IncomingLimitSockets}); a larger one fails the transport with
 * {@code INCOMING_TOO_LARGE} and the server is sent close code 1009. Compression is not offered.
 *
 * <p>Every method is called on the connection's event loop; OkHttp's reader thread only decodes
 * frames and hands them over.
 */
final class WebSocketTransport implements Transport {
  private static final Logger logger = Logger.getLogger(WebSocketTransport.class.getName());
  /** Above this many queued bytes the transport reports itself busy. */
  static final long HIGH_WATER = 256 * 1024;
  /**
   * OkHttp closes a WebSocket whose outgoing queue would exceed 16 MiB. A frame may be sent while up
   * to {@link #HIGH_WATER} bytes are queued, so the largest frame leaves room for that (and a margin).
   */
  static final long MAX_FRAME = 16L * 1024 * 1024 - 2 * HIGH_WATER;
  private static final long DRAIN_CHECK_MILLIS = 2;
  private static final int CLOSE_NORMAL = 1000;
  static final int CLOSE_NO_STATUS = 1005;
  static final int CLOSE_TOO_BIG = 1009;

  private final EngineOptions options;
  private final EngineProtocol protocol;
  private final ConnectionHttp http;
  private final SerialExecutor loop;
  private final String redactedEndpoint;
  private Callback callback = Transport.IGNORE;
  private @Nullable String sid;
  private @Nullable WebSocket webSocket;
  private boolean opened;
  private boolean closed;
  private boolean drainPending;
  /** The server closed and OkHttp already queued our answering close frame: never cancel over it. */
  private boolean closeAnswered;
  /** We sent our close frame ({@link #closeGracefully}) and wait for the server's answer. */
  private boolean closing;
  private Cancellable drainCheck = Cancellable.NONE;

  /**
   * @param sid null to open a new session over WebSocket (the open packet arrives as the first
   *     frame), or the session to probe and upgrade.
   */
  WebSocketTransport(EngineOptions options, ConnectionHttp http, SerialExecutor loop, @Nullable String sid) {
    this.options = options;
    this.protocol = options.protocol();
    this.http = http;
    this.loop = loop;
    this.sid = sid;
    this.redactedEndpoint = Redact.url(options.endpoint());
  }

  @Override public String name() {
    return "websocket";
  }

  /** Routes later events elsewhere: a probe becomes the session's transport. */
  @Override public void setCallback(Callback callback) {
    this.callback = callback;
  }

  boolean isOpen() {
    return opened && !closed;
  }

  @Override public void open() {
    loop.checkInLoop();
    HttpUrl.Builder url = options.endpoint().newBuilder()
        .setQueryParameter("EIO", protocol.version())
        .setQueryParameter("transport", "websocket");
    if (sid != null) url.setQueryParameter("sid", sid);
    Request request = new Request.Builder().url(url.build()).headers(options.extraHeaders()).build();
    // After the upgrade OkHttp reads WebSocket frames without a timeout; the heartbeat watches them.
    // On sockets that bound each incoming message as it arrives (IncomingLimitSockets).
    webSocket = http.webSocketClient(options.handshakeTimeoutMillis()).newWebSocket(request, new Listener());
  }

  @Override public void attach(Handshake handshake) {
    sid = handshake.sid();
  }

  @Override public boolean isWritable() {
    WebSocket ws = webSocket;
    return opened && !closed && !closing && ws != null && !drainPending && ws.queueSize() < HIGH_WATER;
  }

  /** {@link #pause} holds nothing back on a WebSocket. */
  @Override public boolean isWritableUnlessPaused() {
    return isWritable();
  }

  @Override public long batchBudget(long maxPayload) {
    WebSocket ws = webSocket;
    return ws == null ? 0 : Math.max(0, HIGH_WATER - ws.queueSize());
  }

  @Override public long size(EnginePacket packet, boolean first) {
    return protocol.frameSize(packet);
  }

  @Override public long maxPacketSize(long maxPayload) {
    return Math.min(maxPayload, MAX_FRAME);
  }

  @Override public void send(List<EnginePacket> packets) {
    loop.checkInLoop();
    WebSocket ws = webSocket;
    if (ws == null || !opened || closed || closing) throw new IllegalStateException("websocket is not open");
    for (EnginePacket packet : packets) {
      boolean accepted = packet.isBinary()
          ? ws.send(protocol.encodeBinaryFrame(packet))
          : ws.send(protocol.encodeTextFrame(packet));
      if (!accepted) {
        // OkHttp refuses only when the socket is closing or its queue overflowed (and then closes it).
        fail(new TransportException(Kind.CONNECTION_LOST, "websocket to " + redactedEndpoint + " refused a frame"));
        return;
      }
    }
    scheduleDrainCheck();
  }

  /** Reports the drain once OkHttp's queue has really emptied below the high-water mark. */
  private void scheduleDrainCheck() {
    if (closed || drainPending) return;
    drainPending = true;
    checkDrain();
  }

  private void checkDrain() {
    if (closed) return;
    WebSocket ws = webSocket;
    if (ws != null && ws.queueSize() < HIGH_WATER) {
      drainPending = false;
      // Defer: the caller may still be in flush(), and onDrain flushes again.
      loop.execute(() -> {
        if (!closed && !drainPending) callback.onDrain();
      });
      return;
    }
    drainCheck = loop.schedule(this::checkDrain, DRAIN_CHECK_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override public void stopReceiving() {
    // Nothing to stop: frames arrive until the socket closes.
  }

  @Override public void pause(Runnable onPaused) {
    onPaused.run(); // nothing is held open waiting for an answer
  }

  @Override public void resume() {
  }

  /**
   * Sends the close frame after the frames already queued; {@link Callback#onClosed} follows once the
   * server answered it (or {@link Callback#onError}). Waiting for the answer matters: a Socket.IO server
   * stores a session for recovery only when it has seen the connection close, so a reconnection that
   * starts earlier may find nothing to recover. Returns false when no answer can come (the socket is
   * not open, or already closing for another reason): the caller finishes at once.
   */
  boolean closeGracefully() {
    if (closing) return true;
    WebSocket ws = webSocket;
    if (closed || closeAnswered || !opened || ws == null) return false;
    closing = true;
    drainCheck.cancel();
    return ws.close(CLOSE_NORMAL, null);
  }

  @Override public void close() {
    if (closed) return;
    closed = true;
    drainCheck.cancel();
    WebSocket ws = webSocket;
    if (ws != null && !closeAnswered && !ws.close(CLOSE_NORMAL, null)) ws.cancel();
  }

  private void fail(TransportException error) {
    if (closed) return;
    close();
    callback.onError(error);
  }

  /**
   * OkHttp's reader thread: decodes frames and hands them, and every failure, to the loop. Whatever a
   * method throws, or escapes OkHttp's reading in between, is reported as a transport failure
   * ({@link IoFailures}): the first failure wins and is posted with this listener itself as the task,
   * so no allocation is needed to report it.
   */
  private final class Listener extends WebSocketListener implements IoFailures.Reporter, Runnable {
    private final String what = "websocket to " + redactedEndpoint;
    private final AtomicReference<@Nullable TransportException> failure = new AtomicReference<>();

    @Override public String what() {
      return what;
    }

    @Override public void report(TransportException error) {
      if (failure.compareAndSet(null, error)) loop.executeHere(this);
    }

    /** On the loop: the first failure reported. */
    @Override public void run() {
      TransportException error = failure.get();
      if (error != null) fail(error);
    }

    @Override public void onOpen(WebSocket ws, Response response) {
      try {
        // This thread now reads frames inside OkHttp until the socket ends: an Error escaping OkHttp's
        // own reading (out of memory, say) must end this transport, not just the thread.
        IoFailures.watch(this);
        loop.executeHere(() -> {
          if (closed) return;
          opened = true;
          callback.onOpen();
        });
      } catch (Throwable t) {
        IoFailures.report(t, this);
      }
    }

    @Override public void onMessage(WebSocket ws, String text) {
      try {
        long max = options.maxIncomingMessageBytes();
        // A char is at least one UTF-8 byte and at most three: count the bytes only when it matters.
        if (text.length() > max || text.length() * 3L > max && Utf8.size(text) > max) {
          refuse(ws, Utf8.size(text));
          return;
        }
        EnginePacket packet;
        try {
          packet = protocol.decodeTextFrame(text);
        } catch (MalformedPacketException e) {
          report(new TransportException(Kind.PROTOCOL_ERROR,
              "invalid Engine.IO frame from " + redactedEndpoint + ": " + e.getMessage()));
          return;
        }
        deliver(packet);
      } catch (Throwable t) {
        IoFailures.report(t, this);
      }
    }

    @Override public void onMessage(WebSocket ws, ByteString bytes) {
      try {
        if (bytes.size() > options.maxIncomingMessageBytes()) {
          refuse(ws, bytes.size());
          return;
        }
        EnginePacket packet;
        try {
          packet = protocol.decodeBinaryFrame(bytes);
        } catch (MalformedPacketException e) {
          report(new TransportException(Kind.PROTOCOL_ERROR,
              "invalid Engine.IO binary frame from " + redactedEndpoint + ": " + e.getMessage()));
          return;
        }
        deliver(packet);
      } catch (Throwable t) {
        IoFailures.report(t, this);
      }
    }

    /**
     * A message over the limit that OkHttp has read already: only where the socket could not be
     * guarded as it arrived ({@code ws://} through a SOCKS proxy). Closes with 1009 like the guard.
     */
    private void refuse(WebSocket ws, long size) {
      ws.close(CLOSE_TOO_BIG, "message too big");
      report(HttpFailures.fromIOException(what, new IncomingLimitException("websocket message of " + size
          + " bytes exceeds maxIncomingMessageBytes (" + options.maxIncomingMessageBytes() + " bytes)")));
    }

    private void deliver(EnginePacket packet) {
      List<EnginePacket> packets = java.util.Collections.singletonList(packet);
      loop.executeHere(() -> {
        if (!closed) callback.onPackets(packets);
      });
    }

    @Override public void onClosing(WebSocket ws, int code, String reason) {
      try {
        ws.close(CLOSE_NORMAL, null);
        loop.executeHere(() -> {
          closeAnswered = true;
          if (closed) return;
          boolean answeringOurs = closing;
          close();
          if (answeringOurs) {
            callback.onClosed();
          } else if (code == CLOSE_TOO_BIG) {
            callback.onError(new TransportException(Kind.PAYLOAD_TOO_LARGE,
                "server closed the websocket: frame too large (1009)"));
          } else if (code == CLOSE_NORMAL || code == CLOSE_NO_STATUS || code == 1001) {
            callback.onClosed();
          } else {
            callback.onError(new TransportException(Kind.CONNECTION_LOST,
                "server closed the websocket with code " + code + (reason.isEmpty() ? "" : " (" + reason + ")")));
          }
        });
      } catch (Throwable t) {
        IoFailures.report(t, this);
      }
    }

    @Override public void onFailure(WebSocket ws, Throwable t, @Nullable Response response) {
      try {
        TransportException error = describe(t, response);
        logger.log(Level.FINE, "websocket to {0} failed: {1}", new Object[] {redactedEndpoint, error.getMessage()});
        report(error);
      } catch (Throwable thrown) {
        IoFailures.report(thrown, this);
      }
    }

    private TransportException describe(Throwable t, @Nullable Response response) {
      String what = (sid == null ? "websocket handshake" : "websocket") + " to " + redactedEndpoint;
      TransportException error = HttpFailures.fromWebSocketFailure(what, t, response);
      // engine.io refuses every WebSocket handshake with 400 and the reason as text.
      if (response != null && response.code() == 400 && error.serverMessage() != null) {
        String reason = error.serverMessage().trim();
        if (reason.equals("Session ID unknown")) {
          return new TransportException(Kind.SESSION_UNKNOWN, error.getMessage(), 400, reason, null);
        }
        if (reason.equals("Forbidden")) {
          return new TransportException(Kind.FORBIDDEN, error.getMessage(), 400, reason, null);
        }
      }
      return error;
    }
  }
}
