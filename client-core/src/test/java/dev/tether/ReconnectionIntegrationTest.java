package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.barrier;
import static dev.tether.IntegrationSupport.connected;
import static dev.tether.IntegrationSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ReconnectionVirtualTimeTest.Recorder;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reconnection on real time against real servers that go away and come back: a server restarted on
 * the same port, a server that stays down, and an auth provider asked again on every reconnect.
 * Reconnection delays are short (50 ms, doubling up to 200 ms) to keep the tests fast.
 */
@RealServer
class ReconnectionIntegrationTest {
  private final SocketIoServer server;
  private final Tether tether = Tether.create();
  /** Servers a test started itself; stopped after it. */
  private final List<SocketIoServer> servers = new CopyOnWriteArrayList<>();

  ReconnectionIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeAll() {
    tether.close();
    for (SocketIoServer started : servers) started.close();
  }

  private SocketIoServer startServer(int port) {
    SocketIoServer started = SocketIoServer.start("{}", port);
    servers.add(started);
    return started;
  }

  private static SocketOptions.Builder fast(TransportMode mode) {
    return mode.builder().reconnectionDelay(50, 200, TimeUnit.MILLISECONDS);
  }

  /** Every outcome of one ack, to show how many times each callback ran. */
  private static final class Outcome {
    final List<Args> successes = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    Outcome(AckCall call) {
      call.then(successes::add, failures::add);
    }
  }

  // ---- a server restart ---------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void afterAServerRestartTheSocketReconnectsAndSendsWhatWasEmittedMeanwhileInOrderExactlyOnce(TransportMode mode)
      throws Exception {
    SocketIoServer first = startServer(0);
    int port = first.port();
    Socket socket = tether.socket(first.url(), fast(mode).build());
    Recorder recorder = new Recorder(socket);
    List<Object> echoes = new CopyOnWriteArrayList<>();
    socket.on("echo", event -> echoes.add(event.arg(0)));
    connected(socket);
    String firstId = socket.id();

    // Sent, and not acknowledged when the server dies: one fails, one is sent again.
    Outcome lost = new Outcome(socket.emitWithAck("ack-after", 60_000, "lost"));
    Outcome retried = new Outcome(socket.emitWithAck("ack-after", 2_000, "retried")
        .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).retries(1));
    barrier(socket); // the server has received both

    first.close();

    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING));
    eventually().untilAsserted(() -> assertThat(lost.failures).hasSize(1));
    assertThat(lost.failures.get(0)).isInstanceOfSatisfying(SocketDisconnectedException.class,
        e -> assertThat(e.reason().isRecoverable()).as("reason %s", e.reason()).isTrue());
    assertThat(recorder.disconnects).hasSize(1).allSatisfy(reason -> assertThat(reason.isRecoverable()).isTrue());
    assertThat(retried.failures).isEmpty();
    assertThat(retried.successes).isEmpty();

    List<Outcome> acks = new ArrayList<>();
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= 20; i++) {
      acks.add(new Outcome(socket.emitWithAck("echo", i)));
      expected.add(i);
    }
    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).as("20 emits and the retry").isEqualTo(21));
    assertThat(socket.bufferedBytes()).isPositive();
    assertThat(echoes).isEmpty();

    startServer(port); // the same address: the client finds it by itself

    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(socket.id()).isNotNull().isNotEqualTo(firstId);
    assertThat(socket.recovered()).isFalse();
    eventually().untilAsserted(() -> {
      for (Outcome ack : acks) assertThat(ack.successes).hasSize(1);
    });
    barrier(socket);
    assertThat(echoes).containsExactlyElementsOf(expected);
    assertThat(acks.stream().map(a -> a.successes.get(0).arg(0)).collect(Collectors.toList()))
        .containsExactlyElementsOf(expected);
    assertThat(acks).allSatisfy(ack -> assertThat(ack.failures).isEmpty());
    assertThat(socket.bufferedPackets()).isZero();
    assertThat(socket.bufferedBytes()).isZero();

    eventually().untilAsserted(() -> assertThat(retried.successes).hasSize(1));
    assertThat(retried.successes.get(0).toList()).containsExactly("retried");
    assertThat(retried.failures).isEmpty();
    assertThat(lost.failures).hasSize(1);
    assertThat(lost.successes).isEmpty();

    assertThat(recorder.attempts).isNotEmpty();
    assertThat(recorder.attempts.get(0)).isEqualTo(1);
    eventually().untilAsserted(() -> assertThat(recorder.reconnects).hasSize(1));
    assertThat(recorder.reconnects.get(0)).isEqualTo(recorder.attempts.get(recorder.attempts.size() - 1));
    assertThat(recorder.reconnectErrors).as("every attempt but the last failed")
        .hasSize(recorder.attempts.size() - 1);
    assertThat(recorder.reconnectFailed).hasValue(0);
    assertThat(recorder.disconnects).hasSize(1);

    // Nothing is sent twice later on.
    barrier(socket);
    assertThat(echoes).hasSize(20);
  }

  // ---- a server that stays down -------------------------------------------------------------------

  @Test void reconnectionGivesUpAfterTheConfiguredAttemptsAndAConnectLaterStartsAfresh() throws Exception {
    SocketIoServer doomed = startServer(0);
    int port = doomed.port();
    Socket socket = tether.socket(doomed.url(), fast(TransportMode.UPGRADE).reconnectionAttempts(3).build());
    Recorder recorder = new Recorder(socket);
    connected(socket);

    doomed.close();

    eventually().untilAsserted(() -> assertThat(recorder.reconnectFailed).hasValue(1));
    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.DISCONNECTED));
    assertThat(socket.isActive()).isFalse();
    assertThat(socket.isConnected()).isFalse();
    assertThat(recorder.attempts).containsExactly(1, 2, 3);
    eventually().untilAsserted(() -> assertThat(recorder.reconnectErrors).hasSize(3));
    assertThat(recorder.reconnects).isEmpty();
    assertThat(recorder.disconnects).hasSize(1);
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
        ConnectionState.RECONNECTING, ConnectionState.DISCONNECTED);
    assertThat(socket.manager().isOpen()).isFalse();

    // Given up for good: longer than two of the longest delays passes without another attempt.
    eventually().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(recorder.attempts).hasSize(3);
      assertThat(recorder.reconnectFailed).hasValue(1);
    });

    // Once the server is back, connect() works again.
    startServer(port);
    connected(socket);
    assertThat(socket.state()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(recorder.attempts).hasSize(3);
  }

  @Test void aServerThatIsNeverReachableIsTriedTheConfiguredNumberOfTimes() throws Exception {
    SocketIoServer gone = startServer(0);
    String url = gone.url();
    gone.close();
    Socket socket = tether.socket(url, fast(TransportMode.POLLING).reconnectionAttempts(2).build());
    Recorder recorder = new Recorder(socket);

    socket.connect();

    eventually().untilAsserted(() -> assertThat(recorder.reconnectFailed).hasValue(1));
    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.DISCONNECTED));
    assertThat(recorder.attempts).containsExactly(1, 2);
    eventually().untilAsserted(() -> assertThat(recorder.reconnectErrors).hasSize(2));
    assertThat(recorder.connectErrors).as("the first connect and both attempts").hasSize(3)
        .allSatisfy(error -> assertThat(error.isServerRefusal()).isFalse());
    assertThat(recorder.disconnects).isEmpty();
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.RECONNECTING,
        ConnectionState.DISCONNECTED);
  }

  // ---- auth on every reconnect --------------------------------------------------------------------

  @Test void theAuthProviderIsAskedAgainOnEveryReconnectAndTheServerSeesTheNewPayload() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Socket socket = tether.socket(server.url(), fast(TransportMode.UPGRADE)
        .auth(() -> Map.of("token", "token-" + calls.incrementAndGet()))
        .build());
    Recorder recorder = new Recorder(socket);
    connected(socket);
    assertThat(calls).hasValue(1);
    assertThat(handshakeAuth(socket)).containsEntry("token", "token-1");
    String firstId = socket.id();

    socket.emit("engine-close");

    eventually().untilAsserted(() -> assertThat(recorder.reconnects).hasSize(1));
    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.CONNECTED));
    assertThat(socket.id()).isNotEqualTo(firstId);
    assertThat(calls).hasValue(2);
    assertThat(handshakeAuth(socket)).containsEntry("token", "token-2");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> handshakeAuth(Socket socket) throws InterruptedException {
    Map<String, Object> handshake = socket.emitWithAck("handshake").await(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .arg(0, Map.class);
    return (Map<String, Object>) handshake.get("auth");
  }

  // ---- multiplexing -------------------------------------------------------------------------------

  @Test void everyNamespaceOfTheConnectionReconnects() throws Exception {
    Socket root = tether.socket(server.url(), fast(TransportMode.UPGRADE).build());
    Socket chat = root.manager().socket("/chat");
    Recorder rootRecorder = new Recorder(root);
    Recorder chatRecorder = new Recorder(chat);
    connected(root);
    connected(chat);
    String rootId = root.id();
    String chatId = chat.id();

    root.emit("engine-close");

    eventually().untilAsserted(() -> {
      assertThat(rootRecorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
          ConnectionState.RECONNECTING, ConnectionState.CONNECTED);
      assertThat(chatRecorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
          ConnectionState.RECONNECTING, ConnectionState.CONNECTED);
    });
    assertThat(rootRecorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(chatRecorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(rootRecorder.reconnects).as("one Manager, one reconnection").hasSize(1);
    assertThat(root.id()).isNotEqualTo(rootId);
    assertThat(chat.id()).isNotEqualTo(chatId);
    List<Object> engineIds = new ArrayList<>();
    engineIds.add(root.emitWithAck("engine-id").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0));
    engineIds.add(chat.emitWithAck("engine-id").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0));
    assertThat(engineIds.get(0)).as("still multiplexed on one connection").isEqualTo(engineIds.get(1));
  }
}
