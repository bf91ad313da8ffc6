package dev.tether.internal.wire;

import dev.tether.ConnectionOptions;
import dev.tether.SocketOptions;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.loop.SerialExecutor;
import okhttp3.HttpUrl;

/**
 * How one kind of server speaks: the seam below the socket. Everything that differs between kinds of
 * server lives behind it: how a URL maps to an endpoint and a namespace, which names and namespaces
 * are allowed, how a connection opens (handshake or none), how events, acks and binary are framed,
 * who sends heartbeats, whether sessions can be recovered. Everything above it (listeners, the send
 * buffer, acks, reconnection, the blocking helpers, Rx) is written once, against this interface and
 * {@link Connection}.
 *
 * <p>Implementations are stateless and thread-safe, in the manner of Retrofit's converter factories;
 * the state of one Manager's connections lives in its {@link Connector}.
 */
public interface ServerProtocol {
  /**
   * Reads a user's URL: the server and the namespace it names.
   *
   * @throws IllegalArgumentException if the URL names something this protocol cannot reach
   */
  Target target(HttpUrl url, ConnectionOptions options);

  /**
   * The canonical form of {@code namespace} ({@code "chat"} and {@code "/chat"} are the same).
   *
   * @throws IllegalArgumentException for a namespace this protocol cannot carry
   */
  String normalizeNamespace(String namespace);

  /**
   * Checks a socket's options when the socket is made, so what this protocol cannot honour (auth on a
   * server without a join step, say) fails there and is never silently lost.
   *
   * @throws IllegalArgumentException naming the option and what to use instead
   */
  void checkSocketOptions(String namespace, SocketOptions options);

  /**
   * Checks an emit before it is buffered or sent, so a bad one fails on the caller's thread.
   *
   * @param payload the name at index 0, then the arguments
   * @param withAck whether the emit asks for an acknowledgement
   * @throws IllegalArgumentException for a reserved name, too many binary values, an ack this
   *     protocol cannot carry
   */
  void checkEmit(Payload payload, boolean withAck);

  /**
   * Checks the arguments of an acknowledgement the application sends.
   *
   * @throws IllegalArgumentException when the protocol cannot carry them
   */
  void checkAck(Payload payload);

  /** The per-Manager factory of connections to {@code server}. Called once per Manager. */
  Connector connector(HttpUrl server, ConnectionOptions options, TetherRuntime runtime, SerialExecutor loop);
}
