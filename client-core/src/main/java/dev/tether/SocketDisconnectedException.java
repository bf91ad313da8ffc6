package dev.tether;

/**
 * The socket disconnected after an emit was sent and before the server acknowledged it: the server
 * may or may not have received it.
 */
public final class SocketDisconnectedException extends TetherException {
  private static final long serialVersionUID = 1L;
  private final DisconnectReason reason;

  public SocketDisconnectedException(DisconnectReason reason) {
    super("socket has been disconnected (" + reason.wireName() + ")");
    this.reason = reason;
  }

  public DisconnectReason reason() {
    return reason;
  }
}
