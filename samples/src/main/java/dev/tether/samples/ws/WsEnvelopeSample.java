package dev.tether.samples.ws;

import dev.tether.samples.Shutdown;
import dev.tether.Envelope;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.samples.Cli;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A plain WebSocket server with a JSON envelope, {@code {"name": <event>, "data": <payload>}}: the
 * demo server ({@code samples/demo-server/ws-envelope-server.js}, Node {@code ws}) answers a
 * {@code join} with {@code hello} and {@code {"a":"123","b":"234"}}. With {@code
 * Envelope.json("name", "data")} the envelope's name is the event and its data the one argument, so
 * {@code on("hello", Hello.class, ...)} and {@code emit("join", new Join(room))} read as for Socket.IO.
 *
 * <p>Run it with {@code ./run-sample.sh ws-envelope}; the server's own lines are shown prefixed with
 * {@code server: }.
 */
@Command(name = "ws-envelope", abbreviateSynopsis = true, sortOptions = false,
    description = "A plain WebSocket server with {\"name\",\"data\"} envelopes: join, print the hello, leave.")
public final class WsEnvelopeSample implements Callable<Integer> {
  static final String SERVER_PREFIX = "server: ";

  /** What the server says back to a join. */
  record Hello(String a, String b) {
  }

  /** What we send to join. */
  record Join(String room) {
  }

  @Option(names = "--url", paramLabel = "<url>",
      description = "connect to this ws:// server instead of starting the demo server")
  private String url;

  @Option(names = "--room", paramLabel = "<name>", defaultValue = "lobby",
      description = "the room to join (default ${DEFAULT-VALUE})")
  private String room;

  @Mixin
  private Cli.Help help;

  public static void main(String[] args) {
    Cli.exit(run(args));
  }

  /** Runs the sample; returns the exit code: 0, 1 when it could not talk to the server, 2 for bad arguments. */
  static int run(String... args) {
    return Cli.execute(new WsEnvelopeSample(), args, System.out, System.err);
  }

  @Override
  public Integer call() throws InterruptedException {
    CountDownLatch serverSawUsLeave = new CountDownLatch(1);
    WsDemoServer server = url == null ? WsDemoServer.startEnvelope(line -> {
      System.out.println(SERVER_PREFIX + line);
      if (line.startsWith("disconnected ")) serverSawUsLeave.countDown();
    }) : null;
    try {
      int exitCode = join(server == null ? url : server.url(), room);
      if (server != null && exitCode == 0) serverSawUsLeave.await(5, TimeUnit.SECONDS);
      return exitCode;
    } finally {
      if (server != null) server.close();
    }
  }

  static int join(String url, String room) throws InterruptedException {
    Tether tether = Tether.create();
    Socket socket = tether.socket(url,
        SocketOptions.builder().plainWebSocket(Envelope.json("name", "data")).build());
    CountDownLatch hello = new CountDownLatch(1);
    socket.onConnect(() -> System.out.println("connected to " + url));
    socket.on("hello", Hello.class, h -> {
      System.out.println("< hello: a=" + h.a() + ", b=" + h.b());
      hello.countDown();
    });
    socket.on("error", event -> System.out.println("< error from the server: " + event.arg(0)));
    socket.onDisconnect(reason -> System.out.println("disconnected: " + reason));
    try {
      System.out.println("> join " + room);
      socket.emit("join", new Join(room)); // buffered until the connection is open
      socket.connect();
      if (!hello.await(20, TimeUnit.SECONDS)) {
        System.err.println("No hello from " + url + " within 20 s");
        return 1;
      }
      socket.disconnect(); // a normal close (1000); no reconnection
      return 0;
    } finally {
      Shutdown.close(tether);
    }
  }
}
