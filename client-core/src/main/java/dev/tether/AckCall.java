package dev.tether;

import java.util.concurrent.TimeUnit;

/**
 * A pending acknowledgement of an {@code emitWithAck}. The emit happened when the handle was
 * returned; the handle only controls and observes its outcome.
 *
 * <p>It completes exactly once: with the server's ack arguments, or with an
 * {@link AckTimeoutException}, an {@link AckCancelledException}, a {@link SocketDisconnectedException}
 * (the socket disconnected after the emit was sent), or a {@link TransportException} (the packet
 * could not be sent, e.g. too large). Anything that comes later — a late ack after a timeout, a
 * second cancel — is ignored.
 *
 * <p>Thread-safe; no method blocks except {@link #await}.
 */
public interface AckCall {
  /**
   * Fails the ack with {@link AckTimeoutException} if no answer came within {@code timeout} of the
   * emit (not of this call). Replaces the socket's default ack timeout.
   */
  AckCall timeout(long timeout, TimeUnit unit);

  /**
   * Re-sends the emit, with a fresh ack id, each time an attempt is not acknowledged within the
   * timeout (at-least-once delivery: the server may see it more than once), at most {@code retries}
   * more times; then the ack fails with {@link AckTimeoutException}. Each retry gets the full timeout.
   * Also when the socket disconnects after sending, the emit goes back to the send buffer instead of
   * failing, as long as retries are left. Replaces the socket's {@code retries} option. Without a
   * timeout only disconnects trigger a retry.
   */
  AckCall retries(int retries);

  /**
   * Registers callbacks for the outcome, invoked on the socket's callback executor; if the ack already
   * completed, one of them is invoked right away (asynchronously). May be called several times.
   */
  AckCall then(Listener<Args> success, Listener<Throwable> failure);

  /** Gives up waiting: fails the ack with {@link AckCancelledException}; a later ack is ignored. */
  void cancel();

  boolean isDone();

  /**
   * Blocks until the ack completes, at most {@code timeout} after the emit (which also becomes the
   * ack timeout). For tests and bots: called from a Tether callback or event-loop thread it fails at
   * once with {@link IllegalStateException} instead of deadlocking.
   *
   * @return the ack's arguments
   * @throws TetherException the failure itself: {@link AckTimeoutException},
   *     {@link AckCancelledException}, {@link SocketDisconnectedException}, {@link TransportException},
   *     {@link SendBufferOverflowException}, {@link TooManyAcksException}
   */
  Args await(long timeout, TimeUnit unit) throws InterruptedException;
}
