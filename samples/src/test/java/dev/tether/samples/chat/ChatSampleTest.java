package dev.tether.samples.chat;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.Event;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.samples.DemoServer;
import dev.tether.samples.chat.ChatProtocol.ImageInfo;
import dev.tether.samples.chat.ChatProtocol.JoinReply;
import dev.tether.samples.chat.ChatProtocol.Message;
import dev.tether.samples.chat.ChatProtocol.SendReply;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link ChatSample} against the real Node chat demo server ({@code
 * samples/demo-server/chat-server.js}), with a plain Tether client as the other participant.
 */
class ChatSampleTest {

  @TempDir
  Path tmp;

  @AfterEach
  void noServerLeftBehind() {
    assertThat(chatServerProcesses()).as("chat-server.js processes left behind").isEmpty();
  }

  @Test
  void chatsWithAnotherClientInTheSameRoom() throws Exception {
    Path received = tmp.resolve("received");
    try (DemoServer server = DemoServer.start(DemoServer.CHAT);
        Tether tether = Tether.create();
        InteractiveRun ann = InteractiveRun.start("ann", ChatSample::run, "--url", server.url(),
            "--name", "ann", "--room", "general", "--save-images", received.toString())) {
      ann.awaitLine("[general] joined as ann; here: ann");

      // bob: a plain Tether client in the same room, recording every event it gets
      BlockingQueue<Event> bobReceived = new LinkedBlockingQueue<>();
      Socket bob = tether.socket(server.url() + "/chat",
          SocketOptions.builder().auth(Map.of("name", "bob")).build());
      bob.onAny(bobReceived::add);
      bob.connect();
      bob.awaitConnected(10, SECONDS);
      JoinReply joined = bob.emitWithAck("join", "general").await(10, SECONDS)
          .arg(0, JoinReply.class);
      assertThat(joined.members()).containsExactlyInAnyOrder("ann", "bob");
      ann.awaitLine("[general] * bob joined");

      // bob -> ann
      bob.emitWithAck("message", Map.of("text", "hi ann")).await(10, SECONDS);
      ann.awaitLine("[general] bob: hi ann");

      // ann -> bob: printed by ann with the server's id once acked, received by bob, logged
      ann.type("hello bob");
      Message message = next(bobReceived, "message").arg(0, Message.class);
      assertThat(message.user()).isEqualTo("ann");
      assertThat(message.room()).isEqualTo("general");
      assertThat(message.text()).isEqualTo("hello bob");
      ann.awaitLine("[general] ann: hello bob (#" + message.id() + ")");
      awaitLog(server, "message general ann: hello bob");

      // ann sends an image: bob gets it byte for byte
      byte[] picture = randomBytes(300_000, 1);
      Path file = tmp.resolve("cat.png");
      Files.write(file, picture);
      ann.type("/image " + file);
      Event image = next(bobReceived, "image");
      ImageInfo info = image.arg(0, ImageInfo.class);
      assertThat(info.user()).isEqualTo("ann");
      assertThat(info.name()).isEqualTo("cat.png");
      assertThat(info.type()).isEqualTo("image/png");
      assertThat(image.isBinary(1)).isTrue();
      assertThat(image.arg(1, byte[].class)).isEqualTo(picture);
      ann.awaitLine("[general] ann sent image cat.png (300000 bytes, #" + info.id() + ")");
      awaitLog(server, "image general ann: cat.png 300000 bytes");

      // bob sends an image: ann shows it and saves it (--save-images)
      byte[] photo = randomBytes(12_345, 2);
      SendReply sent = bob.emitWithAck("image", Map.of("name", "dog.jpg", "type", "image/jpeg"), photo)
          .await(10, SECONDS).arg(0, SendReply.class);
      assertThat(sent.ok()).isTrue();
      String shown = ann.awaitLineStartingWith("[general] bob sent image dog.jpg (12345 bytes)");
      assertThat(shown).endsWith(", saved as " + received.resolve(sent.id() + "-dog.jpg"));
      assertThat(received.resolve(sent.id() + "-dog.jpg")).hasBinaryContent(photo);

      // commands
      ann.type("/who");
      String who = ann.awaitLineStartingWith("[general] here: ");
      assertThat(who.substring("[general] here: ".length()).split(", "))
          .containsExactlyInAnyOrder("ann", "bob");
      Socket bobRooms = tether.socket(server.url() + "/room");
      bobRooms.connect();
      assertThat(bobRooms.emitWithAck("create", "lobby").await(10, SECONDS).arg(0, Map.class))
          .containsEntry("ok", true);
      ann.awaitLine("* room created: lobby");
      ann.type("/rooms");
      ann.awaitLine("rooms: general, lobby, random (you are in general)");
      ann.type("/nonsense");
      ann.awaitLineStartingWith("! unknown command /nonsense; commands: ");

      // bob leaves and comes back; then ann quits, and bob and the server see her go
      bob.emitWithAck("leave").await(10, SECONDS);
      ann.awaitLine("[general] * bob left");
      bob.emitWithAck("join", "general").await(10, SECONDS);
      ann.type("/quit");
      assertThat(ann.awaitExit()).isZero();
      assertThat(ann.lines()).last().isEqualTo("bye");
      assertThat(next(bobReceived, "left").arg(0, Map.class)).containsEntry("user", "ann");
      awaitLog(server, "left general ann");
      assertThat(ann.lines()).noneMatch(line -> line.startsWith("! ") && !line.contains("/nonsense"));
    }
  }

  @Test
  void rejoinsItsRoomAfterAServerRestartAndSendsWhatWasTypedMeanwhile() throws Exception {
    int port = freePort();
    DemoServer first = DemoServer.start(DemoServer.CHAT, port, Map.of());
    DemoServer second = null;
    try (InteractiveRun ann = InteractiveRun.start("ann", ChatSample::run, "--url", first.url(),
        "--name", "ann", "--room", "general", "--reconnect-delay", "100")) {
      ann.awaitLine("[general] joined as ann; here: ann");
      ann.type("before the restart");
      ann.awaitLine("[general] ann: before the restart (#1)");

      first.close();
      ann.awaitLineStartingWith("connection lost (");
      ann.type("typed while the server was down");
      ann.awaitLine("(not connected: \"typed while the server was down\" will be sent once the "
          + "connection is back)");
      second = DemoServer.start(DemoServer.CHAT, port, Map.of());

      // A new server: no state recovery, so the sample joins its room again by itself...
      ann.awaitLine("reconnected without state recovery (a new session); joining [general] again");
      ann.awaitLine("[general] joined again by ourselves; here: ann");
      // ...and the line typed during the outage, kept in Tether's send buffer, arrives after it.
      ann.awaitLine("[general] ann: typed while the server was down (#1)");
      List<String> log = awaitLog(second, "message general ann: typed while the server was down");
      assertThat(log).filteredOn(line -> line.startsWith("message "))
          .containsExactly("message general ann: typed while the server was down");
      assertThat(log.indexOf("joined general ann"))
          .isNotNegative()
          .isLessThan(log.indexOf("message general ann: typed while the server was down"));
      assertThat(first.output()).doesNotContain("typed while the server was down");

      // It still chats normally.
      ann.type("after the restart");
      ann.awaitLine("[general] ann: after the restart (#2)");
      ann.type("/quit");
      assertThat(ann.awaitExit()).isZero();
      assertThat(ann.lines()).noneMatch(line -> line.startsWith("! "));
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  void aShortOutageIsRecoveredWithoutJoiningAgain() throws Exception {
    try (DemoServer server = DemoServer.start(DemoServer.CHAT);
        CuttableProxy proxy = CuttableProxy.start(server.port());
        Tether tether = Tether.create();
        InteractiveRun ann = InteractiveRun.start("ann", ChatSample::run, "--url", proxy.url(),
            "--name", "ann", "--room", "general", "--reconnect-delay", "100")) {
      ann.awaitLine("[general] joined as ann; here: ann");
      BlockingQueue<Event> bobReceived = new LinkedBlockingQueue<>();
      Socket bob = tether.socket(server.url() + "/chat", // directly, not through the proxy
          SocketOptions.builder().auth(Map.of("name", "bob")).build());
      bob.onAny(bobReceived::add);
      bob.connect();
      bob.awaitConnected(10, SECONDS);
      bob.emitWithAck("join", "general").await(10, SECONDS);
      ann.awaitLine("[general] * bob joined");

      proxy.down(); // the network goes away; the server keeps ann's session for recovery
      ann.awaitLineStartingWith("connection lost (");
      ann.type("typed during a short outage");
      bob.emitWithAck("message", Map.of("text", "while you were away")).await(10, SECONDS);
      proxy.up();

      ann.awaitLine("reconnected (state recovered)");
      ann.awaitLine("[general] bob: while you were away"); // missed, then replayed by the server
      ann.awaitLineStartingWith("[general] ann: typed during a short outage (#");
      assertThat(next(bobReceived, "message").arg(0, Message.class).text())
          .isEqualTo("typed during a short outage");
      ann.type("/quit");
      assertThat(ann.awaitExit()).isZero();

      List<String> log = awaitLog(server, "recovered ann in general",
          "message general ann: typed during a short outage");
      assertThat(log).filteredOn(line -> line.startsWith("joined general ann")).hasSize(1);
      assertThat(log).filteredOn(line -> line.startsWith("message general ann"))
          .containsExactly("message general ann: typed during a short outage");
      assertThat(ann.lines()).noneMatch(line -> line.contains("joined again"));
      assertThat(ann.lines()).doesNotContain("[general] * ann left"); // not told about herself
      assertThat(ann.lines()).noneMatch(line -> line.startsWith("! "));
    }
  }

  @Test
  void picksARoomFromTheListByNumberOrName() throws Exception {
    try (DemoServer server = DemoServer.start(DemoServer.CHAT)) {
      try (InteractiveRun ann = InteractiveRun.start("ann", ChatSample::run,
          "--url", server.url(), "--name", "ann")) {
        ann.awaitLine("pick a room by number or name (a new name creates it):");
        assertThat(ann.lines()).containsSubsequence("rooms:", "  1) general (0 here)",
            "  2) random (0 here)");
        ann.type("7");
        ann.awaitLineStartingWith("! \"7\" is neither a number from the list nor a room name");
        ann.type("2");
        ann.awaitLine("[random] joined as ann; here: ann");
        ann.endInput(); // the end of the input leaves, as /quit does
        assertThat(ann.awaitExit()).isZero();
      }
      try (InteractiveRun bea = InteractiveRun.start("bea", ChatSample::run,
          "--url", server.url(), "--name", "bea")) {
        bea.awaitLine("pick a room by number or name (a new name creates it):");
        bea.type("not a name!");
        bea.awaitLineStartingWith("! \"not a name!\" is neither");
        bea.type("lobby");
        bea.awaitLine("[lobby] joined as bea; here: bea");
        bea.awaitLine("* room created: lobby");
        bea.endInput();
        assertThat(bea.awaitExit()).isZero();
      }
      awaitLog(server, "joined random ann", "joined lobby bea");
    }
  }

  @Test
  void aMissingOrInvalidNameIsRefusedWithAClearMessage() throws Exception {
    try (DemoServer server = DemoServer.start(DemoServer.CHAT)) {
      String refused = "! could not join the chat as \"%s\": a name is required "
          + "{\"hint\":\"connect with auth { name: '<1-32 characters>' }\"}";
      for (String name : List.of("", "x".repeat(33))) {
        try (InteractiveRun run = InteractiveRun.start("no-name", ChatSample::run,
            "--url", server.url(), "--name", name, "--room", "general")) {
          assertThat(run.awaitExit()).isEqualTo(1);
          assertThat(run.lines()).contains(String.format(refused, name));
        }
      }
      assertThat(server.output()).doesNotContain("joined general");
    }
  }

  @Test
  void startsAndStopsItsOwnServerWithoutUrl() throws Exception {
    try (InteractiveRun ann = InteractiveRun.start("ann", ChatSample::run,
        "--name", "ann", "--room", "general")) {
      ann.awaitLineStartingWith("demo chat server listening at http://127.0.0.1:");
      ann.type("hi");
      ann.awaitLine("[general] ann: hi (#1)");
      ann.endInput();
      assertThat(ann.awaitExit()).isZero();
    }
    // @AfterEach checks that its server is gone
  }

  @Test
  void printsUsageForHelpAndBadArguments() throws Exception {
    try (InteractiveRun help = InteractiveRun.start("help", ChatSample::run, "--help")) {
      assertThat(help.awaitExit()).isZero();
      assertThat(help.lines()).first().isEqualTo("Usage: chat [OPTIONS]");
      assertThat(help.lines()).anyMatch(line -> line.contains("--reconnect-delay=<ms>"))
          .contains("  /join <room>   /rooms   /who   /image <path>   /quit (or end the input)");
    }
    try (InteractiveRun bad = InteractiveRun.start("bad", ChatSample::run, "--colour", "red")) {
      assertThat(bad.awaitExit()).isEqualTo(2);
      assertThat(bad.lines()).containsExactly("Unknown options: '--colour', 'red'", "Try --help for the options.");
    }
    try (InteractiveRun bad = InteractiveRun.start("bad", ChatSample::run, "--name")) {
      assertThat(bad.awaitExit()).isEqualTo(2);
      assertThat(bad.lines()).containsExactly("Missing required parameter for option '--name' (<name>)",
          "Try --help for the options.");
    }
    try (InteractiveRun bad = InteractiveRun.start("bad", ChatSample::run, "--reconnect-delay", "0")) {
      assertThat(bad.awaitExit()).isEqualTo(2);
      assertThat(bad.lines()).first()
          .isEqualTo("Invalid value for option '--reconnect-delay': needs a positive number, not 0");
    }
  }

  /** Arguments reach the sample as they are: a name with both quotes, an empty room name. */
  @Test
  void takesArgumentsAsTheyAre() throws Exception {
    try (DemoServer server = DemoServer.start(DemoServer.CHAT);
        InteractiveRun run = InteractiveRun.start("quotes", ChatSample::run,
            "--url", server.url(), "--name", "a'b\"c", "--room", "")) {
      assertThat(run.awaitExit()).as("the server refuses the empty room name").isEqualTo(1);
      assertThat(run.lines()).contains("connected to " + server.url() + " as a'b\"c",
          "! could not join : invalid room name");
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** The next event called {@code name} from the queue (others are skipped), within 10 s. */
  static Event next(BlockingQueue<Event> events, String name) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      Event event = events.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
      if (event != null && event.name().equals(name)) {
        return event;
      }
    }
    throw new AssertionError("no '" + name + "' event within 10 s");
  }

  /** The server's log once it has these lines: it is read from the node process asynchronously. */
  static List<String> awaitLog(DemoServer server, String... expected) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(server.output().lines()).contains(expected));
    return server.output().lines().collect(Collectors.toList());
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Live child processes of this JVM that run chat-server.js. */
  static List<ProcessHandle> chatServerProcesses() {
    return ProcessHandle.current().descendants()
        .filter(ProcessHandle::isAlive)
        .filter(process -> process.info().commandLine().orElse("").contains("chat-server.js")
            || process.info().arguments().map(List::of).orElse(List.of()).contains("chat-server.js"))
        .collect(Collectors.toList());
  }
}
