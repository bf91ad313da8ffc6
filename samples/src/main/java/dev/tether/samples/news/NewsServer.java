package dev.tether.samples.news;

import dev.tether.samples.DemoServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the news/reply demo server ({@code samples/demo-server/news-server.js}) as a child process
 * on an ephemeral loopback port; see {@link DemoServer} for how node and the script are found.
 *
 * <p>The server prints its side of each conversation, one line per event: {@code connected <socket
 * id>}, {@code reply from <socket id>: <payload>}, {@code disconnected <socket id>: <reason>}. They
 * are in {@link #output()}, and go to the line listener of {@link #start(Duration, Consumer)} as
 * they come.
 *
 * <p>Thread-safe; {@link #close()} is idempotent. The line listener is called on the thread that
 * reads the server's output.
 */
public final class NewsServer implements AutoCloseable {

  /** Environment variable of {@code news-server.js}: milliseconds between two news. */
  public static final String INTERVAL_ENV = "NEWS_INTERVAL_MS";

  private final DemoServer server;

  private NewsServer(DemoServer server) {
    this.server = server;
  }

  /** Starts the server with its default news interval (3 s) and waits until it listens. */
  public static NewsServer start() {
    return start(null);
  }

  /**
   * Starts the server with this interval between two news; {@code null} behaves as {@link
   * #start()}.
   *
   * @throws IllegalStateException if node or npm is missing or the server does not start
   */
  public static NewsServer start(Duration newsInterval) {
    return start(newsInterval, null);
  }

  /**
   * Starts the server with this interval between two news ({@code null}: the default, 3 s), and
   * hands each line it prints after its listening line to {@code lines} (if not null) as it comes.
   * {@link #close()} returns only after the last line was handed over.
   *
   * @throws IllegalStateException if node or npm is missing or the server does not start
   */
  public static NewsServer start(Duration newsInterval, Consumer<String> lines) {
    return start(newsInterval, lines, false);
  }

  /**
   * As {@link #start(Duration, Consumer)}; with {@code socketIo2} the same server on socket.io 2.x
   * ({@code samples/demo-server-v2}), for {@code Dialect.SOCKET_IO_2}.
   */
  public static NewsServer start(Duration newsInterval, Consumer<String> lines, boolean socketIo2) {
    Map<String, String> environment = Map.of();
    if (newsInterval != null) {
      if (newsInterval.isNegative() || newsInterval.isZero()) {
        throw new IllegalArgumentException("newsInterval must be positive: " + newsInterval);
      }
      environment = Map.of(INTERVAL_ENV, Long.toString(Math.max(1, newsInterval.toMillis())));
    }
    return new NewsServer(DemoServer.start(socketIo2 ? DemoServer.NEWS_V2 : DemoServer.NEWS, 0, environment,
        List.of(), lines));
  }

  /** The port the server listens on, on {@code 127.0.0.1}. */
  public int port() {
    return server.port();
  }

  /** The URL to connect to: {@code http://127.0.0.1:<port>}. */
  public String url() {
    return server.url();
  }

  /**
   * Everything the server printed so far: its listening line, then one line per connection, reply
   * ({@code reply from <socket id>: <payload>}) and disconnection.
   */
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
