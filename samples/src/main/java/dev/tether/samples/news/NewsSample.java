package dev.tether.samples.news;

import dev.tether.ConnectError;
import dev.tether.Socket;
import dev.tether.Tether;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The classic socket.io warm-up: the server sends {@code news}, the client answers each one with a
 * {@code reply}.
 *
 * <p>Starts the demo server ({@code samples/demo-server/news-server.js}, the real Node socket.io
 * server), connects to it, answers three news, disconnects and exits. Run it with {@code
 * ./run-sample.sh}.
 *
 * <pre>
 * Options:
 *   --url &lt;url&gt;    connect to this server instead of starting the demo server
 *   --count &lt;n&gt;    how many news to answer before leaving (default 3)
 * </pre>
 */
public final class NewsSample {

  public static void main(String[] args) throws InterruptedException {
    String url = null;
    int count = 3;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--url") && i + 1 < args.length) {
        url = args[++i];
      } else if (args[i].equals("--count") && i + 1 < args.length) {
        count = positive(args[++i]);
      } else {
        exit(2, "Unknown argument: " + args[i] + "\nUsage: NewsSample [--url <url>] [--count <n>]");
      }
    }

    // Our own demo server, unless --url names one. It is stopped in any case (finally).
    NewsServer server = url == null ? NewsServer.start() : null;
    if (server != null) {
      System.out.println("demo server listening at " + server.url());
    }
    int exitCode;
    try {
      exitCode = talkTo(server == null ? url : server.url(), count);
    } finally {
      if (server != null) {
        server.close();
      }
    }
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  /** Answers count news from the server at url, then leaves. Returns the process exit code. */
  static int talkTo(String url, int count) throws InterruptedException {
    Tether tether = Tether.create();
    Socket socket = tether.socket(url);

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
      socket.emit("reply", "Hello Node.JS");
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
      tether.close(); // stops every Tether thread
    }
  }

  private static int positive(String count) {
    try {
      int n = Integer.parseInt(count);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    exit(2, "--count needs a positive number, not " + count);
    return 0; // not reached
  }

  private static void exit(int code, String message) {
    System.err.println(message);
    System.exit(code);
  }
}
