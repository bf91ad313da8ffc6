package dev.tether;

import org.jspecify.annotations.Nullable;

/**
 * A failure of the connection to the server, with a {@link Kind} that says what went wrong in terms
 * an application can act on. Delivered through the API (connect errors, disconnect causes, failed
 * acks); Tether never throws it on one of its own threads.
 *
 * <p>Messages and URLs in it are redacted: they never contain a session id or query values.
 *
 * <p>Immutable and thread-safe.
 */
public final class TransportException extends TetherException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure this is. */
  public enum Kind {
    /** The TCP connection could not be made: refused, unknown host, unreachable network. */
    CONNECT_FAILED,
    /** The TLS handshake failed (certificate, protocol or cipher mismatch). */
    TLS_FAILED,
    /**
     * The server did not answer in time: the Engine.IO handshake, a plain WebSocket's upgrade or an
     * HTTP read timed out, a WebSocket ping went unanswered, or a write made no progress for the
     * heartbeat budget (it is not taking data).
     */
    TIMEOUT,
    /** The connection broke while a request or response was in flight. */
    CONNECTION_LOST,
    /** HTTP 400 with Engine.IO code 1: the server no longer knows this session (expired or closed). */
    SESSION_UNKNOWN,
    /** Any other HTTP 400: the server rejected the request (transport, protocol version, origin, ...). */
    BAD_REQUEST,
    /** HTTP 403: the server's {@code allowRequest} hook, or a proxy, refused the connection. */
    FORBIDDEN,
    /** HTTP 413, or a packet larger than the server's {@code maxPayload}: nothing of it was delivered. */
    PAYLOAD_TOO_LARGE,
    /** HTTP 5xx. */
    SERVER_ERROR,
    /** Any other unexpected HTTP status. */
    HTTP_ERROR,
    /**
     * The server redirected to another origin (scheme, host or port), which would have received this
     * connection's headers, query and cookies; the message names the target (query values left out).
     * Nothing was sent there. {@link ConnectionOptions#crossOriginRedirects()} opts in to following.
     */
    REDIRECT_REFUSED,
    /** The server answered with something that is not valid Engine.IO (or not valid WebSocket framing). */
    PROTOCOL_ERROR,
    /**
     * Tether closed the connection because a socket's listeners fell too far behind the events the
     * server sent (more than 10,000 events or 64 MiB received and not yet delivered); it reconnects.
     */
    LISTENERS_BEHIND,
    /**
     * The server sent more than the client accepts at once: a WebSocket message or an HTTP
     * long-polling response body larger than {@link ConnectionOptions#maxIncomingMessageBytes()}, or a
     * polling body of more than 100,000 packets. The connection was closed (a
     * WebSocket with close code 1009, "message too big") before the data was held in memory.
     */
    INCOMING_TOO_LARGE
  }

  private final Kind kind;
  private final @Nullable Integer httpStatus;
  private final @Nullable String serverMessage;

  public TransportException(Kind kind, String message) {
    this(kind, message, null, null, null);
  }

  public TransportException(Kind kind, String message, @Nullable Throwable cause) {
    this(kind, message, null, null, cause);
  }

  public TransportException(Kind kind, String message, @Nullable Integer httpStatus,
      @Nullable String serverMessage, @Nullable Throwable cause) {
    super(message, cause);
    if (kind == null) throw new NullPointerException("kind == null");
    this.kind = kind;
    this.httpStatus = httpStatus;
    this.serverMessage = serverMessage;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status the server answered with, or null when the failure was not an HTTP status. */
  public @Nullable Integer httpStatus() {
    return httpStatus;
  }

  /** The server's own error message (e.g. {@code "Session ID unknown"}), when it sent one. */
  public @Nullable String serverMessage() {
    return serverMessage;
  }
}
