package dev.tether.samples.chat;

import static dev.tether.samples.chat.ChatSampleTest.awaitLog;
import static dev.tether.samples.chat.ChatSampleTest.chatServerProcesses;
import static dev.tether.samples.chat.ChatSampleTest.next;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.Event;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.samples.DemoServer;
import dev.tether.samples.chat.ChatProtocol.Message;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs {@link RxChatSample} against the real Node chat demo server, with a Tether client as bob. */
class RxChatSampleTest {

  @AfterEach
  void noServerLeftBehind() {
    assertThat(chatServerProcesses()).as("chat-server.js processes left behind").isEmpty();
  }

  @Test
  void chatsWithAnotherClientInTheSameRoom() throws Exception {
    try (DemoServer server = DemoServer.start(DemoServer.CHAT);
        Tether tether = Tether.create();
        InteractiveRun ann = InteractiveRun.start("rx-ann", RxChatSample::run,
            "--url", server.url(), "--name", "ann", "--room", "random")) {
      ann.awaitLine("[random] joined as ann; here: ann");
      assertThat(ann.lines()).containsSubsequence("connection: CONNECTING", "connection: CONNECTED");

      BlockingQueue<Event> bobReceived = new LinkedBlockingQueue<>();
      Socket bob = tether.socket(server.url() + "/chat",
          SocketOptions.builder().auth(Map.of("name", "bob")).build());
      bob.onAny(bobReceived::add);
      bob.connect();
      bob.awaitConnected(10, SECONDS);
      bob.emitWithAck("join", "random").await(10, SECONDS);
      ann.awaitLine("[random] * bob joined");

      bob.emitWithAck("message", Map.of("text", "hi ann")).await(10, SECONDS);
      ann.awaitLine("[random] bob: hi ann");

      ann.type("hello bob");
      ann.type("how are you?");
      Message first = next(bobReceived, "message").arg(0, Message.class);
      Message second = next(bobReceived, "message").arg(0, Message.class);
      assertThat(List.of(first.text(), second.text())).containsExactly("hello bob", "how are you?");
      assertThat(first.user()).isEqualTo("ann");
      ann.awaitLine("[random] ann: hello bob (#" + first.id() + ")");
      ann.awaitLine("[random] ann: how are you? (#" + second.id() + ")");

      bob.emitWithAck("image", Map.of("name", "dog.jpg", "type", "image/jpeg"), new byte[4321])
          .await(10, SECONDS);
      ann.awaitLine("[random] bob sent image dog.jpg (4321 bytes)");
      Socket bobRooms = tether.socket(server.url() + "/room");
      bobRooms.connect();
      bobRooms.emitWithAck("create", "lobby").await(10, SECONDS);
      ann.awaitLine("* room created: lobby");

      ann.type("/quit");
      assertThat(ann.awaitExit()).isZero();
      assertThat(next(bobReceived, "left").arg(0, Map.class)).containsEntry("user", "ann");
      awaitLog(server, "message random ann: hello bob", "message random ann: how are you?");
      assertThat(ann.lines()).contains("bye").noneMatch(line -> line.startsWith("! "));
    }
  }

  @Test
  void joinsItsRoomAgainAfterAServerRestart() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    DemoServer first = DemoServer.start(DemoServer.CHAT, port, Map.of());
    DemoServer second = null;
    try (InteractiveRun ann = InteractiveRun.start("rx-ann", RxChatSample::run,
        "--url", first.url(), "--name", "ann", "--room", "general")) {
      ann.awaitLine("[general] joined as ann; here: ann");
      first.close();
      ann.awaitLine("connection: RECONNECTING");
      ann.type("typed while the server was down");
      second = DemoServer.start(DemoServer.CHAT, port, Map.of()); // Tether's default delays: 1-5 s

      ann.awaitLine("[general] joined again by ourselves; here: ann");
      ann.awaitLine("[general] ann: typed while the server was down (#1)");
      List<String> log = awaitLog(second, "message general ann: typed while the server was down");
      assertThat(log).filteredOn(line -> line.startsWith("message "))
          .containsExactly("message general ann: typed while the server was down");
      ann.endInput();
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
  void aMissingNameIsRefusedWithAClearMessage() throws Exception {
    try (DemoServer server = DemoServer.start(DemoServer.CHAT);
        InteractiveRun run = InteractiveRun.start("rx-no-name", RxChatSample::run,
            "--url", server.url(), "--name", "")) {
      assertThat(run.awaitExit()).isEqualTo(1);
      assertThat(run.lines()).contains("! could not join the chat as \"\": a name is required "
          + "{\"hint\":\"connect with auth { name: '<1-32 characters>' }\"}");
    }
  }

  @Test
  void printsUsageForHelpAndBadArguments() throws Exception {
    try (InteractiveRun help = InteractiveRun.start("rx-help", RxChatSample::run, "--help")) {
      assertThat(help.awaitExit()).isZero();
      assertThat(help.lines()).first().isEqualTo("Usage: rx-chat [OPTIONS]");
      assertThat(help.lines()).anyMatch(line -> line.contains("--room=<room>"));
    }
    try (InteractiveRun bad = InteractiveRun.start("rx-bad", RxChatSample::run, "--room")) {
      assertThat(bad.awaitExit()).isEqualTo(2);
      assertThat(bad.lines()).containsExactly("Missing required parameter for option '--room' (<room>)",
          "Try --help for the options.");
    }
    try (InteractiveRun bad = InteractiveRun.start("rx-bad", RxChatSample::run, "--rom", "general")) {
      assertThat(bad.awaitExit()).isEqualTo(2);
      assertThat(bad.lines()).containsExactly("Unknown options: '--rom', 'general'",
          "Possible solutions: --room", "Try --help for the options.");
    }
  }
}
