package dev.tether;

/**
 * Which generation of Socket.IO server a connection speaks to: set with
 * {@link ConnectionOptions.Builder#dialect(Dialect)} (or {@link SocketOptions.Builder#dialect(Dialect)}).
 * The two cannot talk to each other's servers, and Tether does not guess: a mismatch fails the connect
 * with an error that names the dialect to use. Immutable and thread-safe.
 */
public enum Dialect {
  /**
   * socket.io 3.x and 4.x servers (Engine.IO protocol 4, Socket.IO protocol 5). The default: auth,
   * connection state recovery, server-sent heartbeats, the server's {@code maxPayload}.
   */
  SOCKET_IO_3_4,

  /**
   * socket.io 2.x servers, and socket.io 4.x servers started with {@code allowEIO3: true} (Engine.IO
   * protocol 3, Socket.IO protocol 4). The server joins the default namespace {@code /} by itself; a
   * socket's auth (string values only) is sent as its namespace query and cannot be used on {@code /}
   * (use the connection's {@link ConnectionOptions.Builder#query query}); there is no recovery; the client
   * sends the heartbeat; the server announces no payload limit, so
   * {@link ConnectionOptions#maxPayload()} is assumed. An ERROR the server sends to a connected socket
   * arrives as a {@link Socket#SERVER_ERROR} event.
   */
  SOCKET_IO_2
}
