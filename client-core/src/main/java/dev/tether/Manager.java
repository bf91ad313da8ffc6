package dev.tether;

import java.io.Closeable;
import org.jspecify.annotations.Nullable;

/**
 * One connection to a Socket.IO server, shared by the namespaces ({@link Socket}s) that use it. It
 * opens when the first socket connects and closes when the last one disconnects.
 *
 * <p>Thread-safe; listeners run on the {@code Tether}'s callback executor.
 */
public interface Manager extends Closeable {
  /** The server, e.g. {@code http://localhost:3000}, without path or query. */
  String uri();

  /** This connection's options: what every socket on it shares. */
  ConnectionOptions options();

  /**
   * The socket for {@code namespace} on this connection: the existing one, or a new one with default
   * socket options.
   */
  Socket socket(String namespace);

  /**
   * A socket for {@code namespace} with its own socket options (auth, timeouts, send buffer). Build them
   * on this connection's options: {@code SocketOptions.builder().connection(manager.options())...}.
   *
   * @throws IllegalArgumentException if {@code options.connection()} is not equal to {@link #options()}
   *     (the same rule as {@code Tether.socket}), or if this namespace already has a socket with other
   *     options
   */
  Socket socket(String namespace, SocketOptions options);

  /** The transport carrying the connection while it is open, else null. */
  @Nullable Transport transport();

  /** True while the connection is open. */
  boolean isOpen();

  /** Called after the connection upgraded to another transport (from polling to {@link Transport#WEBSOCKET}). */
  Subscription onUpgrade(Listener<Transport> listener);

  /** Called when an upgrade attempt failed; the connection carries on over polling. */
  Subscription onUpgradeError(Listener<TransportException> listener);

  /**
   * Called when the open connection was lost to an error, with what failed: the network broke, the
   * server answered with an HTTP error or with data that is not valid Engine.IO or Socket.IO, or it sent
   * a message over {@link ConnectionOptions#maxIncomingMessageBytes()} ({@code INCOMING_TOO_LARGE}).
   * Its sockets see the disconnect reason {@code transport error} (or {@code parse error}) and reconnect
   * as usual. A connection that could not be opened is reported to {@link #onReconnectError} and to
   * each socket's {@code onConnectError} instead; a clean close by either side, a ping timeout or
   * {@link #pause()} report nothing here.
   */
  Subscription onConnectionError(Listener<TransportException> listener);

  /** Before each reconnection attempt, with its number (1, 2, ...). */
  Subscription onReconnectAttempt(Listener<Integer> listener);

  /**
   * After a reconnection succeeded (the connection is open again), with the attempt number. The
   * backoff starts over only once that connection has been useful: a namespace joined on it and it
   * stayed open for 5 s; until then a new loss continues with the next, longer delay.
   */
  Subscription onReconnect(Listener<Integer> listener);

  /** A reconnection attempt failed; another follows unless the attempts are used up. */
  Subscription onReconnectError(Listener<TransportException> listener);

  /** Reconnection gave up after {@code reconnectionAttempts}; the sockets are disconnected. */
  Subscription onReconnectFailed(Runnable listener);

  /**
   * If a reconnection attempt is waiting for its delay, makes it now (e.g. the network is back), also
   * while reconnection is suspended (not while {@link #pause() paused}).
   */
  void reconnectNow();

  /**
   * Stops reconnection attempts until {@link #resumeReconnection()}, e.g. while the device knows it is
   * offline: no futile attempts, no growing backoff. Sockets stay in {@code RECONNECTING}.
   */
  void suspendReconnection();

  /** Undoes {@link #suspendReconnection()} and, if the connection is down, tries at once. */
  void resumeReconnection();

  /**
   * Drops the current transport and reconnects at once, e.g. after a switch from Wi-Fi to cellular
   * left it pointing at a dead network. Sockets see {@code transport close} and then reconnect, also
   * when automatic reconnection is off. The new connection opens once the old one's goodbye is done,
   * at most 1 s later, so a server with connection state recovery has stored the sessions before they
   * are asked for; nothing else opens a connection meanwhile.
   */
  void restartConnection();

  /**
   * Closes the connection until {@link #resume()}, e.g. while an Android app is in the background,
   * without leaving the namespaces: the transport closes as if the network had dropped it (no
   * {@code DISCONNECT} packet), so a server with connection state recovery keeps the sessions, and
   * after {@code resume()} the sockets get their ids, rooms and missed events back.
   *
   * <p>Active sockets go to {@code RECONNECTING} (disconnect reason {@code transport close}); acks
   * still outstanding fail as on any connection loss (unless they have retries); emits are buffered.
   * Nothing reconnects while paused: neither the backoff timer, nor {@link #reconnectNow()},
   * {@link #resumeReconnection()}, {@link #restartConnection()}, nor a socket's {@code connect()}
   * (which joins after {@code resume()}). Idempotent; independent of {@link #suspendReconnection()}.
   */
  void pause();

  /**
   * Undoes {@link #pause()}: sockets that want the connection get it back at once (if reconnection
   * is suspended, when it is resumed), also when automatic reconnection is off; if the pause's close
   * is still under way, once it is done (at most 1 s after the pause). Idempotent.
   */
  void resume();

  /** Disconnects every socket of this connection and closes it, for try-with-resources. Idempotent; throws nothing. */
  @Override void close();
}
