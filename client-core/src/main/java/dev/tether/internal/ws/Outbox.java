package dev.tether.internal.ws;

import dev.tether.Envelope;
import dev.tether.Frame;
import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.util.Utf8;
import dev.tether.internal.wire.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.WebSocket;
import org.jspecify.annotations.Nullable;

/**
 * The sending half of one plain WebSocket. It has no queue of its own: a frame OkHttp accepted is
 * handed to the transport (its emit is reported written), a frame OkHttp refused was never sent (its
 * emit is reported unsent, for the socket to send again after the reconnection), and
 * {@link WebSocket#queueSize()} is the whole backlog, the connection's write window. The outbox says
 * when there is room ({@link #hasRoom()}), when room came back (OkHttp has no drain callback, so it
 * polls while someone waits), and when the queue stopped draining altogether (the stall watch).
 *
 * <p>Not thread-safe: owned by the connection's event loop.
 */
final class Outbox {
  private static final Logger logger = Logger.getLogger(Outbox.class.getName());
  /** Above this many queued bytes the socket keeps further emits in its own bounded send buffer. */
  static final long WINDOW_BYTES = 1024 * 1024;
  /** A volatile emit goes only while the backlog is below this: it must not wait behind data. */
  static final long IDLE_BYTES = 256 * 1024;
  /**
   * OkHttp closes a WebSocket whose queue would pass 16 MiB. A frame may be sent while up to a
   * window is queued, so the largest frame leaves room for that, and a margin.
   */
  static final long MAX_FRAME_BYTES = 16L * 1024 * 1024 - 2 * WINDOW_BYTES;
  /** How often to look at the queue while room is wanted: short, since the sender waits. */
  private static final long POLL_MILLIS = 5;

  /** What the outbox reports to its connection, on the loop. */
  interface Host {
    /** OkHttp refused a frame: it is closing. Called once, from inside a send. */
    void onRefused();

    /** Queued data made no progress for the stall budget: the server is not reading. */
    void onStalled(long idleMillis, long queuedBytes);
  }

  private final WebSocket ws;
  private final SerialExecutor loop;
  private final long stallBudgetMillis;
  private final Connection.Listener listener;
  private final Host host;
  /** Emits OkHttp refused, reported unsent by {@link #reportUnsent()} when the connection ends. */
  private final List<Object> refused = new ArrayList<>();
  private boolean refusing;
  /** Bytes accepted by OkHttp so far; minus {@code queueSize()}, the bytes it has written. */
  private long acceptedBytes;
  private boolean roomWanted;
  private Cancellable roomPoll = Cancellable.NONE;
  private Cancellable stallTimer = Cancellable.NONE;
  private Cancellable heartbeatTimer = Cancellable.NONE;
  private boolean stallWatchArmed;
  private long writtenAtLastCheck;
  private boolean stopped;

  Outbox(WebSocket ws, SerialExecutor loop, long stallBudgetMillis, Connection.Listener listener, Host host) {
    this.ws = ws;
    this.loop = loop;
    this.stallBudgetMillis = stallBudgetMillis;
    this.listener = listener;
    this.host = host;
  }

  /**
   * Sends the frames of one emit (tagged) or of an ack, a join, a heartbeat (untagged).
   *
   * @return the bytes handed over
   * @throws TransportException {@code PAYLOAD_TOO_LARGE} for a frame OkHttp could never queue; nothing is sent
   */
  long send(List<Frame> frames, @Nullable Object tag) throws TransportException {
    long bytes = 0;
    for (Frame frame : frames) {
      long size = frame.size();
      if (size > MAX_FRAME_BYTES) {
        throw new TransportException(Kind.PAYLOAD_TOO_LARGE, "a frame of " + size + " bytes exceeds the "
            + MAX_FRAME_BYTES + " bytes a WebSocket can queue");
      }
      bytes += size;
    }
    for (Frame frame : frames) {
      if (refusing || !offer(frame)) {
        if (tag != null) refused.add(tag);
        if (!refusing) {
          refusing = true;
          host.onRefused();
        }
        return 0;
      }
    }
    if (tag != null) listener.onWritten(Collections.singletonList(tag));
    return bytes;
  }

  /** The connection opened: sends the envelope's opening frames, then its heartbeat at its interval. */
  void start(Envelope envelope) {
    sendControl(envelope, envelope.opening());
    scheduleHeartbeat(envelope);
  }

  private void scheduleHeartbeat(Envelope envelope) {
    long interval = envelope.heartbeatIntervalMillis();
    if (interval <= 0 || stopped) return;
    heartbeatTimer = loop.schedule(() -> {
      if (stopped) return;
      sendControl(envelope, envelope.heartbeat());
      scheduleHeartbeat(envelope);
    }, interval, TimeUnit.MILLISECONDS);
  }

  /** Frames of the envelope's own (no emit waits for them): a failure is the envelope's bug, logged. */
  private void sendControl(Envelope envelope, List<Frame> frames) {
    try {
      send(frames, null);
    } catch (TransportException e) {
      logger.log(Level.WARNING, "{0} gave frames that cannot be sent: {1}", new Object[] {envelope, e.getMessage()});
    }
  }

  private boolean offer(Frame frame) {
    boolean accepted = frame.isText() ? ws.send(frame.text()) : ws.send(frame.bytes());
    if (!accepted) return false;
    // OkHttp counts text in UTF-8 bytes; count the same way, so written = accepted - queued holds.
    acceptedBytes += frame.isText() ? Utf8.size(frame.text()) : frame.bytes().size();
    watchStall();
    return true;
  }

  /** Reports the emits OkHttp refused as unsent (oldest first), once. */
  void reportUnsent() {
    if (refused.isEmpty()) return;
    List<Object> tags = new ArrayList<>(refused);
    refused.clear();
    listener.onUnsent(tags);
  }

  /** True while the backlog is within the window; else {@code onWritable} follows once it has halved. */
  boolean hasRoom() {
    if (ws.queueSize() < WINDOW_BYTES) return true;
    if (!roomWanted && !stopped) {
      roomWanted = true;
      roomPoll = loop.schedule(this::pollRoom, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }
    return false;
  }

  /** True when nothing much waits to be written: what a volatile emit asks. */
  boolean isIdle() {
    return ws.queueSize() < IDLE_BYTES;
  }

  private void pollRoom() {
    if (stopped || !roomWanted) return;
    if (ws.queueSize() < WINDOW_BYTES / 2) {
      roomWanted = false;
      listener.onWritable();
      return;
    }
    roomPoll = loop.schedule(this::pollRoom, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Arms the stall watch while something is queued; it rearms itself while the queue drains. */
  private void watchStall() {
    if (stallWatchArmed || stopped) return;
    stallWatchArmed = true;
    writtenAtLastCheck = acceptedBytes - ws.queueSize();
    stallTimer = loop.schedule(this::checkStall, stallBudgetMillis, TimeUnit.MILLISECONDS);
  }

  private void checkStall() {
    stallWatchArmed = false;
    if (stopped) return;
    long queued = ws.queueSize();
    if (queued == 0) return; // idle: the next send arms the watch again
    if (acceptedBytes - queued > writtenAtLastCheck) {
      watchStall(); // progress: watch the next stretch
      return;
    }
    host.onStalled(stallBudgetMillis, queued);
  }

  /** Stops every timer: the connection is over. Refused emits are still to be reported. */
  void stop() {
    stopped = true;
    roomPoll.cancel();
    stallTimer.cancel();
    heartbeatTimer.cancel();
  }
}
