package dev.tether.samples.ws;

import dev.tether.samples.Shutdown;
import dev.tether.Envelope;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.samples.Cli;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A plain WebSocket server that is not Socket.IO: text frames, no envelope. The demo server
 * ({@code samples/demo-server/ws-text-server.js}, Node {@code ws}) greets each client and then pushes
 * a text message every few seconds; the sample answers each with a text frame of its own, and leaves
 * after {@code --count} messages. Same {@code Socket} API as for Socket.IO: with {@link
 * Envelope#raw()}, every text frame is the event {@code message} with one {@code String}.
 *
 * <p>Run it with {@code ./run-sample.sh ws}; the server's own lines are shown prefixed with
 * {@code server: }.
 */
@Command(name = "ws", abbreviateSynopsis = true, sortOptions = false,
    description = "A plain WebSocket server (text frames): answers each pushed message, then leaves.")
public final class WsTextSample implements Callable<Integer> {
  static final String SERVER_PREFIX = "server: ";
  static final String REPLY_PREFIX = "thanks for: ";

  @Option(names = "--url", paramLabel = "<url>",
      description = "connect to this ws:// server instead of starting the demo server")
  private String url;

  @Option(names = "--count", paramLabel = "<n>", defaultValue = "3", converter = Cli.PositiveInt.class,
      description = "how many messages to answer before leaving, the greeting included (default ${DEFAULT-VALUE})")
  private int count;

  @Option(names = "--interval", paramLabel = "<time>", defaultValue = "3s", converter = Cli.PositiveDuration.class,
      description = "how often the demo server pushes a message (default ${DEFAULT-VALUE})")
  private Duration interval;

  @Mixin
  private Cli.Help help;

  public static void main(String[] args) {
    Cli.exit(run(args));
  }

  /** Runs the sample; returns the exit code: 0, 1 when it could not talk to the server, 2 for bad arguments. */
  static int run(String... args) {
    return Cli.execute(new WsTextSample(), args, System.out, System.err);
  }

  @Override
  public Integer call() throws InterruptedException {
    CountDownLatch serverSawUsLeave = new CountDownLatch(1);
    WsDemoServer server = url == null ? WsDemoServer.startText(interval, line -> {
      System.out.println(SERVER_PREFIX + line);
      if (line.startsWith("disconnected ")) serverSawUsLeave.countDown();
    }) : null;
    try {
      int exitCode = talkTo(server == null ? url : server.url(), count);
      if (server != null && exitCode == 0) serverSawUsLeave.await(5, TimeUnit.SECONDS);
      return exitCode;
    } finally {
      if (server != null) server.close();
    }
  }

  static int talkTo(String url, int count) throws InterruptedException {
    Tether tether = Tether.create();
    Socket socket = tether.socket(url, SocketOptions.builder().plainWebSocket(Envelope.raw()).build());
    CountDownLatch finished = new CountDownLatch(1);
    CountDownLatch disconnected = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();

    socket.onConnect(() -> System.out.println("connected to " + url));
    socket.on("message", String.class, text -> {
      int n = received.incrementAndGet();
      if (n > count) return; // a late one, while we are leaving
      System.out.println("< " + text);
      System.out.println("> " + REPLY_PREFIX + text);
      socket.emit("message", REPLY_PREFIX + text); // one text frame
      if (n == count) finished.countDown();
    });
    socket.onServerClose(close -> System.out.println("server closed: " + close.code() + " " + close.reason()));
    socket.onDisconnect(reason -> {
      System.out.println("disconnected: " + reason);
      disconnected.countDown();
      finished.countDown();
    });
    try {
      socket.connect();
      try {
        socket.awaitConnected(20, TimeUnit.SECONDS);
      } catch (RuntimeException e) {
        System.err.println("Could not connect to " + url + ": " + e.getMessage());
        return 1;
      }
      finished.await();
      if (received.get() < count) {
        System.err.println("The server closed the connection after " + received.get() + " messages");
        return 1;
      }
      socket.disconnect(); // a normal close (1000) after the replies; no reconnection
      disconnected.await(5, TimeUnit.SECONDS);
      return 0;
    } finally {
      Shutdown.close(tether);
    }
  }
}
