package dev.tether;

/** The application cancelled the ack before it completed. Any later ack is ignored. */
public final class AckCancelledException extends TetherException {
  private static final long serialVersionUID = 1L;

  public AckCancelledException() {
    super("ack cancelled");
  }

  public AckCancelledException(String message) {
    super(message);
  }
}
