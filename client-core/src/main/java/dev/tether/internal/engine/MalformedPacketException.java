package dev.tether.internal.engine;

/** Data from the server that is not valid Engine.IO. */
public final class MalformedPacketException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedPacketException(String message) {
    super(message);
  }
}
