package dev.tether;

/**
 * Receives one kind of value from a {@link Socket}: an event's bound payload, an {@link Event}, a
 * {@link DisconnectReason}, a {@link ConnectError}...
 *
 * <p>Called on the socket's callback executor, one call at a time per socket, in arrival order. A
 * listener that throws is reported to the {@code Tether}'s listener error handler; the connection
 * carries on.
 */
@FunctionalInterface
public interface Listener<T> {
  void on(T value);
}
