package dev.tether.internal.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import javax.net.ssl.SSLException;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Turns HTTP statuses and I/O exceptions into {@link TransportException}s with a useful kind: one
 * mapping for every kind of server, so a refused WebSocket upgrade reads the same whoever refused it.
 */
public final class HttpFailures {
  private static final Charset UTF_8 = Charset.forName("UTF-8");

  private HttpFailures() {
  }

  public static TransportException fromStatus(String what, int status, String body) {
    Integer code = null;
    String message = null;
    JsonObject object = parseObject(body);
    if (object != null) {
      JsonElement codeJson = object.get("code");
      JsonElement messageJson = object.get("message");
      if (codeJson != null && codeJson.isJsonPrimitive() && codeJson.getAsJsonPrimitive().isNumber()) {
        code = codeJson.getAsInt();
      }
      if (messageJson != null && messageJson.isJsonPrimitive()) message = messageJson.getAsString();
    } else {
      // Proxies and some error paths answer with text or HTML; keep a short excerpt of it.
      String trimmed = body.trim();
      if (!trimmed.isEmpty()) message = trimmed.length() > 200 ? trimmed.substring(0, 200) + "…" : trimmed;
    }
    Kind kind;
    if (status == 400) {
      kind = code != null && code == 1 ? Kind.SESSION_UNKNOWN : Kind.BAD_REQUEST;
    } else if (status == 403) {
      kind = Kind.FORBIDDEN;
    } else if (status == 413) {
      kind = Kind.PAYLOAD_TOO_LARGE;
    } else if (status >= 500 && status < 600) {
      kind = Kind.SERVER_ERROR;
    } else {
      kind = Kind.HTTP_ERROR;
    }
    String text = what + " failed: HTTP " + status + (message != null ? " (" + message + ")" : "");
    if (status == 400 && code != null && code == 5) {
      // Engine.IO's "Unsupported protocol version": what a socket.io 3.x/4.x server answers EIO=3 without allowEIO3
      text += ": the server does not speak this Engine.IO revision; a socket.io 3.x/4.x server needs the default "
          + "dialect(Dialect.SOCKET_IO_3_4), or allowEIO3: true on the server for dialect(Dialect.SOCKET_IO_2)";
    }
    return new TransportException(kind, text, status, message, null);
  }

  private static @Nullable JsonObject parseObject(String body) {
    try {
      JsonElement json = JsonParser.parseString(body);
      return json.isJsonObject() ? json.getAsJsonObject() : null;
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  public static TransportException fromIOException(String what, IOException e) {
    if (e instanceof Redirects.RedirectRefusedException) {
      Redirects.RedirectRefusedException refused = (Redirects.RedirectRefusedException) e;
      return new TransportException(Kind.REDIRECT_REFUSED, what + " failed: " + e.getMessage(), refused.status,
          null, e);
    }
    if (e instanceof IncomingLimitException) {
      return new TransportException(Kind.INCOMING_TOO_LARGE, what + ": " + e.getMessage(), e);
    }
    Kind kind;
    if (e instanceof ConnectException || e instanceof UnknownHostException
        || e instanceof NoRouteToHostException) {
      kind = Kind.CONNECT_FAILED;
    } else if (e instanceof SSLException) {
      kind = Kind.TLS_FAILED;
    } else if (e instanceof SocketTimeoutException || isCallTimeout(e)) {
      kind = Kind.TIMEOUT;
    } else {
      kind = Kind.CONNECTION_LOST;
    }
    String detail = e.getMessage();
    return new TransportException(kind,
        what + " failed: " + e.getClass().getSimpleName() + (detail != null ? ": " + detail : ""), e);
  }

  private static boolean isCallTimeout(@Nullable Throwable e) {
    return e instanceof InterruptedIOException && "timeout".equals(e.getMessage());
  }

  /**
   * Why OkHttp's WebSocket failed ({@code WebSocketListener.onFailure}): the refused upgrade's HTTP
   * status, a 101 followed by bytes that are not WebSocket frames, or the I/O failure.
   *
   * @param what names the request in the message, e.g. {@code "websocket to http://host/chat"}
   */
  public static TransportException fromWebSocketFailure(String what, Throwable t, @Nullable Response response) {
    if (response != null && response.code() != 101) {
      return fromStatus(what, response.code(), errorBody(response.body()));
    }
    if (t instanceof ProtocolException) {
      return new TransportException(Kind.PROTOCOL_ERROR, what + ": " + t.getMessage(), t);
    }
    if (t instanceof IOException) return fromIOException(what, (IOException) t);
    return new TransportException(Kind.CONNECTION_LOST, what + " failed: " + t, t);
  }

  /** The start of an error response's body (4 KiB at most), or "" when there is none or it cannot be read. */
  public static String errorBody(@Nullable ResponseBody body) {
    if (body == null) return "";
    try {
      Buffer buffer = new Buffer();
      body.source().read(buffer, 4096);
      return buffer.readString(UTF_8);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
