package dev.tether;

/**
 * An emit that was not sent, and why: too large for the server
 * ({@link TransportException.Kind#PAYLOAD_TOO_LARGE}), refused or dropped by the full send buffer
 * ({@link SendBufferOverflowException}), or written to a connection that was gone. Reported to the
 * socket's {@link Socket#onEmitError} listeners for emits that have no {@link AckCall} to fail (a
 * plain {@code emit}, or the answer to a server's ack request); an {@code emitWithAck} fails its
 * {@code AckCall} instead.
 *
 * <p>Immutable and thread-safe.
 */
public final class EmitError {
  private final String event;
  private final Args args;
  private final boolean ackReply;
  private final Exception cause;

  /** For Tether's own use and tests. */
  public EmitError(String event, Args args, boolean ackReply, Exception cause) {
    this.event = event;
    this.args = args;
    this.ackReply = ackReply;
    this.cause = cause;
  }

  /** The emitted event's name; for an ack reply, the name of the event that asked for it. */
  public String event() {
    return event;
  }

  /** The arguments that were not sent. */
  public Args args() {
    return args;
  }

  /** True when this was the answer to a server's ack request rather than an emit. */
  public boolean isAckReply() {
    return ackReply;
  }

  /** Why it was not sent. */
  public Exception cause() {
    return cause;
  }

  @Override public String toString() {
    return "EmitError{" + (ackReply ? "ack of " : "") + "'" + event + "': " + cause + "}";
  }
}
