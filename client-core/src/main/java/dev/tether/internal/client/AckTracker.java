package dev.tether.internal.client;

import dev.tether.AckTimeoutException;
import dev.tether.DisconnectReason;
import dev.tether.SocketDisconnectedException;
import dev.tether.TooManyAcksException;
import dev.tether.TransportException;
import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.wire.Payload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The acknowledgements one socket waits for: ack ids, the timeout of each attempt, and retries. Owns
 * all of that state; confined to the event loop. An ack for any attempt of a call completes it.
 */
final class AckTracker {
  /**
   * The most acks one socket waits for at a time (buffered, in flight or between retries). A server
   * that never answers would otherwise grow them until the next disconnect; beyond this, a new
   * {@code emitWithAck} fails at once with {@link TooManyAcksException} and is not sent.
   */
  static final int MAX_OUTSTANDING = 10_000;

  /** What the tracker asks of its socket, on the loop. */
  interface Host {
    /** Sends {@code outgoing} again (a retry): now if connected, else through the send buffer. */
    void requeue(Outgoing outgoing);

    /** Takes the emit of {@code call} out of the send buffer. */
    void unbuffer(RealAckCall call);
  }

  /** One call's attempts. */
  private static final class Attempts {
    final Outgoing outgoing;
    final RealAckCall call;
    /** The id of the current attempt. */
    long ackId;
    /** Ids of the attempts written on the current connection: an ack to any completes the call. */
    final List<Long> written = new ArrayList<>(1);
    /** True while the current attempt is written and unanswered; false while it waits in the buffer. */
    boolean inFlight;
    int retriesLeft;
    long timeoutNanos;
    long attemptStartNanos;
    Cancellable timer = Cancellable.NONE;

    Attempts(Outgoing outgoing, RealAckCall call) {
      this.outgoing = outgoing;
      this.call = call;
    }
  }

  private final SerialExecutor loop;
  private final PayloadCodec codec;
  private final Host host;
  private long nextAckId;
  /** In emit order: retries after a disconnect go out in that order. */
  private final Map<RealAckCall, Attempts> calls = new LinkedHashMap<>();
  private final Map<Long, Attempts> byAckId = new HashMap<>();

  AckTracker(SerialExecutor loop, PayloadCodec codec, Host host) {
    this.loop = loop;
    this.codec = codec;
    this.host = host;
  }

  /**
   * A new emitWithAck: its first attempt's timeout counts from the emit, even while buffered. Returns
   * false, having failed {@code call}, when {@link #MAX_OUTSTANDING} acks are outstanding already:
   * the emit must not be sent.
   */
  boolean register(RealAckCall call, Outgoing outgoing, int retries, long defaultTimeoutMillis) {
    if (calls.size() >= MAX_OUTSTANDING) {
      call.fail(new TooManyAcksException(MAX_OUTSTANDING + " acks are outstanding on this socket already (the "
          + "server has not answered them); the emit of '" + call.event + "' was not sent"));
      return false;
    }
    Attempts attempts = new Attempts(outgoing, call);
    attempts.ackId = nextAckId++;
    attempts.retriesLeft = retries;
    attempts.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(defaultTimeoutMillis);
    attempts.attemptStartNanos = call.emitNanos;
    calls.put(call, attempts);
    if (attempts.timeoutNanos > 0) arm(attempts);
    return true;
  }

  /** The ack id to write {@code call}'s current attempt with, or null when the call is over. */
  @Nullable Long ackIdFor(RealAckCall call) {
    Attempts attempts = calls.get(call);
    return attempts == null || call.isDone() ? null : attempts.ackId;
  }

  /** {@code call}'s current attempt was written. */
  void written(RealAckCall call) {
    Attempts attempts = calls.get(call);
    if (attempts == null) return;
    attempts.inFlight = true;
    attempts.written.add(attempts.ackId);
    byAckId.put(attempts.ackId, attempts);
    if (attempts.timeoutNanos > 0 && attempts.timer == Cancellable.NONE) {
      // re-sent after a disconnect: this attempt gets its full timeout from now
      attempts.attemptStartNanos = loop.scheduler().nanoTime();
      arm(attempts);
    }
  }

  /** The server acknowledged {@code ackId}; false if no call waits for it (late, or never asked). */
  boolean acknowledged(long ackId, Payload args) {
    Attempts attempts = byAckId.get(ackId);
    if (attempts == null) return false;
    // A retry of it may still wait in the buffer: it is skipped when its turn comes (ackIdFor is null).
    forget(attempts, false);
    attempts.call.succeed(new RealArgs(args.json, args.attachments, codec, "the ack of event '" + attempts.call.event + "'"));
    return true;
  }

  /** The application set a timeout per attempt: the current one counts from its start. */
  void setTimeout(RealAckCall call, long timeoutNanos) {
    Attempts attempts = calls.get(call);
    if (attempts == null || call.isDone()) return;
    attempts.timeoutNanos = timeoutNanos;
    arm(attempts);
  }

  void setRetries(RealAckCall call, int retries) {
    Attempts attempts = calls.get(call);
    if (attempts != null) attempts.retriesLeft = retries;
  }

  /** The call ended without an ack (cancelled, refused by the buffer): stop tracking it. */
  void fail(RealAckCall call, Throwable error) {
    Attempts attempts = calls.get(call);
    if (attempts != null) forget(attempts, true);
    call.fail(error);
  }

  /** The call is done (cancelled by the application): stop tracking it and unbuffer it. */
  void forget(RealAckCall call) {
    Attempts attempts = calls.get(call);
    if (attempts != null) forget(attempts, true);
  }

  /**
   * The connection of the written attempts is gone, and the server forgot their ids with it: calls
   * with retries left get a fresh attempt (returned in emit order, to be buffered ahead of later
   * emits); the others fail, with {@code cause} (the transport failure, if that ended the connection).
   * Calls still waiting in the buffer are untouched.
   */
  List<Outgoing> disconnected(DisconnectReason reason, @Nullable TransportException cause) {
    byAckId.clear();
    List<Outgoing> resend = new ArrayList<>();
    List<Attempts> failed = new ArrayList<>();
    for (Attempts attempts : calls.values()) {
      if (!attempts.inFlight) continue;
      attempts.written.clear();
      attempts.inFlight = false;
      attempts.timer.cancel();
      attempts.timer = Cancellable.NONE;
      if (attempts.retriesLeft > 0 && !attempts.call.isDone()) {
        attempts.retriesLeft--; // at-least-once: it goes out again once the socket is back
        attempts.ackId = nextAckId++;
        resend.add(attempts.outgoing);
      } else {
        failed.add(attempts);
      }
    }
    for (Attempts attempts : failed) {
      calls.remove(attempts.call);
      attempts.call.fail(new SocketDisconnectedException(reason, cause));
    }
    return resend;
  }

  /** (Re)arms the timeout of the current attempt, counted from when that attempt began. */
  private void arm(final Attempts attempts) {
    attempts.timer.cancel();
    long remaining = attempts.attemptStartNanos + attempts.timeoutNanos - loop.scheduler().nanoTime();
    attempts.timer = loop.schedule(() -> {
      attempts.timer = Cancellable.NONE;
      timedOut(attempts);
    }, Math.max(0, remaining), TimeUnit.NANOSECONDS);
  }

  private void timedOut(Attempts attempts) {
    if (attempts.call.isDone() || calls.get(attempts.call) != attempts) return;
    if (attempts.retriesLeft > 0 && !attempts.inFlight) {
      // Still waiting in the send buffer: this attempt has not begun. It keeps its place and its
      // retries; its timeout starts when it is written.
      return;
    }
    if (attempts.retriesLeft > 0) {
      attempts.retriesLeft--;
      // A fresh id for the new attempt; an ack for an earlier one still completes the call.
      host.unbuffer(attempts.call);
      attempts.ackId = nextAckId++;
      attempts.inFlight = false;
      attempts.attemptStartNanos = loop.scheduler().nanoTime();
      arm(attempts);
      host.requeue(attempts.outgoing);
      return;
    }
    forget(attempts, true);
    attempts.call.fail(new AckTimeoutException("operation has timed out"));
  }

  private void forget(Attempts attempts, boolean unbuffer) {
    attempts.timer.cancel();
    attempts.timer = Cancellable.NONE;
    for (Long id : attempts.written) byAckId.remove(id);
    calls.remove(attempts.call);
    if (unbuffer) host.unbuffer(attempts.call);
  }
}
