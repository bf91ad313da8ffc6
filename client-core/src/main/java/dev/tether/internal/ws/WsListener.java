package dev.tether.internal.ws;

import dev.tether.Frame;
import dev.tether.TransportException;
import dev.tether.internal.http.HttpFailures;
import dev.tether.internal.http.IncomingLimitException;
import dev.tether.internal.http.IoFailures;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.util.Redact;
import dev.tether.internal.util.Utf8;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.HttpUrl;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * OkHttp's callbacks for one plain WebSocket, on OkHttp's reader thread: each is turned into a value
 * (a {@link Frame}, a {@link TransportException}) and handed to the connection on its event loop,
 * where the envelope decodes. As for the Engine.IO transport, whatever a callback throws, or escapes
 * OkHttp's reading in between, becomes the connection's failure ({@link IoFailures}): the first one
 * wins and is posted with this listener itself as the task, so reporting needs no allocation.
 */
final class WsListener extends WebSocketListener implements IoFailures.Reporter, Runnable {
  /** The start of OkHttp's message when a ping went unanswered until the next one was due. */
  private static final String MISSED_PONG = "sent ping but didn't receive pong";
  private static final int CLOSE_NORMAL = 1000;
  private static final int CLOSE_TOO_BIG = 1009;

  private final PlainWebSocketConnection connection;
  private final SerialExecutor loop;
  private final String what;
  private final long maxMessageBytes;
  private final AtomicReference<@Nullable TransportException> failure = new AtomicReference<>();
  /** Whether the failure reported is OkHttp's missed pong; written only by the failure's reporter. */
  private volatile boolean pingTimeout;

  WsListener(PlainWebSocketConnection connection, SerialExecutor loop, HttpUrl endpoint, long maxMessageBytes) {
    this.connection = connection;
    this.loop = loop;
    this.what = "websocket to " + Redact.url(endpoint);
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override public String what() {
    return what;
  }

  @Override public void report(TransportException error) {
    if (failure.compareAndSet(null, error)) loop.executeHere(this);
  }

  /** On the loop: the first failure reported. */
  @Override public void run() {
    TransportException error = failure.get();
    if (error != null) connection.onFailure(error, pingTimeout);
  }

  @Override public void onOpen(WebSocket ws, Response response) {
    try {
      // This thread now reads frames inside OkHttp until the socket ends: an Error escaping OkHttp's
      // own reading must end this connection, not just the thread.
      IoFailures.watch(this);
      loop.executeHere(connection::onOpen);
    } catch (Throwable t) {
      IoFailures.report(t, this);
    }
  }

  @Override public void onMessage(WebSocket ws, String text) {
    try {
      // A char is one to three UTF-8 bytes: count the bytes only when it matters.
      if (text.length() > maxMessageBytes || text.length() * 3L > maxMessageBytes && Utf8.size(text) > maxMessageBytes) {
        refuse(ws, Utf8.size(text));
        return;
      }
      Frame frame = Frame.text(text);
      loop.executeHere(() -> connection.onFrame(frame));
    } catch (Throwable t) {
      IoFailures.report(t, this);
    }
  }

  @Override public void onMessage(WebSocket ws, ByteString bytes) {
    try {
      if (bytes.size() > maxMessageBytes) {
        refuse(ws, bytes.size());
        return;
      }
      Frame frame = Frame.binary(bytes);
      loop.executeHere(() -> connection.onFrame(frame));
    } catch (Throwable t) {
      IoFailures.report(t, this);
    }
  }

  /**
   * A message over the limit that OkHttp has read already: only where the socket could not be guarded
   * as it arrived ({@code ws://} through a SOCKS proxy). Closes with 1009, as the guard does.
   */
  private void refuse(WebSocket ws, long size) {
    ws.close(CLOSE_TOO_BIG, "message too big");
    report(HttpFailures.fromIOException(what, new IncomingLimitException("websocket message of " + size
        + " bytes exceeds maxIncomingMessageBytes (" + maxMessageBytes + " bytes)")));
  }

  @Override public void onClosing(WebSocket ws, int code, String reason) {
    try {
      // Answer at once (after what is queued), as RFC 6455 asks; OkHttp then closes the TCP connection.
      ws.close(CLOSE_NORMAL, null);
      loop.executeHere(() -> connection.onServerClose(code, reason));
    } catch (Throwable t) {
      IoFailures.report(t, this);
    }
  }

  @Override public void onClosed(WebSocket ws, int code, String reason) {
    try {
      loop.executeHere(connection::onSocketClosed);
    } catch (Throwable t) {
      IoFailures.report(t, this);
    }
  }

  @Override public void onFailure(WebSocket ws, Throwable t, @Nullable Response response) {
    try {
      TransportException error = HttpFailures.fromWebSocketFailure(what, t, response);
      boolean missedPong = t instanceof SocketTimeoutException && response == null
          && String.valueOf(t.getMessage()).startsWith(MISSED_PONG);
      if (failure.compareAndSet(null, error)) {
        pingTimeout = missedPong; // before the hand-off, which publishes it to the loop
        loop.executeHere(this);
      }
    } catch (Throwable thrown) {
      IoFailures.report(thrown, this);
    }
  }
}
