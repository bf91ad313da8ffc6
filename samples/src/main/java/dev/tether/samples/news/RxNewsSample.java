package dev.tether.samples.news;

import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.rx.RxSocket;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.schedulers.Schedulers;

/**
 * The news/reply warm-up with the RxJava 3 API: connect, then answer the first {@code count} news
 * with a {@code reply} acknowledged by nothing but the stream itself, then leave.
 *
 * <pre>
 * ./mvnw -q -pl samples -am package exec:java -DskipTests -Dsample=dev.tether.samples.news.RxNewsSample
 * </pre>
 *
 * Options as {@link NewsSample}: {@code --url <url>} and {@code --count <n>} (default 3).
 */
public final class RxNewsSample {
  public static void main(String[] args) {
    String url = null;
    int count = 3;
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--url")) url = args[i + 1];
      if (args[i].equals("--count")) count = Integer.parseInt(args[i + 1]);
    }
    NewsServer server = url == null ? NewsServer.start() : null;
    Tether tether = Tether.create();
    try {
      Socket socket = tether.socket(server != null ? server.url() : url);
      RxSocket rx = RxSocket.from(socket);

      rx.state().subscribe(state -> System.out.println("state: " + state));
      rx.connect()
          .andThen(rx.on("news", String.class).take(count))           // the first `count` news
          .observeOn(Schedulers.single())                                // off the callback thread
          .concatMapCompletable(news -> {
            System.out.println(news);
            return rx.emit("reply", "Hello Node.JS from Rx");
          })
          .andThen(Completable.fromAction(socket::disconnect))
          .blockingAwait();                                              // a main method may block
      System.out.println("done");
    } finally {
      tether.close();
      if (server != null) server.close();
    }
  }

  private RxNewsSample() {
  }
}
