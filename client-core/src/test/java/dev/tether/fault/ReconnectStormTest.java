package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.counted;
import static dev.tether.fault.FaultSupport.eventually;
import static dev.tether.fault.FaultSupport.millisBetween;
import static dev.tether.fault.FaultSupport.millisSince;
import static dev.tether.fault.FaultSupport.report;
import static dev.tether.fault.FaultSupport.serverCount;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ConnectionState;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.TransportMode;
import dev.tether.fault.FaultSupport.Outcome;
import dev.tether.fault.FaultSupport.Recorder;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A reconnect storm against a server that refuses connections for a while (a restarting load
 * balancer): 50 sockets, each on its own connection, lose their connections at once and every
 * reconnection attempt is refused for about 2 s. Each socket keeps trying with backoff (reporting
 * reconnect errors), and once connections are accepted again all 50 are back within a bounded time,
 * with the emit each buffered meanwhile delivered exactly once.
 */
@RealServer
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReconnectStormTest {
  private static final int SOCKETS = 50;
  private static final long REFUSAL_MILLIS = 2_000;
  /** The longest reconnection delay (500 ms) with its jitter (x1.5), one attempt, and slack for 50 at once. */
  private static final long RECOVERY_BOUND_MILLIS = 5_000;

  private final SocketIoServer server;
  private final Tether tether = Tether.create();
  private FaultProxy proxy;

  ReconnectStormTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void tearDown() {
    tether.close();
    if (proxy != null) proxy.close();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = {"WEBSOCKET", "POLLING"})
  void fiftySocketsRideOutRefusedReconnectionsAndAllComeBack(TransportMode mode) throws Exception {
    proxy = new FaultProxy(server.port());
    SocketOptions options = mode.builder().forceNew(true)
        .reconnectionDelay(100, 500, TimeUnit.MILLISECONDS)
        .build();
    List<Socket> sockets = new ArrayList<>();
    List<Recorder> recorders = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) {
      Socket socket = tether.socket(proxy.url(), options);
      sockets.add(socket);
      recorders.add(new Recorder(socket));
    }
    long connectStart = System.nanoTime();
    for (Socket socket : sockets) socket.connect();
    for (Socket socket : sockets) socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    long connect = millisSince(connectStart);
    for (Recorder r : recorders) r.awaitConnect(1, Duration.ofSeconds(TIMEOUT_SECONDS));
    long initialConnectErrors = recorders.stream().mapToLong(r -> r.connectErrors.size()).sum();

    proxy.refuse(true);
    long acceptedBefore = proxy.acceptedConnections();
    long droppedAt = System.nanoTime();
    proxy.dropAll();

    eventually().untilAsserted(() -> assertThat(sockets).allSatisfy(
        socket -> assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING)));
    long detect = millisSince(droppedAt);
    String run = UUID.randomUUID().toString();
    List<Outcome> buffered = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) buffered.add(new Outcome(counted(sockets.get(i), run + "-" + i)));

    // Let them hammer the closed door for ~2 s: every socket sees its attempts refused.
    eventually().untilAsserted(() -> {
      assertThat(millisSince(droppedAt)).isGreaterThanOrEqualTo(REFUSAL_MILLIS);
      assertThat(recorders).allSatisfy(r -> assertThat(r.reconnectErrors).hasSizeGreaterThanOrEqualTo(2));
    });
    assertThat(sockets).allSatisfy(socket -> assertThat(socket.isConnected()).isFalse());
    long refused = proxy.refusedConnections();
    long attemptsDuringRefusal = recorders.stream().mapToLong(r -> r.attempts.size()).sum();
    long reconnectErrors = recorders.stream().mapToLong(r -> r.reconnectErrors.size()).sum();

    long reopenedAt = System.nanoTime();
    proxy.refuse(false);

    eventually(Duration.ofMillis(RECOVERY_BOUND_MILLIS)).untilAsserted(() -> assertThat(sockets).allSatisfy(
        socket -> assertThat(socket.isConnected()).isTrue()));
    long lastBack = recorders.stream().mapToLong(r -> r.awaitConnect(2, Duration.ofSeconds(TIMEOUT_SECONDS)))
        .max().getAsLong();
    long recover = millisBetween(reopenedAt, lastBack);
    assertThat(recover).as("all back (ms)").isLessThan(RECOVERY_BOUND_MILLIS);

    eventually().untilAsserted(() -> assertThat(buffered).allSatisfy(o -> assertThat(o.successes).hasSize(1)));
    assertThat(buffered).allSatisfy(o -> assertThat(o.failures).isEmpty());
    for (int i = 0; i < SOCKETS; i++) {
      assertThat(serverCount(sockets.get(i), run + "-" + i)).as("server saw socket %d's emit", i).isEqualTo(1);
    }
    assertThat(recorders).allSatisfy(r -> {
      String history = "states " + r.states + ", attempts " + r.attempts + ", reconnects " + r.reconnects
          + ", connect errors " + r.connectErrors;
      assertThat(r.disconnects).as(history).hasSize(1).allSatisfy(reason -> assertThat(reason.isRecoverable()).isTrue());
      assertThat(r.reconnects).as(history).hasSize(1);
      assertThat(r.reconnectFailed).hasValue(0);
    });
    assertThat(refused).as("refused connection attempts").isGreaterThanOrEqualTo(2L * SOCKETS);

    report("reconnect-storm-x" + SOCKETS, mode, detect, recover, "(refused for " + millisBetween(droppedAt, reopenedAt)
        + " ms) connections accepted during refusal=" + (proxy.acceptedConnections() - acceptedBefore)
        + " refused=" + refused + " reconnect attempts=" + attemptsDuringRefusal + " reconnect errors=" + reconnectErrors
        + " initial connect of all=" + connect + " ms (connect errors meanwhile: " + initialConnectErrors + ")");
  }
}
