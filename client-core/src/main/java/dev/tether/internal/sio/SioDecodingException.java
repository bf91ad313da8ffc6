package dev.tether.internal.sio;

/**
 * Data from the server that is not a valid Socket.IO packet. The reference server closes the whole
 * connection on such data; a client should do the same. Messages are short and never contain the
 * offending payload.
 */
public final class SioDecodingException extends Exception {
  private static final long serialVersionUID = 1L;

  public SioDecodingException(String message) {
    super(message);
  }
}
