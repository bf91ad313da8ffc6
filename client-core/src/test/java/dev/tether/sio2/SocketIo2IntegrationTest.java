package dev.tether.sio2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import dev.tether.AckCall;
import dev.tether.AckTimeoutException;
import dev.tether.Args;
import dev.tether.ConnectError;
import dev.tether.Dialect;
import dev.tether.DisconnectReason;
import dev.tether.Event;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.TetherException;
import dev.tether.TransportException;
import dev.tether.TransportMode;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The socket.io 2.x dialect against the real socket.io 2.5.0 over every transport mode; the subclass
 * runs the same client code against socket.io 4.8.4 with {@code allowEIO3}.
 */
@RealServer(version = RealServer.Version.SOCKET_IO_2)
class SocketIo2IntegrationTest {
  static final long TIMEOUT = 10;
  final SocketIoServer server;
  final Tether tether = Tether.create();

  SocketIo2IntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void close() {
    tether.close();
  }

  static SocketOptions.Builder v2(TransportMode mode) {
    return mode.builder().dialect(Dialect.SOCKET_IO_2);
  }

  Socket connected(String namespace, SocketOptions options) throws InterruptedException {
    Socket socket = tether.socket(server.url() + namespace, options).connect();
    socket.awaitConnected(TIMEOUT, TimeUnit.SECONDS);
    return socket;
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void theDefaultNamespaceConnectsWithTheEngineIdAsItsId(TransportMode mode) throws Exception {
    Socket root = connected("/", v2(mode).build());
    Args ids = root.emitWithAck("engine-id").await(TIMEOUT, TimeUnit.SECONDS);
    assertThat(root.id()).isEqualTo(ids.arg(1, String.class)).isEqualTo(ids.arg(0, String.class));
    assertThat(root.recovered()).isFalse();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aCustomNamespaceCarriesItsAuthAsTheQuery(TransportMode mode) throws Exception {
    Socket chat = connected("/chat", v2(mode).query("conn", "1").auth(Collections.singletonMap("token", "a b,c")).build());
    Args ids = chat.emitWithAck("engine-id").await(TIMEOUT, TimeUnit.SECONDS);
    assertThat(chat.id()).isEqualTo(ids.arg(1, String.class)).isEqualTo("/chat#" + ids.arg(0, String.class));
    JsonObject handshake = chat.emitWithAck("handshake").await(TIMEOUT, TimeUnit.SECONDS).json(0).getAsJsonObject();
    JsonObject where = handshake.get("query").isJsonObject() && handshake.getAsJsonObject("query").has("token")
        ? handshake.getAsJsonObject("query") : handshake.getAsJsonObject("auth");
    assertThat(where.get("token").getAsString()).isEqualTo("a b,c");
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void binaryAndAcksBothWays(TransportMode mode) throws Exception {
    Socket root = connected("/", v2(mode).build());
    byte[] bytes = {1, 2, 3, 4};
    Args echoed = root.emitWithAck("echo", "x", bytes).await(TIMEOUT, TimeUnit.SECONDS);
    assertThat(echoed.arg(1, byte[].class)).containsExactly(1, 2, 3, 4);
    Event event = root.awaitEvent("echo", TIMEOUT, TimeUnit.SECONDS);
    assertThat(event.arg(1, byte[].class)).containsExactly(1, 2, 3, 4);

    root.on("question", e -> e.ack("answer", new byte[] {9}));
    root.emit("ask", "question", "q1");
    Event answered = root.awaitEvent("answered", TIMEOUT, TimeUnit.SECONDS);
    assertThat(answered.arg(0, String.class)).isEqualTo("answer");
    assertThat(answered.arg(1, byte[].class)).containsExactly(9);

    root.emit("emit-binary", 300);
    byte[] big = root.awaitEvent("binary", TIMEOUT, TimeUnit.SECONDS).arg(0, byte[].class);
    assertThat(big).hasSize(300);
    assertThat(big[299]).isEqualTo((byte) (299 % 256));
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void namespaceMiddlewareRefusesWithItsDataAndAGoodTokenGetsIn(TransportMode mode) throws Exception {
    Socket bad = tether.socket(server.url() + "/secure", v2(mode).auth(Collections.singletonMap("token", "bad")).build());
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    bad.onConnectError(errors::add);
    bad.connect();
    assertThatThrownBy(() -> bad.awaitConnected(TIMEOUT, TimeUnit.SECONDS)).isInstanceOf(TetherException.class);
    Awaitility.await().atMost(TIMEOUT, TimeUnit.SECONDS).until(() -> !errors.isEmpty());
    assertThat(errors.get(0).isServerRefusal()).isTrue();
    assertThat(((Map<?, ?>) errors.get(0).data()).get("reason")).isEqualTo("bad token");

    Socket good = connected("/secure", v2(mode).auth(Collections.singletonMap("token", "good")).build());
    assertThat(good.emitWithAck("ack", 7).await(TIMEOUT, TimeUnit.SECONDS).arg(0, Integer.class)).isEqualTo(7);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void anUnknownNamespaceIsRefused(TransportMode mode) throws Exception {
    Socket nope = tether.socket(server.url() + "/nope", v2(mode).build()).connect();
    assertThatThrownBy(() -> nope.awaitConnected(TIMEOUT, TimeUnit.SECONDS))
        .isInstanceOf(TetherException.class).hasMessageContaining("Invalid namespace");
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aKickIsAServerDisconnect(TransportMode mode) throws Exception {
    Socket chat = connected("/chat", v2(mode).build());
    List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
    chat.onDisconnect(reasons::add);
    chat.emit("server-disconnect");
    Awaitility.await().atMost(TIMEOUT, TimeUnit.SECONDS).until(() -> !reasons.isEmpty());
    assertThat(reasons).containsExactly(DisconnectReason.IO_SERVER_DISCONNECT);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void acksTimeOutAndRetriesReachTheServerAgain(TransportMode mode) throws Exception {
    Socket root = connected("/", v2(mode).build());
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    root.emitWithAck("ack-after", 1_000, "late").timeout(200, TimeUnit.MILLISECONDS).then(args -> { }, failures::add);
    Awaitility.await().atMost(TIMEOUT, TimeUnit.SECONDS).until(() -> !failures.isEmpty());
    assertThat(failures.get(0)).isInstanceOf(AckTimeoutException.class);
    // await's timeout is the ack timeout (AckCall.await)
    assertThatThrownBy(() -> root.emitWithAck("ack-after", 1_000, "late").await(200, TimeUnit.MILLISECONDS))
        .isInstanceOf(AckTimeoutException.class);

    Socket retrying = connected("/retry", v2(mode).retries(2).ackTimeout(300, TimeUnit.MILLISECONDS).build());
    String key = "k-" + mode + "-" + System.nanoTime();
    List<Args> answers = new CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    retrying.emitWithAck("flaky", key, 1).then(answers::add, failures::add); // not await: its timeout would replace 300 ms
    Awaitility.await().atMost(TIMEOUT, TimeUnit.SECONDS).until(() -> !answers.isEmpty());
    assertThat(answers.get(0).arg(1, Integer.class)).isEqualTo(2); // the server saw the retry
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
    assertThat(failures).hasSize(1);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void anEmitOverTheAssumedMaxPayloadIsRefusedLocallyAndTheConnectionStays(TransportMode mode) throws Exception {
    Socket root = connected("/", v2(mode).build());
    char[] chars = new char[1_000_001];
    java.util.Arrays.fill(chars, 'x');
    AckCall big = root.emitWithAck("ack", new String(chars));
    assertThatThrownBy(() -> big.await(TIMEOUT, TimeUnit.SECONDS)).isInstanceOfSatisfying(TransportException.class,
        e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.PAYLOAD_TOO_LARGE));
    assertThat(root.emitWithAck("ack", 1).await(TIMEOUT, TimeUnit.SECONDS).arg(0, Integer.class)).isEqualTo(1);
    assertThat(root.isConnected()).isTrue();
  }
}
