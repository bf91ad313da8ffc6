package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.counted;
import static dev.tether.fault.FaultSupport.eventually;
import static dev.tether.fault.FaultSupport.millisBetween;
import static dev.tether.fault.FaultSupport.report;
import static dev.tether.fault.FaultSupport.serverCount;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.AckCall;
import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.Socket;
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
 * A black-holed connection: the network path stays up but carries nothing (a dead NAT entry, a
 * Wi-Fi that lost its uplink). Only the heartbeat can notice. The server pings every 500 ms and
 * waits 500 ms for the pong, so the client must call the connection dead within
 * {@code pingInterval + pingTimeout} = 1 s of the last ping, and reconnect by itself once the path
 * carries data again.
 */
@RealServer("{\"pingInterval\":500,\"pingTimeout\":500}")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BlackHoleTest {
  /** pingInterval + pingTimeout, plus a margin for scheduling on a busy 2-core machine. */
  private static final long DETECTION_BOUND_MILLIS = 2_500;

  private final SocketIoServer server;
  private final Tether tether = Tether.create();
  private FaultProxy proxy;

  BlackHoleTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void tearDown() {
    tether.close();
    if (proxy != null) proxy.close();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = {"POLLING", "WEBSOCKET"})
  void aBlackHoledConnectionIsDetectedByTheHeartbeatAndRecoveredWhenThePathComesBack(TransportMode mode) throws Exception {
    proxy = new FaultProxy(server.port());
    Socket socket = tether.socket(proxy.url(), mode.builder()
        .reconnectionDelay(100, 500, TimeUnit.MILLISECONDS)
        .build());
    Recorder recorder = new Recorder(socket);
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(socket.emitWithAck("ack", "before").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("before");

    long holeAt = System.nanoTime();
    proxy.blackHole(true);

    long detectedAt = recorder.awaitDisconnect(1, Duration.ofSeconds(TIMEOUT_SECONDS));
    long detect = millisBetween(holeAt, detectedAt);
    assertThat(recorder.disconnects).containsExactly(DisconnectReason.PING_TIMEOUT);
    assertThat(detect).as("detection time (ms)").isLessThan(DETECTION_BOUND_MILLIS);
    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING));

    // Emitted while the client knows it is offline: buffered, delivered once after the recovery.
    String run = UUID.randomUUID().toString();
    List<AckCall> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) calls.add(counted(socket, run + "-" + i));
    List<Outcome> outcomes = Outcome.all(calls);
    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isEqualTo(5));

    long backAt = System.nanoTime();
    proxy.blackHole(false);

    long reconnectedAt = recorder.awaitConnect(2, Duration.ofSeconds(TIMEOUT_SECONDS));
    long recover = millisBetween(backAt, reconnectedAt);
    eventually().untilAsserted(() -> assertThat(outcomes).allSatisfy(o -> assertThat(o.successes).hasSize(1)));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failures).isEmpty());
    for (int i = 0; i < 5; i++) assertThat(serverCount(socket, run + "-" + i)).as("server saw emit %d", i).isEqualTo(1);
    assertThat(socket.emitWithAck("ack", "after").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("after");
    assertThat(recorder.disconnects).containsExactly(DisconnectReason.PING_TIMEOUT);
    assertThat(recorder.reconnects).hasSize(1);

    report("black-hole", mode, detect, recover, "reason=" + recorder.disconnects.get(0).wireName()
        + " attempts=" + recorder.attempts.size() + " reconnectErrors=" + recorder.reconnectErrors.size());
  }
}
