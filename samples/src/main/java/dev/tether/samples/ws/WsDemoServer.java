package dev.tether.samples.ws;

import dev.tether.samples.DemoServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one of the plain WebSocket demo servers of {@code samples/demo-server} (Node {@code ws}, no
 * Socket.IO) as a child process on an ephemeral loopback port; see {@link DemoServer} for how node
 * and the scripts are found.
 *
 * <ul>
 *   <li>{@link #startText} runs {@code ws-text-server.js}: each client is greeted with a text
 *       message at once, then gets {@code message #<n> from the server} every interval (3 s by
 *       default); the server prints {@code received from <id>: <text>} for each text the client
 *       sends.
 *   <li>{@link #startEnvelope} runs {@code ws-envelope-server.js}: JSON envelopes {@code
 *       {"name":...,"data":...}}; {@code join} is answered with {@code
 *       {"name":"hello","data":{"a":"123","b":"234"}}}; a frame that is not an envelope is answered
 *       with an {@code error} envelope; the server prints {@code message from <id>: <name> <data>}.
 * </ul>
 *
 * Both print {@code connected <id> from <address>} and {@code disconnected <id>: <code> <reason>},
 * and accept any path. Their lines are in {@link #output()} and go to the line listener, if given,
 * as they come.
 *
 * <p>Thread-safe; {@link #close()} is idempotent. The line listener is called on the thread that
 * reads the server's output.
 */
public final class WsDemoServer implements AutoCloseable {

  private final DemoServer server;

  private WsDemoServer(DemoServer server) {
    this.server = server;
  }

  /** Starts the text server with its default interval (3 s). */
  public static WsDemoServer startText() {
    return startText(null, null);
  }

  /**
   * Starts the text server.
   *
   * @param interval between two pushed messages; null for the default (3 s)
   * @param lines gets each line the server prints after its listening line; may be null
   * @throws IllegalStateException if node or npm is missing or the server does not start
   */
  public static WsDemoServer startText(Duration interval, Consumer<String> lines) {
    List<String> arguments = List.of();
    if (interval != null) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be positive: " + interval);
      }
      arguments = List.of(Long.toString(Math.max(1, interval.toMillis())));
    }
    return new WsDemoServer(DemoServer.start(DemoServer.WS_TEXT, 0, Map.of(), arguments, lines));
  }

  /** Starts the JSON envelope server. */
  public static WsDemoServer startEnvelope() {
    return startEnvelope(null);
  }

  /**
   * Starts the JSON envelope server.
   *
   * @param lines gets each line the server prints after its listening line; may be null
   * @throws IllegalStateException if node or npm is missing or the server does not start
   */
  public static WsDemoServer startEnvelope(Consumer<String> lines) {
    return new WsDemoServer(DemoServer.start(DemoServer.WS_ENVELOPE, 0, Map.of(), List.of(), lines));
  }

  /** The port the server listens on, on {@code 127.0.0.1}. */
  public int port() {
    return server.port();
  }

  /** The URL to connect to: {@code ws://127.0.0.1:<port>/}. */
  public String url() {
    return "ws://127.0.0.1:" + server.port() + "/";
  }

  /** Everything the server printed so far (its listening line, then one line per event). */
  public String output() {
    return server.output();
  }

  /** Whether the node process is still running. */
  public boolean isAlive() {
    return server.isAlive();
  }

  /**
   * Stops the server and waits until the process has exited and its last line was handed to the
   * line listener. Idempotent.
   */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return server.toString();
  }
}
