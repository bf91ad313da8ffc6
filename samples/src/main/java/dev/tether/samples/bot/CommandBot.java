package dev.tether.samples.bot;

import static java.util.stream.Collectors.joining;

import dev.tether.AckTimeoutException;
import dev.tether.ConnectError;
import dev.tether.Socket;
import dev.tether.SocketDisconnectedException;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.TetherException;
import dev.tether.samples.Cli;
import dev.tether.samples.DemoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * A command bot: joins a room of the chat demo server ({@code samples/demo-server/chat-server.js},
 * namespace {@code /chat}) and answers the commands people type there, showing acknowledgements both
 * ways: it asks the server for data with acks ({@code members}), and every answer is an
 * {@code emitWithAck("message", {text})} whose ack (message id and latency, or the failure) it prints.
 *
 * <pre>
 * ./run-sample.sh bot                  # its own chat demo server (URL printed); until Ctrl-C
 * ./run-sample.sh bot --url http://127.0.0.1:3000 --room random --exit-after 5
 * </pre>
 *
 * Commands: {@code !help}, {@code !echo <text>}, {@code !time}, {@code !roll [NdM]}, {@code !who},
 * {@code !ping}, {@code !stats}. Listeners never block: whatever needs the server's answer continues
 * in {@link dev.tether.AckCall#then}. Malformed payloads are logged and ignored. After a reconnection
 * that the server could not recover ({@link Socket#recovered()} false) the bot joins its room again.
 */
public final class CommandBot implements AutoCloseable {

  private static final long ACK_TIMEOUT_MS = 5_000;
  private static final long JOIN_TIMEOUT_SECONDS = 15;
  private static final Pattern DICE = Pattern.compile("(\\d{1,3})?[dD](\\d{1,4})");

  /** The command line, filled by picocli, and the bot run with it. */
  @Command(name = "bot", abbreviateSynopsis = true, sortOptions = false,
      description = "A command bot in a room of the chat demo server: it answers the commands people "
          + "type there, and prints one line per command with its ack.",
      footer = {"", "Commands: !help, !echo <text>, !time, !roll [NdM], !who, !ping, !stats"})
  static final class Options implements Callable<Integer> {
    @Option(names = "--url", paramLabel = "<url>", converter = Url.class,
        description = "the chat server (its /chat namespace); default: start the chat demo server")
    private String url; // null: start the chat demo server

    @Option(names = "--name", paramLabel = "<name>", defaultValue = "bot",
        description = "the bot's name in the room (default: ${DEFAULT-VALUE})")
    private String name;

    @Option(names = "--room", paramLabel = "<room>", defaultValue = "general",
        description = "the room to join (default: ${DEFAULT-VALUE})")
    private String room;

    @Option(names = "--prefix", paramLabel = "<c>", defaultValue = "!", converter = Prefix.class,
        description = "what starts a command (default: ${DEFAULT-VALUE})")
    private String prefix;

    @Option(names = "--exit-after", paramLabel = "<n>", converter = Cli.PositiveInt.class,
        description = "leave after answering n commands (default: run until Ctrl-C or end of input)")
    private int exitAfter; // 0: no limit

    @Mixin
    private Cli.Help help;

    private final PrintStream out;
    private final InputStream stdin;

    private Options(PrintStream out, InputStream stdin) {
      this.out = out;
      this.stdin = stdin;
    }

    @Override
    public Integer call() throws InterruptedException {
      return runBot(this, out, stdin);
    }
  }

  /** An http(s):// or ws(s):// URL. */
  static final class Url implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!value.matches("(?i)(https?|wss?)://[^\\s]+")) {
        throw new TypeConversionException("needs an http(s):// or ws(s):// URL, not " + value);
      }
      return value;
    }
  }

  /** Non-empty, without spaces. */
  static final class Prefix implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
        throw new TypeConversionException("must be non-empty, without spaces");
      }
      return value;
    }
  }

  public static void main(String[] args) {
    Cli.exit(run(args, System.out, System.in));
  }

  /**
   * Runs the bot until it has answered --exit-after commands, stdin ends (when stdin is not null and
   * there is no --exit-after) or the JVM is asked to stop (Ctrl-C). Prints everything on out, usage
   * errors too. Returns the exit code: 0, 1 when it could not join its room, 2 for a bad command line.
   */
  static int run(String[] args, PrintStream out, InputStream stdin) {
    return Cli.execute(new Options(out, stdin), args, out, out);
  }

  private static int runBot(Options options, PrintStream out, InputStream stdin) throws InterruptedException {
    // Our own chat demo server, unless --url names one. It is stopped in any case (finally).
    DemoServer server = null;
    if (options.url == null) {
      try {
        server = DemoServer.start(DemoServer.CHAT);
      } catch (IllegalStateException e) {
        out.println("Could not start the chat demo server: " + e.getMessage());
        return 1;
      }
      out.println("chat demo server at " + server.url() + " - talk to the bot from another terminal: "
          + "./run-sample.sh chat --url " + server.url());
    }
    String url = options.url != null ? options.url : server.url();

    CountDownLatch stop = new CountDownLatch(1); // --exit-after reached, end of input, or Ctrl-C
    CountDownLatch cleanedUp = new CountDownLatch(1);
    Thread onCtrlC = new Thread(() -> {
      stop.countDown();
      awaitQuietly(cleanedUp, 5); // let main close the bot and the server before the JVM halts
    }, "command-bot-shutdown");
    Runtime.getRuntime().addShutdownHook(onCtrlC);

    // A listener that throws anyway is reported here; the socket and the bot carry on.
    try (Tether tether = Tether.builder()
            .listenerErrorHandler((manager, socket, event, error) ->
                out.println("the listener for '" + event + "' failed (ignored): " + error))
            .build();
        CommandBot bot = new CommandBot(tether, url, options, out, stop::countDown)) {
      if (!bot.start()) {
        return 1;
      }
      if (options.exitAfter > 0) {
        out.println("leaving after " + commands(options.exitAfter) + " (or Ctrl-C)");
      } else {
        out.println("running until Ctrl-C" + (stdin != null ? " or end of input (Ctrl-D)" : ""));
        if (stdin != null) {
          stopAtEndOf(stdin, stop);
        }
      }
      stop.await();
      return 0;
    } finally { // bot.close() and tether.close() ran already
      if (server != null) {
        server.close();
      }
      cleanedUp.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and waits for cleanedUp
      }
    }
  }

  // ---- the bot -----------------------------------------------------------------------------

  private final String url;
  private final Socket socket;
  private final Options options;
  private final PrintStream out;
  private final Runnable onExitAfter;
  private final CompletableFuture<Void> firstJoin = new CompletableFuture<>();
  private final AtomicInteger accepted = new AtomicInteger(); // commands taken on
  private final AtomicInteger answered = new AtomicInteger(); // answers sent
  private final AtomicInteger handled = new AtomicInteger(); // answers whose ack completed
  private final AckStats stats = new AckStats();
  private volatile boolean inRoom;

  CommandBot(Tether tether, String url, Options options, PrintStream out, Runnable onExitAfter) {
    this.url = chatUrl(url);
    this.options = options;
    this.out = out;
    this.onExitAfter = onExitAfter;
    socket = tether.socket(this.url, SocketOptions.builder()
        .auth(Map.of("name", options.name)) // chat-server.js requires a name
        .build());

    // Listeners run on Tether's callback thread, one at a time: none of them may block.
    socket.onConnect(this::joinRoom);
    socket.onConnectError(this::onConnectError);
    socket.onDisconnect(reason -> {
      inRoom = false;
      log("disconnected: " + reason + (reason.isRecoverable() ? " (reconnecting)" : ""));
    });
    socket.on("message", event -> onMessage(event.arg(0)));
    socket.on("joined", event -> onNotice("joined", event.arg(0)));
    socket.on("left", event -> onNotice("left", event.arg(0)));
  }

  /** Connects and joins the room; false (after saying why) if that fails or takes too long. */
  boolean start() throws InterruptedException {
    socket.connect();
    try {
      firstJoin.get(JOIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      log("giving up: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      log("giving up: could not join " + options.room + " at " + url + " within "
          + JOIN_TIMEOUT_SECONDS + " s");
    }
    return false;
  }

  /** Leaves the room (so the others see "left" at once) and disconnects. Blocks up to 2 s. */
  @Override
  public void close() {
    if (inRoom && socket.isConnected()) {
      log("leaving " + options.room + " after answering " + commands(answered.get()));
      try {
        socket.emitWithAck("leave").await(2, TimeUnit.SECONDS); // fine here: not a listener
      } catch (TetherException e) {
        log("leave failed: " + describe(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    socket.disconnect();
  }

  private void joinRoom() {
    if (socket.recovered()) {
      // The server replayed what we missed and kept us in the room: nothing to do.
      inRoom = true;
      log("reconnected as " + socket.id() + "; the server recovered the session, still in "
          + options.room);
      return;
    }
    // A first connection, or one the server could not recover (e.g. it restarted): join (again).
    log("connected as " + socket.id() + "; joining " + options.room);
    socket.emitWithAck("join", options.room)
        .timeout(ACK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .then(reply -> {
          if (reply.arg(0) instanceof Map<?, ?> map && Boolean.TRUE.equals(map.get("ok"))) {
            inRoom = true;
            log("joined " + options.room + " with " + map.get("members") + "; commands start with "
                + options.prefix);
            firstJoin.complete(null);
          } else {
            String why = "could not join " + options.room + ": " + describeAck(reply.arg(0));
            log(why);
            firstJoin.completeExceptionally(new IllegalStateException(why));
          }
        }, failure -> {
          log("could not join " + options.room + ": " + describe(failure));
          firstJoin.completeExceptionally(failure);
        });
  }

  private void onConnectError(ConnectError error) {
    log("connect error: " + error.message());
    if (error.isServerRefusal()) { // e.g. a bad --name; Tether does not retry a refusal
      firstJoin.completeExceptionally(new IllegalStateException(
          "the server refused the connection: " + error.message()));
    }
  }

  /** A "message" event: a command for us, conversation, or something malformed. */
  private void onMessage(Object payload) {
    ChatLine line = ChatLine.of(payload);
    if (line == null) {
      log("ignored a malformed message: " + shorten(String.valueOf(payload)));
      return;
    }
    if (!line.text().startsWith(options.prefix)) {
      return; // conversation, not a command
    }
    if (options.exitAfter > 0 && accepted.incrementAndGet() > options.exitAfter) {
      return; // we are leaving
    }
    String[] words = line.text().substring(options.prefix.length()).strip().split("\\s+", 2);
    String command = words[0].toLowerCase(Locale.ROOT);
    String argument = words.length > 1 ? words[1] : "";
    String p = options.prefix;
    switch (command) {
      case "help" -> answer(line, "commands: " + p + "help, " + p + "echo <text>, " + p + "time, "
          + p + "roll [NdM], " + p + "who, " + p + "ping, " + p + "stats");
      case "echo" -> answer(line, argument.isEmpty() ? "usage: " + p + "echo <text>" : argument);
      case "time" -> answer(line, "it is " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
      case "roll" -> answer(line, Objects.requireNonNullElse(roll(argument.isEmpty() ? "1d6" : argument),
          "usage: " + p + "roll [NdM] with 1-100 dice of 2-1000 sides, e.g. " + p + "roll 2d6"));
      case "who" -> askServerForMembers(line, (members, ms) -> answer(line, members instanceof List<?> names
          ? "in " + options.room + ": " + names.stream().map(String::valueOf).collect(joining(", "))
          : "the server sent no member list: " + shorten(String.valueOf(members))));
      case "ping" -> askServerForMembers(line, (members, ms) ->
          answer(line, String.format(Locale.ROOT, "pong: %.1f ms to the server and back", ms)));
      case "stats" -> answer(line, stats.describe(answered.get()));
      // shortened: the answer must stay within the server's 2000 characters
      default -> answer(line, "unknown command " + p + abbreviate(command, 40) + ", try " + p + "help");
    }
  }

  /** A server round trip for !who and !ping: then() continues with the member list and latency. */
  private void askServerForMembers(ChatLine line, BiConsumer<Object, Double> then) {
    long sent = System.nanoTime();
    socket.emitWithAck("members")
        .timeout(ACK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .then(reply -> then.accept(reply.arg(0), stats.received(sent)), failure -> {
          stats.failed();
          answer(line, "could not ask the server: " + describe(failure));
        });
  }

  /** Sends the answer and prints one line for the command once its ack completes. */
  private void answer(ChatLine command, String text) {
    answered.incrementAndGet();
    long sent = System.nanoTime();
    socket.emitWithAck("message", Map.of("text", text))
        .timeout(ACK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .then(reply -> {
          double ms = stats.received(sent);
          done(command, text, String.format(Locale.ROOT, "ack: %s, %.1f ms", describeAck(reply.arg(0)), ms));
        }, failure -> {
          stats.failed();
          done(command, text, "no ack: " + describe(failure));
        });
  }

  private void done(ChatLine command, String answer, String ackResult) {
    log(command.user() + ": " + shorten(command.text()) + " => " + shorten(answer) + " | " + ackResult);
    if (handled.incrementAndGet() == options.exitAfter) {
      onExitAfter.run();
    }
  }

  private void onNotice(String what, Object payload) {
    if (payload instanceof Map<?, ?> map && map.get("user") instanceof String user) {
      log(user + " " + what + " " + map.get("room"));
    } else {
      log("ignored a malformed '" + what + "' notice: " + shorten(String.valueOf(payload)));
    }
  }

  private void log(String line) {
    out.println(line);
  }

  // ---- pure helpers (tested on their own) --------------------------------------------------

  /** A chat message as chat-server.js sends it: { id, room, user, text, at }; user and text matter. */
  record ChatLine(String user, String text) {

    /** The message in payload (argument 0 as plain Java), or null when it is malformed. */
    static ChatLine of(Object payload) {
      if (payload instanceof Map<?, ?> map
          && map.get("user") instanceof String user
          && map.get("text") instanceof String text) {
        return new ChatLine(user, text);
      }
      return null;
    }
  }

  /** "NdM" (1-100 dice of 2-1000 sides) rolled, e.g. "2d6: 3 + 5 = 8"; null if spec is not that. */
  static String roll(String spec) {
    Matcher dice = DICE.matcher(spec.strip());
    int count = dice.matches() ? (dice.group(1) == null ? 1 : Integer.parseInt(dice.group(1))) : 0;
    int sides = dice.matches() ? Integer.parseInt(dice.group(2)) : 0;
    if (count < 1 || count > 100 || sides < 2 || sides > 1000) {
      return null;
    }
    int[] rolls = IntStream.range(0, count)
        .map(i -> ThreadLocalRandom.current().nextInt(sides) + 1)
        .toArray();
    String name = count + "d" + sides + ": ";
    if (count == 1) {
      return name + rolls[0];
    }
    return name + IntStream.of(rolls).mapToObj(Integer::toString).collect(joining(" + "))
        + " = " + IntStream.of(rolls).sum();
  }

  /** What a message or join ack says: chat-server.js answers { ok, id, ... } or { ok: false, error }. */
  static String describeAck(Object reply) {
    if (reply instanceof Map<?, ?> map && Boolean.TRUE.equals(map.get("ok"))) {
      return map.containsKey("id") ? "id " + map.get("id") : "ok";
    }
    if (reply instanceof Map<?, ?> map && map.get("error") instanceof String error) {
      return "server error \"" + error + "\"";
    }
    return "unexpected reply " + shorten(String.valueOf(reply));
  }

  /** Why an ack failed, in a few words. */
  static String describe(Throwable failure) {
    if (failure instanceof AckTimeoutException) {
      return "timeout after " + ACK_TIMEOUT_MS + " ms";
    }
    if (failure instanceof SocketDisconnectedException disconnected) {
      return "disconnected (" + disconnected.reason() + ")";
    }
    return failure.getMessage() != null ? failure.getMessage() : failure.toString();
  }

  static String commands(int n) {
    return n + (n == 1 ? " command" : " commands");
  }

  /** One line of at most 200 characters, for the log. */
  static String shorten(String text) {
    return abbreviate(text.replace("\r", "\\r").replace("\n", "\\n"), 200);
  }

  private static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  /** The /chat namespace of the server at url (which may name it already). */
  static String chatUrl(String url) {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    return base.endsWith("/chat") ? base : base + "/chat";
  }

  /** Acks the bot received and their latency. Updated on the callback thread, read by !stats. */
  private static final class AckStats {
    private int received;
    private int failed;
    private double totalMs;
    private double maxMs;

    /** Records an ack for an emit made at sentNanos; returns its latency in ms. */
    synchronized double received(long sentNanos) {
      double ms = (System.nanoTime() - sentNanos) / 1e6;
      received++;
      totalMs += ms;
      maxMs = Math.max(maxMs, ms);
      return ms;
    }

    synchronized void failed() {
      failed++;
    }

    synchronized String describe(int answered) {
      return String.format(Locale.ROOT,
          "answered %s; %d acks received, latency avg %.1f ms, max %.1f ms; %d failed",
          commands(answered), received, received == 0 ? 0 : totalMs / received, maxMs, failed);
    }
  }

  // ---- process plumbing --------------------------------------------------------------------

  /** Counts stop down once stdin reaches its end (a daemon thread: it never holds the JVM). */
  private static void stopAtEndOf(InputStream stdin, CountDownLatch stop) {
    Thread reader = new Thread(() -> {
      try {
        while (stdin.read() != -1) {
          // typed lines mean nothing to the bot
        }
      } catch (IOException ignored) {
        // as the end
      }
      stop.countDown();
    }, "command-bot-stdin");
    reader.setDaemon(true);
    reader.start();
  }

  private static void awaitQuietly(CountDownLatch latch, long seconds) {
    try {
      latch.await(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
