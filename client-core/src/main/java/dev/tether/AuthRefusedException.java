package dev.tether;

/**
 * Thrown by an {@link AuthProvider} to say that no credentials can be had (the user signed out, the
 * refresh token was revoked): the socket stops trying and reports the connect error. Any other
 * exception from a provider is taken as transient while reconnecting: that attempt fails and the
 * socket tries again after the reconnection backoff.
 */
public final class AuthRefusedException extends TetherException {
  private static final long serialVersionUID = 1L;

  public AuthRefusedException(String message) {
    super(message);
  }

  public AuthRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
