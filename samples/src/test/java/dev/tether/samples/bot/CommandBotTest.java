package dev.tether.samples.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.tether.AckTimeoutException;
import dev.tether.DisconnectReason;
import dev.tether.Socket;
import dev.tether.SocketDisconnectedException;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.samples.DemoServer;
import dev.tether.samples.bot.CommandBot.ChatLine;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs {@link CommandBot} against the real chat demo server ({@code samples/demo-server/chat-server.js})
 * and talks to it with a plain Tether client, as a person in the room would.
 */
class CommandBotTest {

  private static DemoServer server;

  @BeforeAll
  static void startServer() {
    server = DemoServer.start(DemoServer.CHAT);
  }

  @AfterAll
  static void stopServer() {
    server.close();
    assertThat(chatServerProcesses()).as("node processes left behind").isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void answersCommandsWithAcksAndLeavesAfterExitAfter() throws Exception {
    try (BotRun bot = new BotRun("--url", server.url(), "--room", "lobby", "--exit-after", "9")) {
      bot.awaitOutput("joined lobby");
      try (ChatClient alice = new ChatClient(server.url(), "alice", "lobby")) {
        assertThat((List<Object>) alice.joinReply.get().get("members"))
            .containsExactlyInAnyOrder("bot", "alice");

        Map<String, Object> echo = alice.command("!echo hi");
        assertThat(echo.get("text")).isEqualTo("hi");

        String roll = text(alice.command("!roll 2d6"));
        Matcher dice = Pattern.compile("2d6: (\\d+) \\+ (\\d+) = (\\d+)").matcher(roll);
        assertThat(dice.matches()).as(roll).isTrue();
        int first = Integer.parseInt(dice.group(1));
        int second = Integer.parseInt(dice.group(2));
        assertThat(first).isBetween(1, 6);
        assertThat(second).isBetween(1, 6);
        assertThat(Integer.parseInt(dice.group(3))).isEqualTo(first + second);

        assertThat(text(alice.command("!roll 0d6"))).startsWith("usage: !roll [NdM]");
        assertThat(text(alice.command("!who"))).startsWith("in lobby: ").contains("alice", "bot");
        assertThat(text(alice.command("!frobnicate"))).isEqualTo("unknown command !frobnicate, try !help");
        assertThat(text(alice.command("!" + "x".repeat(1990)))) // answered within the server's limit
            .isEqualTo("unknown command !" + "x".repeat(39) + "…, try !help");

        // Malformed messages: the server refuses them, so the bot never sees them, and stays up.
        assertThat(alice.send(Map.of("text", 42))).containsEntry("ok", false);
        assertThat(alice.send("just a string")).containsEntry("ok", false);
        assertThat(alice.send(Map.of("text", ""))).containsEntry("ok", false);
        // Conversation is not answered: the bot's next message is the answer to the next command.
        assertThat(alice.send(Map.of("text", "hello everyone"))).containsEntry("ok", true);
        assertThat(text(alice.command("!ECHO   still  here "))).isEqualTo("still  here");

        assertThat(text(alice.command("!ping"))).matches("pong: \\d+\\.\\d ms to the server and back");
        assertThat(text(alice.command("!stats"))).matches(
            "answered 8 commands; \\d+ acks received, "
                + "latency avg \\d+\\.\\d ms, max \\d+\\.\\d ms; 0 failed");

        // Nine commands: the bot leaves the room and run() returns 0.
        Map<String, Object> left = alice.notices.poll(10, TimeUnit.SECONDS);
        assertThat(left).isNotNull().containsEntry("event", "left").containsEntry("user", "bot");
        assertThat(bot.exitCode()).isZero();
        assertThat(alice.messages).as("answers after --exit-after").isEmpty();

        // One line per command, with the ack's message id: the one alice saw on the answer.
        List<String> commandLines = bot.output().lines()
            .filter(line -> line.startsWith("alice: ")).collect(Collectors.toList());
        assertThat(commandLines).hasSize(9)
            .allMatch(line -> line.matches("alice: .* => .* \\| ack: id \\d+, \\d+\\.\\d ms"), "ack lines");
        assertThat(commandLines.get(0))
            .startsWith("alice: !echo hi => hi | ack: id " + echo.get("id") + ", ");
        assertThat(bot.output()).contains("leaving lobby after answering 9 commands");
        assertThat(server.output()).contains("message lobby bot: hi", "left lobby bot");
      }
    }
  }

  @Test
  void startsAndStopsItsOwnServerWithoutUrl() throws Exception {
    try (BotRun bot = new BotRun("--exit-after", "1", "--name", "helper", "--prefix", "?")) {
      String url = bot.awaitOutput("chat demo server at (http://127\\.0\\.0\\.1:\\d+) ");
      bot.awaitOutput("joined general");
      try (ChatClient bob = new ChatClient(url, "bob", "general")) {
        Instant before = Instant.now().minusSeconds(1);
        Map<String, Object> answer = bob.command("?time", "helper");
        Instant time = Instant.parse(text(answer).substring("it is ".length()));
        assertThat(time).isBetween(before, Instant.now().plusSeconds(1));

        assertThat(bot.exitCode()).isZero();
        assertThat(bob.notices.poll(10, TimeUnit.SECONDS)).containsEntry("user", "helper");
      }
      assertThat(bot.output()).containsPattern("bob: \\?time => it is .* \\| ack: id \\d+, ");
    }
    assertThat(chatServerProcesses()).as("its demo server is stopped").hasSize(1); // the shared one
  }

  @Test
  void rejoinsItsRoomAfterAServerRestart() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    DemoServer first = DemoServer.start(DemoServer.CHAT, port, Map.of());
    try (BotRun bot = new BotRun("--url", first.url(), "--room", "phoenix", "--exit-after", "2")) {
      bot.awaitOutput("joined phoenix");
      try (ChatClient alice = new ChatClient(first.url(), "alice", "phoenix")) {
        assertThat(text(alice.command("!echo before"))).isEqualTo("before");

        // A restart loses every session: no recovery, so the bot must join its room again by itself.
        first.close();
        try (DemoServer second = DemoServer.start(DemoServer.CHAT, port, Map.of())) {
          await().atMost(Duration.ofSeconds(20)).until(() -> second.output().contains("joined phoenix bot")
              && second.output().contains("joined phoenix alice"));
          assertThat(text(alice.command("!echo after"))).isEqualTo("after");
          assertThat(bot.exitCode()).isZero();
        }
      }
      assertThat(bot.output()).contains("(reconnecting)");
      assertThat(bot.output().lines().filter(line -> line.endsWith("; joining phoenix"))).hasSize(2);
    } finally {
      first.close();
    }
    assertThat(chatServerProcesses()).as("node processes left behind").hasSize(1); // the shared one
  }

  @Test
  void withoutExitAfterRunsUntilTheEndOfItsInput() throws Exception {
    PipedOutputStream typing = new PipedOutputStream();
    try (BotRun bot = new BotRun(new PipedInputStream(typing), "--url", server.url(), "--room", "eof");
        ChatClient carol = new ChatClient(server.url(), "carol", "eof")) {
      bot.awaitOutput("joined eof");
      typing.write("anything typed is ignored\n".getBytes(StandardCharsets.UTF_8));
      assertThat(text(carol.command("!echo still running"))).isEqualTo("still running");
      assertThat(bot.isRunning()).isTrue();

      typing.close(); // end of input, as Ctrl-D in a terminal
      assertThat(bot.exitCode()).isZero();
      assertThat(carol.notices.poll(10, TimeUnit.SECONDS)).containsEntry("user", "bot");
      assertThat(bot.output()).contains("leaving eof after answering 1 command");
    }
  }

  /** Ctrl-C (SIGINT) and SIGTERM run the shutdown hook: the bot leaves and stops its demo server. */
  @Test
  void aTerminatedBotProcessLeavesAndStopsItsServer(@TempDir Path dir) throws Exception {
    // A file, not a pipe: Process drains and closes its pipe when the process exits, racing a reader.
    Path log = dir.resolve("bot.log");
    Process java = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-D" + DemoServer.DIR_PROPERTY + "=" + System.getProperty(DemoServer.DIR_PROPERTY),
        CommandBot.class.getName(), "--name", "sigterm")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("running until"));
      List<ProcessHandle> itsServer = java.descendants().collect(Collectors.toList());
      assertThat(itsServer).hasSize(1);

      java.destroy(); // SIGTERM
      assertThat(java.waitFor(15, TimeUnit.SECONDS)).as("the bot process exits").isTrue();
      assertThat(Files.readString(log)).contains("leaving general after answering 0 commands");
      assertThat(itsServer.get(0).isAlive()).as("its demo server").isFalse();
    } finally {
      java.destroyForcibly();
      System.out.print(Files.readString(log));
    }
  }

  @Test
  void exitsWithOneWhenTheServerRefusesTheRoomOrTheName() throws Exception {
    try (BotRun bot = new BotRun("--url", server.url(), "--room", "no spaces")) {
      assertThat(bot.exitCode()).isEqualTo(1);
      assertThat(bot.output()).contains("could not join no spaces: server error \"invalid room name\"");
    }
    try (BotRun bot = new BotRun("--url", server.url(), "--name", " ")) {
      assertThat(bot.exitCode()).isEqualTo(1);
      assertThat(bot.output()).contains("the server refused the connection: a name is required");
    }
  }

  @Test
  void printsUsage() throws Exception {
    try (BotRun help = new BotRun("--help")) {
      assertThat(help.exitCode()).isZero();
      assertThat(help.output()).startsWith("Usage: bot [OPTIONS]").contains("--exit-after=<n>", "!roll [NdM]");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badArguments")
  void badArgumentsAreUsageErrors(List<String> args, String message) throws Exception {
    try (BotRun bot = new BotRun(args.toArray(String[]::new))) {
      assertThat(bot.exitCode()).isEqualTo(2);
      assertThat(bot.output()).startsWith(message).endsWith("Try --help for the options." + System.lineSeparator());
    }
  }

  static Stream<Arguments> badArguments() {
    return Stream.of(
        arguments(List.of("--exit-after", "0"), "Invalid value for option '--exit-after': needs a positive number, not 0"),
        arguments(List.of("--bogus", "1"), "Unknown options: '--bogus', '1'"),
        arguments(List.of("--url"), "Missing required parameter for option '--url' (<url>)"),
        arguments(List.of("--url", "localhost:3000"),
            "Invalid value for option '--url': needs an http(s):// or ws(s):// URL, not localhost:3000"),
        arguments(List.of("--prefix", ""), "Invalid value for option '--prefix': must be non-empty, without spaces"),
        arguments(List.of("stray"), "Unmatched argument at index 0: 'stray'"));
  }

  /** What chat-server.js never sends is still handled: the payload checks on their own. */
  @Test
  void toleratesMalformedPayloadsAndDescribesAcks() {
    assertThat(ChatLine.of(Map.of("id", 1, "user", "alice", "text", "!help")))
        .isEqualTo(new ChatLine("alice", "!help"));
    for (Object malformed : new Object[] {null, "!help", 42, List.of("!help"), Map.of("user", "alice"),
        Map.of("user", "alice", "text", 42), Map.of("user", 7, "text", "!help"),
        Map.of("user", "alice", "text", Map.of())}) {
      assertThat(ChatLine.of(malformed)).as(String.valueOf(malformed)).isNull();
    }

    assertThat(CommandBot.describeAck(Map.of("ok", true, "id", 12L, "at", 1L))).isEqualTo("id 12");
    assertThat(CommandBot.describeAck(Map.of("ok", false, "error", "join a room first")))
        .isEqualTo("server error \"join a room first\"");
    assertThat(CommandBot.describeAck(null)).isEqualTo("unexpected reply null");
    assertThat(CommandBot.describe(new AckTimeoutException("late"))).isEqualTo("timeout after 5000 ms");
    assertThat(CommandBot.describe(new SocketDisconnectedException(DisconnectReason.TRANSPORT_CLOSE)))
        .isEqualTo("disconnected (transport close)");

    assertThat(CommandBot.roll("d20")).matches("1d20: ([1-9]|1\\d|20)");
    assertThat(CommandBot.roll("100d1000")).startsWith("100d1000: ");
    for (String wrong : List.of("0d6", "101d6", "2d1", "2d1001", "banana", "2d6x", "-1d6", "2 d6")) {
      assertThat(CommandBot.roll(wrong)).as(wrong).isNull();
    }
    assertThat(CommandBot.shorten("a\nb")).isEqualTo("a\\nb");
    assertThat(CommandBot.shorten("x".repeat(500))).hasSize(200);
    assertThat(CommandBot.chatUrl("http://h:1")).isEqualTo("http://h:1/chat");
    assertThat(CommandBot.chatUrl("http://h:1/chat/")).isEqualTo("http://h:1/chat");
  }

  // ---------------------------------------------------------------------------------------------

  private static String text(Map<String, Object> message) {
    return (String) message.get("text");
  }

  /** A JSON object as Tether's plain Java arguments give it. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  /** CommandBot.run on its own thread, printing into a buffer; close() stops it if still running. */
  private static final class BotRun implements AutoCloseable {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final Future<Integer> exitCode;

    BotRun(String... args) {
      this(null, args); // null: no stdin to watch
    }

    BotRun(InputStream stdin, String... args) {
      PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
      exitCode = thread.submit(() -> CommandBot.run(args, out, stdin));
    }

    boolean isRunning() {
      return !exitCode.isDone();
    }

    String output() {
      return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the output matches pattern; returns its group 1 (or the whole match). */
    String awaitOutput(String pattern) {
      Pattern compiled = Pattern.compile(pattern);
      AtomicReference<String> found = new AtomicReference<>();
      await().atMost(Duration.ofSeconds(15)).until(() -> {
        Matcher matcher = compiled.matcher(output());
        if (matcher.find()) {
          found.set(matcher.groupCount() > 0 ? matcher.group(1) : matcher.group());
        }
        return found.get() != null || exitCode.isDone();
      });
      assertThat(found.get()).as("'%s' in the bot's output:%n%s", pattern, output()).isNotNull();
      return found.get();
    }

    int exitCode() throws Exception {
      return exitCode.get(15, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      exitCode.cancel(true); // interrupts a bot still running: it closes everything and returns
      thread.shutdown();
      assertThat(thread.awaitTermination(10, TimeUnit.SECONDS)).as("the bot stopped").isTrue();
      System.out.print(output()); // for the surefire report
    }
  }

  /** A person in a room: a plain Tether client that joins again after an unrecovered reconnection. */
  private static final class ChatClient implements AutoCloseable {
    final Tether tether = Tether.create();
    final Socket socket;
    final BlockingQueue<Map<String, Object>> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Map<String, Object>> notices = new LinkedBlockingQueue<>(); // "left", with "event"
    final AtomicReference<Map<String, Object>> joinReply = new AtomicReference<>();

    ChatClient(String url, String name, String room) throws InterruptedException {
      socket = tether.socket(url + "/chat", SocketOptions.builder().auth(Map.of("name", name)).build());
      socket.on("message", event -> messages.add(map(event.arg(0))));
      socket.on("left", event -> {
        Map<String, Object> notice = new HashMap<>(map(event.arg(0)));
        notice.put("event", "left");
        notices.add(notice);
      });
      socket.onConnect(() -> {
        if (!socket.recovered()) {
          socket.emitWithAck("join", room).then(reply -> joinReply.set(map(reply.arg(0))), failure -> { });
        }
      });
      socket.connect();
      await().atMost(Duration.ofSeconds(10)).until(() -> joinReply.get() != null);
      assertThat(joinReply.get()).containsEntry("ok", true);
    }

    /** Emits "message" with these arguments and returns the server's ack. */
    Map<String, Object> send(Object... args) throws InterruptedException {
      return map(socket.emitWithAck("message", args).await(5, TimeUnit.SECONDS).arg(0));
    }

    /** Sends a command and returns the bot's answer. */
    Map<String, Object> command(String text) throws InterruptedException {
      return command(text, "bot");
    }

    Map<String, Object> command(String text, String bot) throws InterruptedException {
      assertThat(send(Map.of("text", text))).containsEntry("ok", true);
      Map<String, Object> answer = messages.poll(10, TimeUnit.SECONDS);
      assertThat(answer).as("the answer to " + text).isNotNull().containsEntry("user", bot);
      return answer;
    }

    @Override
    public void close() {
      tether.close();
    }
  }

  /** Live child processes of this JVM that run chat-server.js. */
  private static List<ProcessHandle> chatServerProcesses() {
    return ProcessHandle.current().descendants()
        .filter(ProcessHandle::isAlive)
        .filter(process -> process.info().commandLine().orElse("").contains("chat-server.js")
            || process.info().arguments().map(List::of).orElse(List.of()).contains("chat-server.js"))
        .collect(Collectors.toList());
  }
}
