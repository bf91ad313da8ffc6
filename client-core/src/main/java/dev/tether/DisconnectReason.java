package dev.tether;

/**
 * Why a connection or a namespace ended. Each constant carries the reason string that the
 * reference JavaScript client reports, so logs from both sides read the same.
 *
 * <p>Immutable and thread-safe.
 */
public enum DisconnectReason {
  /**
   * The server disconnected the namespace, or closed the whole session; or a plain WebSocket server
   * closed with a code after which Tether does not reconnect (1008 and 4000–4999 by default, see
   * {@link PlainWebSocket}). Not retried automatically.
   */
  IO_SERVER_DISCONNECT("io server disconnect"),
  /** The application called {@code disconnect()} or {@code close()}. Not retried automatically. */
  IO_CLIENT_DISCONNECT("io client disconnect"),
  /**
   * No heartbeat from the server within {@code pingInterval + pingTimeout}; on a plain WebSocket, a
   * ping still unanswered when the next one was due.
   */
  PING_TIMEOUT("ping timeout"),
  /** The server closed the transport (polling {@code 1} packet, WebSocket close), or the network went away. */
  TRANSPORT_CLOSE("transport close"),
  /** The transport failed: an HTTP error status, a network error, or an invalid Engine.IO packet. */
  TRANSPORT_ERROR("transport error"),
  /** The server sent data the Socket.IO decoder could not accept. */
  PARSE_ERROR("parse error");

  private final String wireName;

  DisconnectReason(String wireName) {
    this.wireName = wireName;
  }

  /** The reason as the reference client spells it, e.g. {@code "ping timeout"}. */
  public String wireName() {
    return wireName;
  }

  /** True when the client will reconnect by itself after this reason (reconnection enabled). */
  public boolean isRecoverable() {
    return this != IO_SERVER_DISCONNECT && this != IO_CLIENT_DISCONNECT;
  }

  @Override public String toString() {
    return wireName;
  }
}
