package dev.tether;

/**
 * An event received from (or, for outgoing catch-all listeners, sent to) the server: its name, its
 * arguments, and the means to answer it when the server asked for an acknowledgement.
 *
 * <p>Thread-safe.
 */
public interface Event extends Args {
  String name();

  /** True when the server waits for an acknowledgement of this event. */
  boolean hasAck();

  /**
   * Acknowledges the event with these arguments (any JSON-able values, {@code byte[]} anywhere). Only
   * the first call sends anything; later calls, and calls for an event without ack, do nothing.
   * Callable from any thread, also after the listener returned. Does not block.
   */
  void ack(Object... args);
}
