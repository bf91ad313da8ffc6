package dev.tether;

/** The server did not acknowledge an emit within its timeout. Any later ack is ignored. */
public final class AckTimeoutException extends TetherException {
  private static final long serialVersionUID = 1L;

  public AckTimeoutException(String message) {
    super(message);
  }
}
