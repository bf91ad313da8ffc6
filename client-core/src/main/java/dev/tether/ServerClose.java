package dev.tether;

import org.jspecify.annotations.Nullable;

/**
 * The close frame a plain WebSocket server ended the connection with: its status code (1000
 * normal, 1001 going away, 1008 policy violation, 4000–4999 the application's own, e.g. 4001
 * "unauthorized") and reason text. Reported to {@link Socket#onServerClose} before the
 * {@link Socket#onDisconnect} it causes; whether the socket reconnects afterwards is
 * {@link PlainWebSocket#reconnectsAfterClose(int)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ServerClose {
  private final int code;
  private final String reason;

  /** For Tether's own use and tests. */
  public ServerClose(int code, String reason) {
    if (reason == null) throw new NullPointerException("reason == null");
    this.code = code;
    this.reason = reason;
  }

  /** The close status code; 1005 when the server's close frame had none. */
  public int code() {
    return code;
  }

  /** The server's reason text; empty when it gave none. */
  public String reason() {
    return reason;
  }

  @Override public boolean equals(@Nullable Object o) {
    return o instanceof ServerClose && ((ServerClose) o).code == code && ((ServerClose) o).reason.equals(reason);
  }

  @Override public int hashCode() {
    return 31 * code + reason.hashCode();
  }

  @Override public String toString() {
    return "ServerClose{" + code + (reason.isEmpty() ? "" : " " + reason) + "}";
  }
}
