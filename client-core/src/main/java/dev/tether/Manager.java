package dev.tether;

import org.jspecify.annotations.Nullable;

/**
 * One connection to a Socket.IO server, shared by the namespaces ({@link Socket}s) that use it. It
 * opens when the first socket connects and closes when the last one disconnects.
 *
 * <p>Thread-safe; listeners run on the {@code Tether}'s callback executor.
 */
public interface Manager {
  /** The server, e.g. {@code http://localhost:3000}, without path or query. */
  String uri();

  /** A socket for {@code namespace} on this connection, created on first use (same options as before). */
  Socket socket(String namespace);

  /**
   * A socket for {@code namespace} with its own namespace options (auth, timeouts).
   *
   * @throws IllegalArgumentException if {@code options} asks for different connection options than
   *     this Manager's, or if this namespace already has a socket with other options
   */
  Socket socket(String namespace, SocketOptions options);

  /** {@code "polling"} or {@code "websocket"} while connected, else null. */
  @Nullable String transport();

  /** True while the connection is open. */
  boolean isOpen();

  /** Called after the connection upgraded to another transport (e.g. {@code "websocket"}). */
  Subscription onUpgrade(Listener<String> listener);

  /** Called when an upgrade attempt failed; the connection carries on over polling. */
  Subscription onUpgradeError(Listener<TransportException> listener);

  /** Disconnects every socket of this connection and closes it. Idempotent. */
  void close();
}
