package dev.tether;

import org.jspecify.annotations.Nullable;

/**
 * The socket disconnected after an emit was sent and before the server acknowledged it: the server
 * may or may not have received it. When a transport failure ended the connection, {@link #getCause()}
 * is that {@link TransportException} (e.g. {@link TransportException.Kind#PAYLOAD_TOO_LARGE} for a
 * POST a proxy refused with 413, whose packets the server never saw).
 *
 * <p>Immutable and thread-safe.
 */
public final class SocketDisconnectedException extends TetherException {
  private static final long serialVersionUID = 1L;
  private final DisconnectReason reason;

  public SocketDisconnectedException(DisconnectReason reason) {
    this(reason, null);
  }

  /** @param cause the transport failure that ended the connection, if that is why */
  public SocketDisconnectedException(DisconnectReason reason, @Nullable TransportException cause) {
    super("socket has been disconnected (" + reason.wireName() + ")"
        + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : ""), cause);
    this.reason = reason;
  }

  public DisconnectReason reason() {
    return reason;
  }
}
