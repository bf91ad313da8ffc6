package dev.tether.plainws;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import dev.tether.AckCall;
import dev.tether.AckTimeoutException;
import dev.tether.Args;
import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.Envelope;
import dev.tether.Event;
import dev.tether.ServerClose;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.Transport;
import dev.tether.rx.RxSocket;
import dev.tether.testserver.RealWsServer;
import dev.tether.testserver.WsServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Plain WebSocket sockets against the real Node {@code ws} server (test-server/node/ws-server.js):
 * the same {@link Socket} API over raw frames and JSON envelopes. Each test tags its connections
 * ({@code ?tag=}) to read back what the server received.
 */
@RealWsServer
class PlainWebSocketIntegrationTest {
  static final long TIMEOUT = 10;
  static final SocketOptions RAW = SocketOptions.builder().plainWebSocket(Envelope.raw()).build();
  static final SocketOptions SEED = SocketOptions.builder().plainWebSocket(Envelope.json("name", "data", "id")).build();

  /** The seed-004 payload. */
  record Hello(String a, String b) {}

  final Tether tether = Tether.create();
  final WsServer server;
  String tag;

  PlainWebSocketIntegrationTest(WsServer server) {
    this.server = server;
  }

  @BeforeEach void tag(TestInfo info) {
    tag = info.getTestMethod().orElseThrow().getName();
  }

  @AfterEach void close() {
    tether.close();
  }

  Socket connect(String path, SocketOptions options) throws InterruptedException {
    Socket socket = tether.socket(server.url(path + "?tag=" + tag), options);
    socket.connect();
    socket.awaitConnected(TIMEOUT, SECONDS);
    return socket;
  }

  WsServer.Connection only() {
    List<WsServer.Connection> connections = server.connections(tag);
    assertThat(connections).hasSize(1);
    return connections.get(0);
  }

  // ---- raw ---------------------------------------------------------------------------------------

  @Test void rawTextBothWaysIncludingNonAscii() throws Exception {
    Socket socket = connect("/raw", RAW);
    assertThat(socket.state()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(socket.manager().transport()).isEqualTo(Transport.WEBSOCKET);
    assertThat(socket.id()).isNull();

    String text = "héllo wörld ✓ 日本語 𝄞";
    socket.emit("message", text);
    assertThat(socket.awaitEvent("message", TIMEOUT, SECONDS).arg(0, String.class)).isEqualTo(text);
    assertThat(only().texts()).containsExactly(text);

    socket.emit("message", Map.of("n", 1)); // anything else goes as its JSON text
    assertThat(socket.awaitEvent("message", TIMEOUT, SECONDS).arg(0)).isEqualTo("{\"n\":1}");
  }

  @Test void rawBinaryBothWays() throws Exception {
    Socket socket = connect("/raw", RAW);
    byte[] bytes = new byte[70_000];
    for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 31);

    socket.emit("message", (Object) bytes);
    Event echoed = socket.awaitEvent("message", TIMEOUT, SECONDS);
    assertThat(echoed.isBinary(0)).isTrue();
    assertThat(echoed.arg(0, byte[].class)).isEqualTo(bytes);

    socket.emit("message", ByteString.of((byte) 1, (byte) 2));
    assertThat(socket.awaitEvent("message", TIMEOUT, SECONDS).arg(0)).isEqualTo(new byte[] {1, 2});
    assertThat(only().binaryFrames()).isEqualTo(2);

    socket.emit("message", "bigbin:5");
    assertThat(socket.awaitEvent("message", TIMEOUT, SECONDS).arg(0, byte[].class)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test void listenersOnceOffAndOnAnySeeRawFrames() throws Exception {
    Socket socket = connect("/raw", RAW);
    BlockingQueue<String> all = new LinkedBlockingQueue<>();
    BlockingQueue<String> first = new LinkedBlockingQueue<>();
    socket.onAny(event -> all.add(event.name() + ":" + event.arg(0)));
    socket.once("message", String.class, first::add);
    socket.emit("message", "one");
    socket.emit("message", "two");
    assertThat(all.poll(TIMEOUT, SECONDS)).isEqualTo("message:one");
    assertThat(all.poll(TIMEOUT, SECONDS)).isEqualTo("message:two");
    assertThat(first).containsExactly("one");
  }

  @Test void volatileEmitsGoOnlyWhileConnectedAndOthersWaitInTheSendBuffer() throws Exception {
    Socket socket = tether.socket(server.url("/raw?tag=" + tag), RAW);
    socket.volatileEmit("message", "dropped: not connected");
    socket.emit("message", "buffered");
    socket.connect().awaitConnected(TIMEOUT, SECONDS);
    socket.volatileEmit("message", "volatile");
    socket.emit("message", "last");
    await().atMost(Duration.ofSeconds(TIMEOUT)).until(() -> only().texts().size() == 3);
    assertThat(only().texts()).containsExactly("buffered", "volatile", "last");
  }

  @Test void rxSocketStreamsPlainWebSocketEvents() throws Exception {
    Socket socket = connect("/raw", RAW);
    var values = RxSocket.from(socket).on("message", String.class).take(2).test();
    socket.emit("message", "burst:2");
    values.awaitDone(TIMEOUT, SECONDS).assertValues("burst 0", "burst 1");
  }

  // ---- JSON envelopes ---------------------------------------------------------------------------

  @Test void theSeedFlowJoinIsAnsweredWithATypedHello() throws Exception {
    Socket socket = tether.socket(server.url("/envelope?tag=" + tag),
        SocketOptions.builder().plainWebSocket(Envelope.json("name", "data")).build());
    BlockingQueue<Hello> hellos = new LinkedBlockingQueue<>();
    socket.on("hello", Hello.class, hellos::add);
    socket.emit("join", Map.of("room", "r1")); // buffered until connected
    socket.connect();

    assertThat(hellos.poll(TIMEOUT, SECONDS)).isEqualTo(new Hello("123", "234"));
    assertThat(only().texts()).containsExactly("{\"name\":\"join\",\"data\":{\"room\":\"r1\"}}");
  }

  @Test void severalArgumentsTravelAsAnArrayAndNoneWithoutData() throws Exception {
    Socket socket = connect("/envelope", SEED);
    socket.emit("echo", 1, "two");
    assertThat(socket.awaitEvent("echo", TIMEOUT, SECONDS).arg(0)).isEqualTo(List.of(1L, "two"));
    socket.emit("recorded-only");
    await().atMost(Duration.ofSeconds(TIMEOUT)).until(() -> only().texts().size() == 2);
    assertThat(only().texts().get(1)).isEqualTo("{\"name\":\"recorded-only\"}");
  }

  @Test void correlationIdAcksCompleteExactlyOnce() throws Exception {
    Socket socket = connect("/envelope", SEED);
    Args args = socket.emitWithAck("ack", Map.of("n", 2)).timeout(TIMEOUT, SECONDS).await(TIMEOUT, SECONDS);
    assertThat(args.arg(0)).isEqualTo(Map.of("n", 2L));

    AckCall late = socket.emitWithAck("lateack", Map.of("ms", 300)).timeout(TIMEOUT, SECONDS);
    AckCall next = socket.emitWithAck("ack", "second").timeout(TIMEOUT, SECONDS);
    assertThat(next.await(TIMEOUT, SECONDS).arg(0)).isEqualTo("second");
    assertThat(late.await(TIMEOUT, SECONDS).arg(0, Map.class)).containsEntry("ms", 300L);
  }

  @Test void anAckThatNeverComesTimesOut() throws Exception {
    Socket socket = connect("/envelope", SEED);
    AckCall call = socket.emitWithAck("noack", 1).timeout(300, java.util.concurrent.TimeUnit.MILLISECONDS);
    BlockingQueue<Throwable> failure = new LinkedBlockingQueue<>();
    call.then(args -> { }, failure::add);
    assertThat(failure.poll(TIMEOUT, SECONDS)).isInstanceOf(AckTimeoutException.class);
    assertThat(socket.isConnected()).as("a missing ack does not end the connection").isTrue();
  }

  @Test void theServerAsksForAnAckAndGetsTheReply() throws Exception {
    Socket socket = connect("/envelope", SEED);
    socket.on("question", event -> event.ack(Map.of("answer", event.arg(0, String.class) + "!")));
    socket.emit("ask", "why");
    Event answered = socket.awaitEvent("answered", TIMEOUT, SECONDS);
    assertThat(answered.arg(0)).isEqualTo(Map.of("id", 1000L, "data", Map.of("answer", "why!")));
  }

  @Test void whatIsNotAnEnvelopeReachesTheUnparsedListenersAndTheConnectionStays() throws Exception {
    Socket socket = connect("/envelope", SEED);
    BlockingQueue<Object> unparsed = new LinkedBlockingQueue<>();
    socket.on(Socket.UNPARSED, event -> unparsed.add(event.arg(0)));
    socket.emit("emit", Map.of("name", "news", "data", "before"));
    assertThat(socket.awaitEvent("news", TIMEOUT, SECONDS).arg(0)).isEqualTo("before");

    // The server answers a frame it cannot read with the text "unparsable": not an envelope either.
    Socket raw = connect("/envelope", RAW);
    raw.emit("message", "not json");
    assertThat(raw.awaitEvent("message", TIMEOUT, SECONDS).arg(0)).isEqualTo("unparsable");

    server.push("/envelope", "plain text, not JSON");
    server.push("/envelope", "{\"data\":\"no name\"}");
    assertThat(unparsed.poll(TIMEOUT, SECONDS)).isEqualTo("plain text, not JSON");
    assertThat(unparsed.poll(TIMEOUT, SECONDS)).isEqualTo("{\"data\":\"no name\"}");
    socket.emit("echo", "after");
    assertThat(socket.awaitEvent("echo", TIMEOUT, SECONDS).arg(0)).isEqualTo("after");
    assertThat(socket.isConnected()).isTrue();
  }

  // ---- closing -----------------------------------------------------------------------------------

  @Test void anApplicationCloseCodeReachesTheUserAndDoesNotReconnect() throws Exception {
    Socket socket = connect("/envelope", SEED);
    BlockingQueue<Object> heard = new LinkedBlockingQueue<>();
    socket.onServerClose(heard::add);
    socket.onDisconnect(heard::add);
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    socket.manager().onReconnectAttempt(attempts::add);

    socket.emit("kick", "unauthorized");

    assertThat(heard.poll(TIMEOUT, SECONDS)).isEqualTo(new ServerClose(4001, "unauthorized"));
    assertThat(heard.poll(TIMEOUT, SECONDS)).isEqualTo(DisconnectReason.IO_SERVER_DISCONNECT);
    assertThat(socket.state()).isEqualTo(ConnectionState.DISCONNECTED);
    await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(TIMEOUT))
        .until(() -> attempts.isEmpty() && server.connections(tag).size() == 1);
  }

  @Test void anOrdinaryServerCloseReconnects() throws Exception {
    Socket socket = tether.socket(server.url("/envelope?tag=" + tag),
        SEED.newBuilder().reconnectionDelay(50, 100, java.util.concurrent.TimeUnit.MILLISECONDS).build());
    BlockingQueue<Object> heard = new LinkedBlockingQueue<>();
    socket.onServerClose(heard::add);
    socket.onDisconnect(heard::add);
    socket.connect().awaitConnected(TIMEOUT, SECONDS);

    socket.emit("close", Map.of("code", 1001, "reason", "going away"));

    assertThat(heard.poll(TIMEOUT, SECONDS)).isEqualTo(new ServerClose(1001, "going away"));
    assertThat(heard.poll(TIMEOUT, SECONDS)).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    await().atMost(Duration.ofSeconds(TIMEOUT)).until(socket::isConnected);
    assertThat(server.connections(tag)).hasSize(2);
  }

  @Test void aClientDisconnectSendsANormalCloseAndStaysDisconnected() throws Exception {
    Socket socket = connect("/raw", RAW);
    socket.emit("message", "last words");
    socket.disconnect();
    await().atMost(Duration.ofSeconds(TIMEOUT)).until(() -> !only().open());
    WsServer.Connection closed = only();
    assertThat(closed.closeCode()).isEqualTo(1000);
    assertThat(closed.closedByServer()).isFalse();
    assertThat(closed.texts()).containsExactly("last words");
    assertThat(socket.state()).isEqualTo(ConnectionState.DISCONNECTED);
    assertThat(socket.manager().isOpen()).isFalse();
  }

  @Test void aMessageOverTheIncomingLimitClosesWith1009AndReconnects() throws Exception {
    Socket socket = tether.socket(server.url("/raw?tag=" + tag), RAW.newBuilder().maxIncomingMessageBytes(1024)
        .reconnectionDelay(50, 100, java.util.concurrent.TimeUnit.MILLISECONDS).build());
    BlockingQueue<dev.tether.TransportException> errors = new LinkedBlockingQueue<>();
    BlockingQueue<DisconnectReason> reasons = new LinkedBlockingQueue<>();
    socket.manager().onConnectionError(errors::add);
    socket.onDisconnect(reasons::add);
    socket.connect().awaitConnected(TIMEOUT, SECONDS);
    socket.emit("message", "big:1024");
    assertThat(socket.awaitEvent("message", TIMEOUT, SECONDS).arg(0, String.class)).hasSize(1024); // at the limit: fine

    socket.emit("message", "big:1025");
    assertThat(reasons.poll(TIMEOUT, SECONDS)).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    assertThat(errors.poll(TIMEOUT, SECONDS).kind()).isEqualTo(dev.tether.TransportException.Kind.INCOMING_TOO_LARGE);
    await().atMost(Duration.ofSeconds(TIMEOUT)).until(() -> !server.connections(tag).get(0).open());
    assertThat(server.connections(tag).get(0).closeCode()).isEqualTo(1009);
    await().atMost(Duration.ofSeconds(TIMEOUT)).until(socket::isConnected); // reconnected
  }

  // ---- the upgrade request ------------------------------------------------------------------------

  @Test void headersAndQueryGoOnTheUpgradeAndTheUrlPathIsTheEndpoint() throws Exception {
    Socket socket = tether.socket(server.url("/handshake?tag=" + tag + "&room=a%20b"),
        RAW.newBuilder().extraHeader("Authorization", "Bearer t0k3n").query("v", "2").build());
    socket.connect();
    JsonObject handshake = com.google.gson.JsonParser.parseString(
        socket.awaitEvent("message", TIMEOUT, SECONDS).arg(0, String.class)).getAsJsonObject();
    assertThat(handshake.get("path").getAsString()).isEqualTo("/handshake");
    assertThat(only().queryParameter("room")).isEqualTo("a b");
    assertThat(only().queryParameter("v")).isEqualTo("2");
    assertThat(only().headers()).containsEntry("authorization", "Bearer t0k3n");
  }

  @Test void aRefusedUpgradeIsATypedConnectError() throws Exception {
    for (int status : new int[] {403, 401, 503}) {
      Socket socket = tether.socket(server.url("/reject/" + status),
          RAW.newBuilder().reconnection(false).build());
      BlockingQueue<dev.tether.ConnectError> errors = new LinkedBlockingQueue<>();
      socket.onConnectError(errors::add);
      socket.connect();
      dev.tether.TransportException cause = (dev.tether.TransportException) errors.poll(TIMEOUT, SECONDS).cause();
      assertThat(cause.httpStatus()).isEqualTo(status);
      assertThat(cause.kind()).isEqualTo(status == 403 ? dev.tether.TransportException.Kind.FORBIDDEN
          : status == 503 ? dev.tether.TransportException.Kind.SERVER_ERROR : dev.tether.TransportException.Kind.HTTP_ERROR);
    }
  }

  @Test void anUpgradeThatNeverComesTimesOut() throws Exception {
    Socket socket = tether.socket(server.url("/hang"), RAW.newBuilder().reconnection(false)
        .timeout(500, java.util.concurrent.TimeUnit.MILLISECONDS).build());
    BlockingQueue<dev.tether.ConnectError> errors = new LinkedBlockingQueue<>();
    socket.onConnectError(errors::add);
    socket.connect();
    dev.tether.ConnectError error = errors.poll(TIMEOUT, SECONDS);
    assertThat(((dev.tether.TransportException) error.cause()).kind()).isEqualTo(dev.tether.TransportException.Kind.TIMEOUT);
    assertThat(socket.isActive()).isFalse();
  }

  /** NestJS's gateway shape: {"event": ..., "data": ...}. */
  @Nested
  @RealWsServer("{\"nameKey\":\"event\",\"greet\":\"hi\"}")
  class NestJsEnvelope {
    final WsServer nest;

    NestJsEnvelope(WsServer nest) {
      this.nest = nest;
    }

    @Test void eventAndDataKeys() throws Exception {
      Socket socket = tether.socket(nest.url("/envelope"),
          SocketOptions.builder().plainWebSocket(Envelope.json("event", "data")).build());
      BlockingQueue<String> welcome = new LinkedBlockingQueue<>();
      socket.on("welcome", String.class, welcome::add);
      socket.connect();
      assertThat(welcome.poll(TIMEOUT, SECONDS)).isEqualTo("hi");
      socket.emit("join");
      assertThat(socket.awaitEvent("hello", TIMEOUT, SECONDS).arg(0, Hello.class)).isEqualTo(new Hello("123", "234"));
      List<WsServer.Connection> connections = nest.connections();
      assertThat(connections.get(connections.size() - 1).texts()).containsExactly("{\"event\":\"join\"}");
    }
  }
}
