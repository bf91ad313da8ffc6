package dev.tether.samples.news;

import dev.tether.samples.DemoServer;
import java.time.Duration;
import java.util.Map;

/**
 * Runs the news/reply demo server ({@code samples/demo-server/news-server.js}) as a child process
 * on an ephemeral loopback port; see {@link DemoServer} for how node and the script are found.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
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
    if (newsInterval == null) {
      return new NewsServer(DemoServer.start(DemoServer.NEWS));
    }
    if (newsInterval.isNegative() || newsInterval.isZero()) {
      throw new IllegalArgumentException("newsInterval must be positive: " + newsInterval);
    }
    String millis = Long.toString(Math.max(1, newsInterval.toMillis()));
    return new NewsServer(DemoServer.start(DemoServer.NEWS, 0, Map.of(INTERVAL_ENV, millis)));
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
   * Everything the server printed so far. Includes one {@code reply from <socket id>: <payload>}
   * line per reply.
   */
  public String output() {
    return server.output();
  }

  /** Whether the node process is still running. */
  public boolean isAlive() {
    return server.isAlive();
  }

  /** Stops the server and waits until the process has exited. Idempotent. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return server.toString();
  }
}
