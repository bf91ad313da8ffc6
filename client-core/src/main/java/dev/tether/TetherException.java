package dev.tether;

/** Base of Tether's unchecked exceptions. */
public class TetherException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TetherException(String message) {
    super(message);
  }

  public TetherException(String message, Throwable cause) {
    super(message, cause);
  }
}
