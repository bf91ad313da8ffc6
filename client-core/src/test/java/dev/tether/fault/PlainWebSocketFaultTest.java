package dev.tether.fault;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.Envelope;
import dev.tether.PlainWebSocket;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.testserver.WsServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Process faults of a real {@code ws} server behind a plain WebSocket socket: a restart on the same
 * port, a frozen process (SIGSTOP), a server that never answers pings. Each test has a server of its
 * own, since it stops or freezes it.
 */
@Timeout(value = 60, unit = SECONDS)
class PlainWebSocketFaultTest {
  private static final long PING_MILLIS = 500;
  /** Twice the ping interval (the documented bound), plus a margin for a busy 2-core machine. */
  private static final long DETECTION_BOUND_MILLIS = 2 * PING_MILLIS + 1_000;

  private final Tether tether = Tether.create();
  private final List<WsServer> servers = new ArrayList<>();

  @AfterEach void tearDown() {
    tether.close();
    for (WsServer server : servers) server.close();
  }

  private WsServer start(String options) {
    WsServer server = WsServer.start(options);
    servers.add(server);
    return server;
  }

  private static SocketOptions options() {
    return SocketOptions.builder()
        .plainWebSocket(PlainWebSocket.builder(Envelope.raw()).pingInterval(PING_MILLIS, MILLISECONDS).build())
        .reconnectionDelay(100, 300, MILLISECONDS)
        .timeout(1, SECONDS) // a frozen server accepts TCP but never answers the upgrade
        .build();
  }

  private static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10));
  }

  @Test void emitsBufferedWhileTheServerRestartsAreDeliveredOnceInOrder() throws Exception {
    WsServer server = start("{}");
    Socket socket = tether.socket(server.url("/raw"), options());
    socket.connect().awaitConnected(10, SECONDS);
    socket.emit("message", "before");
    eventually().until(() -> server.connections().get(0).texts().contains("before"));

    server.stop();
    eventually().until(() -> socket.state() == ConnectionState.RECONNECTING);
    for (int i = 0; i < 20; i++) socket.emit("message", "offline " + i);
    eventually().until(() -> socket.bufferedPackets() == 20); // emits reach the buffer on the loop
    long restartedAt = System.nanoTime();
    server.restart();

    eventually().until(() -> !server.connections().isEmpty() && server.connections().get(0).texts().size() == 20);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) expected.add("offline " + i);
    assertThat(server.connections()).singleElement().satisfies(c -> assertThat(c.texts()).isEqualTo(expected));
    assertThat(socket.isConnected()).isTrue();
    assertThat(socket.bufferedPackets()).isZero();
    FaultSupport.report("plain-ws-server-restart", "websocket", 0, FaultSupport.millisBetween(restartedAt, System.nanoTime()),
        "20 buffered emits delivered once, in order (recovery includes the node start)");
  }

  @Test void aFrozenServerIsNoticedWithinTwiceThePingIntervalAndRecoveredAfterItThaws() throws Exception {
    WsServer server = start("{}");
    Socket socket = tether.socket(server.url("/raw"), options());
    BlockingQueue<DisconnectReason> reasons = new LinkedBlockingQueue<>();
    socket.onDisconnect(reasons::add);
    socket.connect().awaitConnected(10, SECONDS);

    long frozenAt = System.nanoTime();
    server.freeze();
    DisconnectReason reason = reasons.poll(10, SECONDS);
    long detectedMillis = (System.nanoTime() - frozenAt) / 1_000_000;
    assertThat(reason).isEqualTo(DisconnectReason.PING_TIMEOUT);
    assertThat(detectedMillis).as("detection after the freeze").isLessThanOrEqualTo(DETECTION_BOUND_MILLIS);

    socket.emit("message", "while frozen");
    long thawedAt = System.nanoTime();
    server.thaw();
    socket.awaitConnected(20, SECONDS);
    FaultSupport.report("plain-ws-frozen-server", "websocket", detectedMillis,
        FaultSupport.millisBetween(thawedAt, System.nanoTime()), "ping " + PING_MILLIS + " ms");
    eventually().until(() -> server.connections().stream().anyMatch(c -> c.open() && c.texts().contains("while frozen")));
    assertThat(server.connections().stream().flatMap(c -> c.texts().stream()).filter("while frozen"::equals)).hasSize(1);
  }

  @Test void aServerThatNeverAnswersPingsIsAPingTimeout() throws Exception {
    WsServer server = start("{\"autoPong\":false}");
    Socket socket = tether.socket(server.url("/raw"), options().newBuilder().reconnection(false).build());
    BlockingQueue<DisconnectReason> reasons = new LinkedBlockingQueue<>();
    socket.onDisconnect(reasons::add);
    long connectedAt = System.nanoTime();
    socket.connect().awaitConnected(10, SECONDS);

    assertThat(reasons.poll(10, SECONDS)).isEqualTo(DisconnectReason.PING_TIMEOUT);
    long detectedMillis = FaultSupport.millisBetween(connectedAt, System.nanoTime());
    assertThat(detectedMillis).isLessThanOrEqualTo(DETECTION_BOUND_MILLIS);
    FaultSupport.report("plain-ws-no-pong", "websocket", detectedMillis, 0, "ping " + PING_MILLIS + " ms, from connect");
    assertThat(server.connections()).singleElement().satisfies(c -> assertThat(c.pings()).isGreaterThanOrEqualTo(1));
  }
}
