package dev.tether;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Tether reports: thrown by the blocking helpers and by argument checks,
 * passed to callbacks (failed acks, connect errors, disconnect causes). Unchecked, because almost every
 * failure arrives asynchronously, through the API, rather than out of a method call; catching
 * {@code TetherException} catches them all. Subclasses say more: {@link TransportException} (the
 * connection, with a {@link TransportException.Kind}), {@link AckTimeoutException},
 * {@link AckCancelledException}, {@link SocketDisconnectedException},
 * {@link SendBufferOverflowException}, {@link TooManyAcksException}, {@link ConnectErrorException}, {@link AuthRefusedException},
 * {@link PayloadBindingException}.
 */
public class TetherException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TetherException(String message) {
    super(message);
  }

  public TetherException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
