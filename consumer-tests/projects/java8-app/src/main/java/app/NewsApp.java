package app;

import dev.tether.Socket;
import dev.tether.Tether;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Connects to the news server (args[0]), answers the first news with a reply (args[1]), and leaves
 * when its standard input closes: Socket.IO has no delivery receipt for a plain emit, and leaving at
 * once could lose it (README: wait for an ack before disconnecting when the last message matters).
 */
public final class NewsApp {
  public static void main(String[] args) throws Exception {
    System.out.println("okhttp " + okhttp3.OkHttp.VERSION); // which OkHttp this build resolved
    String reply = args.length > 1 ? args[1] : "hello from a Tether consumer";
    Tether tether = Tether.create();
    try {
      Socket socket = tether.socket(args[0]);
      CountDownLatch replied = new CountDownLatch(1);
      socket.onConnect(() -> System.out.println("connected as " + socket.id()));
      socket.on("news", String.class, news -> {
        System.out.println("news: " + news);
        if (replied.getCount() > 0) {
          socket.emit("reply", reply);
          replied.countDown();
        }
      });
      socket.connect();
      if (!replied.await(30, TimeUnit.SECONDS)) {
        System.out.println("no news within 30 s");
        System.exit(1);
      }
      System.out.println("replied");
      awaitStdinClosed(); // the test closes it once the server has logged the reply
      socket.disconnect();
      System.out.println("done");
    } finally {
      tether.close();
      tether.awaitTermination(10, TimeUnit.SECONDS); // the goodbye is written before main returns
    }
  }

  static void awaitStdinClosed() throws java.io.IOException {
    while (System.in.read() != -1) {
      // until EOF
    }
  }
}
