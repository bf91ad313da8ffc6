package dev.tether.internal.http;

import java.io.IOException;

/**
 * The server sent more than the connection accepts at once: a WebSocket message or a polling body
 * over {@link EngineOptions#maxIncomingMessageBytes()}, or a polling body of too many packets. An
 * {@link IOException} because it is thrown from inside OkHttp's reads (see {@link IncomingLimitSockets});
 * {@link HttpFailures} turns it into a {@code TransportException} of kind {@code INCOMING_TOO_LARGE}.
 *
 * <p>Immutable once thrown; thread-safe.
 */
public final class IncomingLimitException extends IOException {
  private static final long serialVersionUID = 1L;

  public IncomingLimitException(String message) {
    super(message);
  }
}
