package dev.tether.jmeter.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.tether.Dialect;
import dev.tether.Envelope;
import dev.tether.SocketOptions;
import dev.tether.Transport;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Turns the connect sampler's text fields into {@link SocketOptions}: the one place that knows what
 * each choice means, so the sampler (and its GUI) only carries strings. Every method throws
 * {@link IllegalArgumentException} with a message for the person who filled in the field. Stateless.
 */
public final class ConnectSettings {
  /** socket.io 3.x / 4.x servers. */
  public static final String SOCKET_IO = "socket.io";
  /** socket.io 2.x servers, and 4.x with {@code allowEIO3: true}. */
  public static final String SOCKET_IO_2 = "socket.io-2";
  /** A plain WebSocket server, frames as they are (event {@code message}). */
  public static final String WEBSOCKET_RAW = "websocket-raw";
  /** A plain WebSocket server speaking one JSON object per frame (see the envelope keys). */
  public static final String WEBSOCKET_JSON = "websocket-json";
  public static final String[] SERVERS = {SOCKET_IO, SOCKET_IO_2, WEBSOCKET_RAW, WEBSOCKET_JSON};

  public static final String POLLING_THEN_WEBSOCKET = "polling-then-websocket";
  public static final String WEBSOCKET_ONLY = "websocket";
  public static final String POLLING_ONLY = "polling";
  public static final String[] TRANSPORTS = {POLLING_THEN_WEBSOCKET, WEBSOCKET_ONLY, POLLING_ONLY};

  private ConnectSettings() {}

  public static SocketOptions options(String server, String nameKey, String dataKey, String idKey,
      String auth, String transports, String headers, long timeoutMillis, boolean reconnect) {
    if (timeoutMillis <= 0) throw new IllegalArgumentException("connect timeout must be > 0 ms: " + timeoutMillis);
    SocketOptions.Builder options = SocketOptions.builder()
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .reconnection(reconnect);
    String kind = server == null || server.trim().isEmpty() ? SOCKET_IO : server.trim().toLowerCase(Locale.ROOT);
    boolean plainWebSocket = false;
    switch (kind) {
      case SOCKET_IO:
        break;
      case SOCKET_IO_2:
        options.dialect(Dialect.SOCKET_IO_2);
        break;
      case WEBSOCKET_RAW:
        options.plainWebSocket(Envelope.raw());
        plainWebSocket = true;
        break;
      case WEBSOCKET_JSON:
        String name = keyOrDefault(nameKey, "name");
        String data = keyOrDefault(dataKey, "data");
        String id = idKey == null ? "" : idKey.trim();
        options.plainWebSocket(id.isEmpty() ? Envelope.json(name, data) : Envelope.json(name, data, id));
        plainWebSocket = true;
        break;
      default:
        throw new IllegalArgumentException("unknown server kind '" + server + "': use one of "
            + String.join(", ", SERVERS));
    }
    if (!plainWebSocket) transports(options, transports);
    JsonElement authJson = json(auth, "auth");
    if (authJson != null) {
      if (plainWebSocket) throw new IllegalArgumentException("auth is for socket.io servers; a plain "
          + "WebSocket server takes credentials in the URL's query or a header");
      if (!authJson.isJsonObject()) throw new IllegalArgumentException("auth must be a JSON object: " + auth.trim());
      options.auth(authJson.getAsJsonObject());
    }
    headers(options, headers);
    return options.build();
  }

  private static void transports(SocketOptions.Builder options, String transports) {
    String value = transports == null || transports.trim().isEmpty()
        ? POLLING_THEN_WEBSOCKET : transports.trim().toLowerCase(Locale.ROOT);
    switch (value) {
      case POLLING_THEN_WEBSOCKET:
        options.transports(Transport.POLLING, Transport.WEBSOCKET);
        break;
      case WEBSOCKET_ONLY:
        options.transports(Transport.WEBSOCKET);
        break;
      case POLLING_ONLY:
        options.transports(Transport.POLLING);
        break;
      default:
        throw new IllegalArgumentException("unknown transports '" + transports + "': use one of "
            + String.join(", ", TRANSPORTS));
    }
  }

  /** One header per line, {@code Name: value}; blank lines are ignored. */
  static void headers(SocketOptions.Builder options, String headers) {
    if (headers == null) return;
    String[] lines = headers.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].trim();
      if (line.isEmpty()) continue;
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("header line " + (i + 1) + " is not 'Name: value': " + line);
      }
      options.addExtraHeader(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
  }

  /** Parses a JSON field; null when it is empty. */
  public static JsonElement json(String text, String what) {
    if (text == null || text.trim().isEmpty()) return null;
    try {
      return JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(what + " is not JSON: " + rootMessage(e) + ": " + abbreviate(text.trim()));
    }
  }

  private static String keyOrDefault(String key, String fallback) {
    return key == null || key.trim().isEmpty() ? fallback : key.trim();
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) e = e.getCause();
    return e.getMessage();
  }

  static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }
}
