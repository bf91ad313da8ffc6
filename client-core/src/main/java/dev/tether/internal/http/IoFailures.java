package dev.tether.internal.http;

import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The one rule for a failure on one of OkHttp's threads: whatever escapes a transport's work there
 * becomes a transport failure handed to the connection's loop, so the session ends at once with a
 * reason. Nothing may vanish with the thread and surface only as the next ping timeout.
 *
 * <p>Two ways in, one rule: a transport's callbacks (OkHttp {@code Callback}, {@code WebSocketListener}
 * methods) catch every {@link Throwable} and call {@link #report}; and a WebSocket's reader thread,
 * which runs inside OkHttp between those callbacks, is {@linkplain #watch watched}, so an {@link Error}
 * that escapes OkHttp's own reading (which catches only {@link Exception}s) is reported by Tether's I/O
 * executor through {@link #escaped}.
 *
 * <p>An {@link Error} is reported too, and a {@link VirtualMachineError} (out of memory, stack overflow)
 * is rethrown afterwards: the JVM's own handling must still see it. Reporting is kept allocation-light
 * for that case: if even describing the failure fails, a shared, preallocated failure is reported.
 *
 * <p>Thread-safe: the only state is the per-thread watch.
 */
public final class IoFailures {
  private static final Logger logger = Logger.getLogger(IoFailures.class.getName());

  /** Reported when describing the failure itself failed (typically: still out of memory). */
  private static final TransportException UNDESCRIBED = new TransportException(Kind.CONNECTION_LOST,
      "an I/O thread failed and the failure could not be described (out of memory?)");

  /** The transport whose work the current thread is doing inside OkHttp, if it asked to be watched. */
  private static final ThreadLocal<@Nullable Reporter> WATCHED = new ThreadLocal<>();

  /** A transport's hand-off of a failure to its loop. */
  public interface Reporter {
    /** What the transport was doing, for the message: e.g. {@code "websocket to ws://host/..."}. */
    String what();

    /** Hands {@code failure} to the loop; must not throw, and should not need to allocate much. */
    void report(TransportException failure);
  }

  private IoFailures() {
  }

  /**
   * Reports {@code thrown}, which escaped a transport callback, through {@code reporter}; then
   * rethrows it if it is a {@link VirtualMachineError}. Returns normally otherwise, so OkHttp's thread
   * carries on.
   */
  public static void report(Throwable thrown, Reporter reporter) {
    reportOnly(thrown, reporter);
    if (thrown instanceof VirtualMachineError) throw (VirtualMachineError) thrown;
  }

  private static void reportOnly(Throwable thrown, Reporter reporter) {
    TransportException failure;
    try {
      failure = describe(reporter.what(), thrown);
    } catch (Throwable describing) {
      failure = UNDESCRIBED;
    }
    try {
      reporter.report(failure);
    } catch (Throwable reporting) {
      // Nothing is left to try: the loop cannot be reached.
    }
    try {
      logger.log(Level.WARNING, "unexpected failure on an I/O thread, closing the connection: " + reporter.what(),
          thrown);
    } catch (Throwable logging) {
      // Reported already; the log line is a courtesy.
    }
  }

  public static TransportException describe(String what, Throwable thrown) {
    if (thrown instanceof TransportException) return (TransportException) thrown;
    return new TransportException(Kind.CONNECTION_LOST, what + " failed: " + thrown, thrown);
  }

  /**
   * Until the current task on this thread ends, whatever escapes it is {@code reporter}'s failure. For
   * a WebSocket's reader, whose thread stays inside OkHttp's frame loop between listener calls.
   */
  public static void watch(Reporter reporter) {
    WATCHED.set(reporter);
  }

  /**
   * Called by Tether's I/O executor with whatever escaped one of its tasks (or null when the task
   * ended normally): reports it to the watching transport, if any, and ends the watch. Never throws;
   * the executor rethrows {@code thrown} itself.
   */
  public static void escaped(@Nullable Throwable thrown) {
    Reporter reporter = WATCHED.get();
    if (reporter == null) return;
    WATCHED.remove();
    if (thrown != null) reportOnly(thrown, reporter);
  }
}
