package dev.tether.samples.chat;

import dev.tether.samples.Shutdown;
import static java.util.concurrent.TimeUnit.SECONDS;

import dev.tether.ConnectError;
import dev.tether.ConnectErrorException;
import dev.tether.ConnectionState;
import dev.tether.SocketDisconnectedException;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.TetherException;
import dev.tether.rx.RxSocket;
import dev.tether.samples.Cli;
import dev.tether.samples.DemoServer;
import dev.tether.samples.chat.ChatProtocol.ImageInfo;
import dev.tether.samples.chat.ChatProtocol.JoinReply;
import dev.tether.samples.chat.ChatProtocol.Message;
import dev.tether.samples.chat.ChatProtocol.Notice;
import dev.tether.samples.chat.ChatProtocol.RoomInfo;
import dev.tether.samples.chat.ChatProtocol.SendReply;
import dev.tether.samples.chat.ChatProtocol.Text;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.CompositeDisposable;
import io.reactivex.rxjava3.schedulers.Schedulers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The chat of {@link ChatSample} written with Tether's RxJava 3 API ({@link RxSocket}), with a
 * lighter feature set: join one room, send each typed line as an acknowledged message, show what
 * the others say, send and do (messages, images, arrivals and departures, new rooms) and the
 * connection's state. Everything is a stream:
 *
 * <ul>
 *   <li>what the server tells us: {@code rx.on(...)} and {@code rx.state()} mapped to lines and
 *       merged into one display stream;
 *   <li>the session: {@code rx.connect()}, then the {@code join} ack (a {@code Single}), then the
 *       typed lines (an {@code Observable} read on an I/O thread), each sent with {@code
 *       rx.emitWithAck};
 *   <li>at the end, one {@code dispose()} removes every listener.
 * </ul>
 *
 * <pre>
 * printf 'hello\n/quit\n' | ./run-sample.sh rx-chat --name ann --room general
 * </pre>
 */
@Command(name = "rx-chat", abbreviateSynopsis = true, sortOptions = false,
    description = "The chat client written with RxJava 3: join one room and send each line you type.",
    footer = {"", "Then type messages; /quit (or the end of the input) leaves."})
public final class RxChatSample implements Callable<Integer> {

  @Option(names = "--url", paramLabel = "<url>",
      description = "the chat server (default: start the demo chat server)")
  private String url;

  @Option(names = "--name", paramLabel = "<name>",
      description = "your name, 1-32 characters (default: user-<4 random digits>)")
  private String name = String.format("user-%04d", ThreadLocalRandom.current().nextInt(10_000));

  @Option(names = "--room", paramLabel = "<room>", defaultValue = "general",
      description = "the room to join (default: ${DEFAULT-VALUE})")
  private String room;

  @Mixin
  private Cli.Help help;

  private final BufferedReader in;
  private final PrintStream out;

  private RxChatSample(BufferedReader in, PrintStream out) {
    this.in = in;
    this.out = out;
  }

  public static void main(String[] args) {
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Cli.exit(run(args, stdin, System.out));
  }

  /**
   * As {@link ChatSample#run}: returns 0 after a normal session, 1 if the chat refused us, 2 for bad
   * arguments (reported on {@code out}).
   */
  static int run(String[] args, BufferedReader in, PrintStream out) {
    return Cli.execute(new RxChatSample(in, out), args, out, out);
  }

  @Override
  public Integer call() {
    DemoServer server = url == null ? DemoServer.start(DemoServer.CHAT) : null;
    Tether tether = Tether.create();
    CompositeDisposable subscriptions = new CompositeDisposable();
    try {
      String base = server != null ? server.url() : url.replaceAll("/+$", "");
      if (server != null) {
        out.println("demo chat server listening at " + base);
      }
      RxSocket rooms = RxSocket.from(tether.socket(base + "/room"));
      RxSocket chat = RxSocket.from(tether.socket(base + "/chat",
          SocketOptions.builder().auth(Map.of("name", name)).build()));

      // Everything the server tells us, as lines, in one stream with one subscriber: println
      // prints each line whole, whichever Tether thread it comes from. (rejoins first: listeners
      // run in the order they were added, so it acts on a change before the change is printed.)
      subscriptions.add(Observable.merge(rejoins(chat, room), connectionChanges(chat),
              incoming(chat), roomNotices(rooms))
          .subscribe(out::println, error -> out.println("! " + error)));
      subscriptions.add(rooms.connect() // only for the room notices; the chat works without them
          .subscribe(() -> { }, error -> out.println("! no room notices: " + error.getMessage())));

      String me = name;
      String here = room;
      Observable<String> typed = lines(in)
          .takeWhile(line -> !line.trim().equals("/quit"))
          .filter(line -> !line.isBlank());
      chat.connect()
          .andThen(chat.emitWithAck("join", JoinReply.class, room)
              .timeout(10, SECONDS, Single.error(new TetherException("no answer to join in 10 s"))))
          .flatMapCompletable(joined -> joined.ok()
              ? Completable.fromAction(() -> out.println(tag(here) + " joined as " + me
                      + "; here: " + String.join(", ", joined.members())))
                  // flatMap, not concatMap: each line goes out at once (buffered by Tether while
                  // the connection is down); its ack arrives whenever it does.
                  .andThen(typed.flatMapSingle(text -> send(chat, here, me, text)))
                  .doOnNext(out::println)
                  .ignoreElements()
              : Completable.error(new TetherException("could not join " + here + ": " + joined.error())))
          .blockingAwait(); // a main method may block; nothing inside the chain does

      chat.socket().disconnect();
      rooms.socket().disconnect();
      out.println("bye");
      return 0;
    } catch (ConnectErrorException e) {
      ConnectError error = e.connectError();
      out.println("! could not join the chat as \"" + name + "\": " + error.message()
          + (error.dataJson() != null ? " " + error.dataJson() : ""));
      return 1;
    } catch (TetherException e) {
      out.println("! " + e.getMessage());
      return 1;
    } finally {
      subscriptions.dispose(); // removes every listener registered by the display streams
      Shutdown.close(tether);
      if (server != null) {
        server.close();
      }
    }
  }

  /** The connection's state changes, e.g. {@code connection: RECONNECTING}. */
  private static Observable<String> connectionChanges(RxSocket chat) {
    return chat.state()
        .skip(1) // the state at subscription: DISCONNECTED, before connect()
        .map(state -> "connection: " + state
            + (state == ConnectionState.CONNECTED && chat.socket().recovered() ? " (state recovered)" : ""));
  }

  /** What the others in our room say and do. */
  private static Observable<String> incoming(RxSocket chat) {
    return Observable.merge(
        chat.on("message", Message.class).map(m -> tag(m.room()) + " " + m.user() + ": " + m.text()),
        chat.on("image").map(event -> {
          ImageInfo info = event.arg(0, ImageInfo.class);
          byte[] data = event.arg(1, byte[].class); // the binary attachment
          return tag(info.room()) + " " + info.user() + " sent image " + info.name() + " ("
              + data.length + " bytes)";
        }),
        chat.on("joined", Notice.class).map(n -> tag(n.room()) + " * " + n.user() + " joined"),
        chat.on("left", Notice.class).map(n -> tag(n.room()) + " * " + n.user() + " left"));
  }

  private static Observable<String> roomNotices(RxSocket rooms) {
    return Observable.merge(
        rooms.on("room-created", RoomInfo.class).map(info -> "* room created: " + info.name()),
        rooms.on("room-removed", String.class).map(removed -> "* room removed: " + removed));
  }

  /**
   * Joins the room again after a reconnect without state recovery (a server restart), as {@link
   * ChatSample} does: the join is emitted when the connection drops, so it waits in Tether's send
   * buffer ahead of the lines typed during the outage (Tether flushes that buffer before any
   * reaction to the reconnect could run). With state recovery it changes nothing and says nothing.
   */
  private static Observable<String> rejoins(RxSocket chat, String room) {
    return chat.state()
        .skipWhile(state -> state != ConnectionState.CONNECTED) // not while connecting the first time
        .filter(state -> state == ConnectionState.RECONNECTING)
        .flatMapMaybe(lost -> chat.emitWithAck("join", JoinReply.class, room)
            .filter(joined -> joined.ok() && !chat.socket().recovered())
            .map(joined -> tag(room) + " joined again by ourselves; here: "
                + String.join(", ", joined.members()))
            .onErrorComplete()); // lost again before the answer: the next RECONNECTING joins again
  }

  /** Sends one line; the result is the line to print: the message with its id, or why it failed. */
  private static Single<String> send(RxSocket chat, String room, String name, String text) {
    return chat.emitWithAck("message", SendReply.class, new Text(text))
        .timeout(30, SECONDS) // disposing cancels the ack, and drops the emit if still buffered
        .map(sent -> sent.ok()
            ? tag(room) + " " + name + ": " + text + " (#" + sent.id() + ")"
            : "! not sent: \"" + text + "\": " + sent.error())
        .onErrorReturn(error -> "! \"" + text + "\" not confirmed: " + describe(error));
  }

  /** The user's lines, read on an I/O thread (reading blocks); completes at the end of the input. */
  private static Observable<String> lines(BufferedReader in) {
    return Observable.<String>generate(emitter -> {
      String line = in.readLine();
      if (line == null) {
        emitter.onComplete();
      } else {
        emitter.onNext(line);
      }
    }).subscribeOn(Schedulers.io());
  }

  private static String describe(Throwable error) {
    if (error instanceof TimeoutException) {
      return "no answer from the server in time";
    }
    if (error instanceof SocketDisconnectedException) {
      return "the connection dropped before the server answered (it may have arrived)";
    }
    return String.valueOf(error.getMessage());
  }

  private static String tag(String room) {
    return "[" + room + "]";
  }
}
