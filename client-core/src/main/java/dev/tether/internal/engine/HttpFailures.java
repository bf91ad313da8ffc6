package dev.tether.internal.engine;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** Turns HTTP statuses and I/O exceptions into {@link TransportException}s with a useful kind. */
final class HttpFailures {
  private HttpFailures() {
  }

  static TransportException fromStatus(String what, int status, String body) {
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

  static TransportException fromIOException(String what, IOException e) {
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
}
