package dev.tether.samples.news;

import dev.tether.samples.Shutdown;
import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.rx.RxSocket;
import dev.tether.samples.Cli;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.schedulers.Schedulers;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The news/reply warm-up with the RxJava 3 API: connect, then answer the first {@code count} news
 * with a {@code reply} acknowledged by nothing but the stream itself, then leave.
 *
 * <pre>
 * ./run-sample.sh rx-news --count 5
 * </pre>
 *
 * Options as {@link NewsSample}: {@code --url <url>} and {@code --count <n>} (default 3).
 */
@Command(name = "rx-news", abbreviateSynopsis = true, sortOptions = false,
    description = "The news/reply warm-up with the RxJava 3 API.")
public final class RxNewsSample implements Callable<Integer> {

  @Option(names = "--url", paramLabel = "<url>",
      description = "connect to this server instead of starting the demo server")
  private String url;

  @Option(names = "--count", paramLabel = "<n>", defaultValue = "3", converter = Cli.PositiveInt.class,
      description = "how many news to answer before leaving (default ${DEFAULT-VALUE})")
  private int count;

  @Mixin
  private Cli.Help help;

  public static void main(String[] args) {
    Cli.exit(run(args));
  }

  /** Runs the sample; returns the exit code: 0, or 2 for bad arguments. */
  static int run(String... args) {
    return Cli.execute(new RxNewsSample(), args, System.out, System.err);
  }

  @Override
  public Integer call() {
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
      return 0;
    } finally {
      Shutdown.close(tether);
      if (server != null) server.close();
    }
  }
}
