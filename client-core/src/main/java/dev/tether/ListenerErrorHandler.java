package dev.tether;

/**
 * Receives exceptions thrown by application listeners (and payloads that could not be bound to a
 * listener's type). The default logs them at WARNING through {@code java.util.logging}. Called on the
 * thread that ran the listener. Must be thread-safe.
 */
@FunctionalInterface
public interface ListenerErrorHandler {
  /**
   * @param socket the socket whose listener failed
   * @param event the event name, or a lifecycle name such as {@code "connect"}
   */
  void onListenerError(Socket socket, String event, Throwable error);
}
