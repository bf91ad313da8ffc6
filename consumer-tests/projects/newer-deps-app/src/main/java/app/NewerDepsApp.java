package app;

import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.rx.RxSocket;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.schedulers.Schedulers;

/** Connects to the news server (args[0]) with RxSocket, answers the first news with a reply, and leaves. */
public final class NewerDepsApp {
  public static void main(String[] args) {
    System.out.println("okhttp " + okhttp3.OkHttp.VERSION);
    String reply = args.length > 1 ? args[1] : "hello from newer-deps-app";
    try (Tether tether = Tether.create()) {
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
          .andThen(Completable.fromAction(socket::disconnect))
          .blockingAwait();
      System.out.println("done");
    }
  }
}
