package dev.tether;

/**
 * An emit did not fit in the socket's send buffer (emits waiting for the socket to connect): with
 * {@link OverflowPolicy#FAIL_NEWEST} the new emit fails, with {@link OverflowPolicy#DROP_OLDEST} the
 * oldest buffered one does. Nothing of the failed emit is sent.
 */
public final class SendBufferOverflowException extends TetherException {
  private static final long serialVersionUID = 1L;

  public SendBufferOverflowException(String message) {
    super(message);
  }
}
