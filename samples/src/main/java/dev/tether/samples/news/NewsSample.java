package dev.tether.samples.news;

import dev.tether.samples.Shutdown;
import dev.tether.ConnectError;
import dev.tether.Dialect;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.samples.Cli;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The classic socket.io warm-up: the server sends {@code news}, the client answers each one with a
 * {@code reply}.
 *
 * <p>Starts the demo server ({@code samples/demo-server/news-server.js}, the real Node socket.io
 * server), connects to it, answers three news, disconnects and exits. Run it with {@code
 * ./run-sample.sh}. It shows the whole exchange: each news received, each reply as it is sent
 * ({@code > reply: Hello Node.JS}), and the demo server's own lines, prefixed with {@code server: }
 * (its view of the connection, of each reply and of the disconnection).
 *
 * <p>{@code --url <url>} connects to that server instead of starting the demo server; {@code
 * --count <n>} answers n news before leaving (default 3); {@code --help} lists them.
 */
@Command(name = "news", abbreviateSynopsis = true, sortOptions = false,
    description = "The news/reply warm-up: answers each 'news' from the server with a 'reply', then leaves.")
public final class NewsSample implements Callable<Integer> {

  @Option(names = "--url", paramLabel = "<url>",
      description = "connect to this server instead of starting the demo server")
  private String url;

  @Option(names = "--count", paramLabel = "<n>", defaultValue = "3", converter = Cli.PositiveInt.class,
      description = "how many news to answer before leaving (default ${DEFAULT-VALUE})")
  private int count;

  @Option(names = "--dialect", paramLabel = "<socket.io-3-4|socket.io-2>", defaultValue = "socket.io-3-4",
      converter = DialectConverter.class,
      description = "the server's generation; socket.io-2 also starts the socket.io 2.x demo server (default ${DEFAULT-VALUE})")
  private Dialect dialect;

  @Mixin
  private Cli.Help help;

  /** {@code socket.io-3-4} or {@code socket.io-2}. */
  static final class DialectConverter implements picocli.CommandLine.ITypeConverter<Dialect> {
    @Override public Dialect convert(String value) {
      switch (value) {
        case "socket.io-3-4": return Dialect.SOCKET_IO_3_4;
        case "socket.io-2": return Dialect.SOCKET_IO_2;
        default: throw new picocli.CommandLine.TypeConversionException("'" + value
            + "' is not a dialect: socket.io-3-4 or socket.io-2");
      }
    }
  }

  public static void main(String[] args) {
    Cli.exit(run(args));
  }

  /** Runs the sample; returns the exit code: 0, 1 when it could not talk to the server, 2 for bad arguments. */
  static int run(String... args) {
    return Cli.execute(new NewsSample(), args, System.out, System.err);
  }

  /** The prefix of the demo server's lines in the sample's output. */
  static final String SERVER_PREFIX = "server: ";

  /** What the sample prints as it sends a reply. */
  static final String REPLY_LINE = "> reply: ";

  static final String REPLY = "Hello Node.JS";

  @Override
  public Integer call() throws InterruptedException {
    // Our own demo server, unless --url names one. It is stopped in any case (finally). Its lines
    // (its side of the exchange) are shown among ours as they come.
    CountDownLatch serverSawUsLeave = new CountDownLatch(1);
    NewsServer server = url == null ? NewsServer.start(null, line -> {
      System.out.println(SERVER_PREFIX + line);
      if (line.startsWith("disconnected ")) {
        serverSawUsLeave.countDown();
      }
    }, dialect == Dialect.SOCKET_IO_2) : null;
    if (server != null) {
      System.out.println("demo server listening at " + server.url());
    }
    try {
      int exitCode = talkTo(server == null ? url : server.url(), count, dialect);
      if (server != null && exitCode == 0) {
        // The server's last line (it saw us leave, after our replies) before it is stopped.
        serverSawUsLeave.await(5, TimeUnit.SECONDS);
      }
      return exitCode;
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /** Answers count news from the server at url, then leaves. Returns the process exit code. */
  static int talkTo(String url, int count) throws InterruptedException {
    return talkTo(url, count, Dialect.SOCKET_IO_3_4);
  }

  /** As {@link #talkTo(String, int)}, to a server of this generation. */
  static int talkTo(String url, int count, Dialect dialect) throws InterruptedException {
    Tether tether = Tether.create();
    Socket socket = tether.socket(url, SocketOptions.builder().dialect(dialect).build());

    CountDownLatch connectedOrFailed = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1); // count news answered, or the server left
    CountDownLatch disconnected = new CountDownLatch(1);
    AtomicReference<ConnectError> connectError = new AtomicReference<>();
    AtomicInteger received = new AtomicInteger();

    // Listeners run on a Tether callback thread.
    socket.onConnect(() -> {
      System.out.println("connected as " + socket.id());
      connectedOrFailed.countDown();
    });
    socket.onConnectError(error -> {
      connectError.set(error);
      connectedOrFailed.countDown();
    });
    socket.on("news", String.class, news -> {
      int n = received.incrementAndGet();
      if (n > count) {
        return; // a late one, while we are leaving
      }
      System.out.println(news);
      System.out.println(REPLY_LINE + REPLY);
      socket.emit("reply", REPLY);
      if (n == count) {
        finished.countDown();
      }
    });
    socket.onDisconnect(reason -> {
      System.out.println("disconnected: " + reason);
      disconnected.countDown();
      finished.countDown();
    });

    try {
      socket.connect();
      if (!connectedOrFailed.await(20, TimeUnit.SECONDS) || connectError.get() != null) {
        ConnectError error = connectError.get();
        System.err.println("Could not connect to " + url + ": "
            + (error == null ? "no answer within 20 s" : error.message()));
        return 1;
      }
      finished.await();
      if (received.get() < count) {
        System.err.println("The server closed the connection after " + received.get() + " news");
        return 1;
      }
      socket.disconnect(); // sends the replies still buffered, then leaves
      disconnected.await(5, TimeUnit.SECONDS);
      return 0;
    } finally {
      Shutdown.close(tether); // stops every Tether thread
    }
  }
}
