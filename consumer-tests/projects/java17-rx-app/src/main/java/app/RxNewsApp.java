package app;

import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.rx.RxSocket;
import io.reactivex.rxjava3.schedulers.Schedulers;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Connects to the news server (args[0]) with RxSocket, answers the first news with a reply (args[1]), and leaves when stdin closes. */
public final class RxNewsApp {
  public static void main(String[] args) throws IOException, InterruptedException {
    System.out.println("okhttp " + okhttp3.OkHttp.VERSION); // which OkHttp this build resolved
    String reply = args.length > 1 ? args[1] : "hello from a Tether consumer";
    Tether tether = Tether.create();
    try {
      Socket socket = tether.socket(args[0]);
      RxSocket rx = RxSocket.from(socket);
      rx.connect()
          .doOnComplete(() -> System.out.println("connected as " + socket.id()))
          .andThen(rx.on("news", String.class).firstOrError())
          .observeOn(Schedulers.single())
          .flatMapCompletable(news -> {
            System.out.println("news: " + news);
            return rx.emit("reply", reply);
          })
          .blockingAwait();
      System.out.println("replied");
      awaitStdinClosed(); // the test closes it once the server has logged the reply
      socket.disconnect();
      System.out.println("done");
    } finally {
      tether.close();
      tether.awaitTermination(10, TimeUnit.SECONDS); // the goodbye is written before main returns
    }
  }

  static void awaitStdinClosed() throws IOException {
    while (System.in.read() != -1) {
      // until EOF
    }
  }
}
