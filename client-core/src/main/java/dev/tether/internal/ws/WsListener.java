package dev.tether.internal.ws;

import dev.tether.Frame;
import dev.tether.TransportException;
import dev.tether.internal.http.HttpFailures;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.util.Redact;
import java.net.SocketTimeoutException;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * OkHttp's callbacks for one plain WebSocket, on OkHttp's threads: each is turned into a value
 * (a {@link Frame}, a {@link TransportException}) and handed to the connection on its event loop.
 * Decoding happens on the loop, where the envelope is documented to run.
 */
final class WsListener extends WebSocketListener {
  /** The start of OkHttp's message when a ping went unanswered until the next one was due. */
  private static final String MISSED_PONG = "sent ping but didn't receive pong";

  private final PlainWebSocketConnection connection;
  private final SerialExecutor loop;
  private final String what;

  WsListener(PlainWebSocketConnection connection, SerialExecutor loop, okhttp3.HttpUrl endpoint) {
    this.connection = connection;
    this.loop = loop;
    this.what = "websocket to " + Redact.url(endpoint);
  }

  @Override public void onOpen(WebSocket ws, Response response) {
    loop.execute(connection::onOpen);
  }

  @Override public void onMessage(WebSocket ws, String text) {
    Frame frame = Frame.text(text);
    loop.execute(() -> connection.onFrame(frame));
  }

  @Override public void onMessage(WebSocket ws, ByteString bytes) {
    Frame frame = Frame.binary(bytes);
    loop.execute(() -> connection.onFrame(frame));
  }

  @Override public void onClosing(WebSocket ws, int code, String reason) {
    // Answer at once (after what is queued), as RFC 6455 asks; OkHttp then closes the TCP connection.
    ws.close(1000, null);
    loop.execute(() -> connection.onServerClose(code, reason));
  }

  @Override public void onClosed(WebSocket ws, int code, String reason) {
    loop.execute(connection::onSocketClosed);
  }

  @Override public void onFailure(WebSocket ws, Throwable t, @Nullable Response response) {
    TransportException error = HttpFailures.fromWebSocketFailure(what, t, response);
    boolean pingTimeout = t instanceof SocketTimeoutException && response == null
        && String.valueOf(t.getMessage()).startsWith(MISSED_PONG);
    loop.execute(() -> connection.onFailure(error, pingTimeout));
  }
}
