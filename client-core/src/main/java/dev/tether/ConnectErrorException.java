package dev.tether;

/** A socket could not connect; {@link #connectError()} says why (e.g. the server's middleware refused it). */
public final class ConnectErrorException extends TetherException {
  private static final long serialVersionUID = 1L;
  private final transient ConnectError connectError;

  public ConnectErrorException(ConnectError connectError) {
    super("connect failed: " + connectError.message());
    this.connectError = connectError;
    Throwable cause = connectError.cause();
    if (cause != null) initCause(cause);
  }

  public ConnectError connectError() {
    return connectError;
  }
}
