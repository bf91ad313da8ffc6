package dev.tether;

import org.jspecify.annotations.Nullable;

/**
 * Receives exceptions thrown by application listeners — of a socket (events, lifecycle, ack
 * callbacks) and of a Manager (upgrade, reconnection) — and payloads that could not be bound to a
 * listener's type. The default logs them at WARNING through {@code java.util.logging}. Called on the
 * thread that ran the listener. Must be thread-safe.
 */
@FunctionalInterface
public interface ListenerErrorHandler {
  /**
   * @param manager the connection whose listener failed, or the connection of {@code socket}
   * @param socket the socket whose listener failed; null for a Manager listener
   * @param event the event name, or a lifecycle name such as {@code "connect"} or {@code "upgrade"}
   */
  void onListenerError(Manager manager, @Nullable Socket socket, String event, Throwable error);
}
