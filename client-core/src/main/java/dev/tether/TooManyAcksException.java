package dev.tether;

/**
 * An {@code emitWithAck} was refused because its socket already waits for the most acks it keeps
 * track of (10,000: buffered, in flight or between retries), as happens when the server never answers
 * them. Nothing of the refused emit is sent. The bound frees up as acks complete (answered, timed out,
 * cancelled, or failed by a disconnect).
 *
 * <p>Immutable and thread-safe.
 */
public final class TooManyAcksException extends TetherException {
  private static final long serialVersionUID = 1L;

  public TooManyAcksException(String message) {
    super(message);
  }
}
