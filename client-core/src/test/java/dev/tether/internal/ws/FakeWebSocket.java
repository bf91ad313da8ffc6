package dev.tether.internal.ws;

import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket whose backlog the test sets, and a factory that hands it out: what OkHttp's
 * {@code RealWebSocket} looks like to the connection, without a network. The test plays OkHttp's
 * threads by calling the captured {@link #listener} itself. Used on the test thread only.
 */
final class FakeWebSocket implements WebSocket, WebSocket.Factory {
  final List<Object> sent = new ArrayList<>();
  @Nullable Request request;
  @Nullable WebSocketListener listener;
  long queueSize;
  boolean accept = true;
  @Nullable Integer closeCode;
  boolean cancelled;

  @Override public WebSocket newWebSocket(Request request, WebSocketListener listener) {
    this.request = request;
    this.listener = listener;
    return this;
  }

  @Override public Request request() {
    return request == null ? new Request.Builder().url(HttpUrl.get("http://localhost/")).build() : request;
  }

  @Override public long queueSize() {
    return queueSize;
  }

  @Override public boolean send(String text) {
    if (!accept) return false;
    sent.add(text);
    return true;
  }

  @Override public boolean send(ByteString bytes) {
    if (!accept) return false;
    sent.add(bytes);
    return true;
  }

  @Override public boolean close(int code, @Nullable String reason) {
    if (closeCode != null || cancelled) return false;
    closeCode = code;
    return true;
  }

  @Override public void cancel() {
    cancelled = true;
  }

  WebSocketListener listener() {
    if (listener == null) throw new IllegalStateException("not opened");
    return listener;
  }
}
