package dev.tether;

/**
 * An event argument could not be converted to the type a listener asked for, e.g. an array where an
 * object was expected. The message names the event and the argument.
 */
public final class PayloadBindingException extends TetherException {
  private static final long serialVersionUID = 1L;

  public PayloadBindingException(String message, Throwable cause) {
    super(message, cause);
  }

  public PayloadBindingException(String message) {
    super(message);
  }
}
