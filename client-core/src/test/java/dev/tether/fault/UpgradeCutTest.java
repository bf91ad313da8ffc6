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
import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.Transport;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every connection is cut while a polling session upgrades to WebSocket. 200 ms of latency on every
 * chunk stretches the upgrade over about a second; the proxy cuts at a precise step of it:
 * <ul>
 *   <li>{@code PROBE_REQUESTED}: right after the probe's HTTP upgrade request reached the server
 *       (the namespace is usually still joining: the cut hits the first connect);
 *   <li>{@code PROBE_ANSWERED}: right after {@code 3probe} reached the client, which then freezes its
 *       writes and waits for the held poll to come back before it switches.
 * </ul>
 * Either way the client must reconnect by itself, upgrade the new session, and deliver the emits
 * buffered meanwhile exactly once.
 */
@RealServer
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UpgradeCutTest {
  enum CutPoint {
    PROBE_REQUESTED("transport=websocket", false),
    PROBE_ANSWERED("3probe", true);

    final String marker;
    final boolean fromServer;

    CutPoint(String marker, boolean fromServer) {
      this.marker = marker;
      this.fromServer = fromServer;
    }
  }

  private final SocketIoServer server;
  private final Tether tether = Tether.create();
  private FaultProxy proxy;

  UpgradeCutTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void tearDown() {
    tether.close();
    if (proxy != null) proxy.close();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(CutPoint.class)
  void aConnectionCutDuringTheUpgradeReconnectsUpgradesAndDeliversTheBufferedEmitsOnce(CutPoint point)
      throws Exception {
    proxy = new FaultProxy(server.port());
    proxy.latency(200, TimeUnit.MILLISECONDS);
    Socket socket = tether.socket(proxy.url(), TransportMode.UPGRADE.builder()
        .reconnectionDelay(100, 500, TimeUnit.MILLISECONDS)
        .build());
    Recorder recorder = new Recorder(socket);
    AtomicLong cutAt = new AtomicLong();
    AtomicReference<String> transportAtCut = new AtomicReference<>();
    AtomicReference<Boolean> connectedAtCut = new AtomicReference<>();
    AtomicReference<Integer> upgradesAtCut = new AtomicReference<>();
    AtomicBoolean cut = proxy.afterForwarding(point.marker, point.fromServer, () -> {
      transportAtCut.set(String.valueOf(socket.manager().transport()));
      connectedAtCut.set(socket.isConnected());
      upgradesAtCut.set(recorder.upgrades.size());
      cutAt.set(System.nanoTime());
      proxy.dropAll();
    });
    long startedAt = System.nanoTime();
    socket.connect();

    eventually().untilTrue(cut);
    assertThat(upgradesAtCut.get()).as("upgrades reported before the cut").isZero();
    assertThat(transportAtCut.get()).as("transport at the cut").isIn("POLLING", "null");
    if (point == CutPoint.PROBE_ANSWERED) {
      assertThat(connectedAtCut.get()).as("joined before 3probe arrived").isTrue();
    }
    long detectedAt = recorder.awaitState(ConnectionState.RECONNECTING, cutAt.get(), Duration.ofSeconds(TIMEOUT_SECONDS));
    long detect = millisBetween(cutAt.get(), detectedAt);
    assertThat(recorder.disconnects).allSatisfy(reason -> assertThat(reason.isRecoverable()).isTrue());

    // Buffered while reconnecting.
    String run = UUID.randomUUID().toString();
    List<AckCall> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) calls.add(counted(socket, run + "-" + i));
    List<Outcome> outcomes = Outcome.all(calls);

    long reconnectedAt = recorder.awaitConnectAfter(cutAt.get(), Duration.ofSeconds(TIMEOUT_SECONDS));
    long recover = millisBetween(cutAt.get(), reconnectedAt);
    eventually().untilAsserted(() -> assertThat(outcomes).allSatisfy(o -> assertThat(o.successes).hasSize(1)));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failures).isEmpty());

    // The new session upgrades, and works over the WebSocket.
    eventually().untilAsserted(() -> assertThat(recorder.upgrades).containsExactly(Transport.WEBSOCKET));
    long upgraded = millisBetween(reconnectedAt, recorder.upgradeNanos.get(0));
    assertThat(socket.emitWithAck("transport").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("websocket");
    for (int i = 0; i < 5; i++) assertThat(serverCount(socket, run + "-" + i)).as("server saw emit %d", i).isEqualTo(1);
    assertThat(recorder.connects()).as("connects: the first (if it happened before the cut) and the reconnect")
        .isBetween(1, 2);
    assertThat(recorder.disconnects).hasSize(recorder.connects() - 1);

    report("upgrade-cut-" + point, TransportMode.UPGRADE, detect, recover, "(200 ms latency per chunk) connected at cut="
        + connectedAtCut.get() + " transport at cut=" + transportAtCut.get() + " disconnects=" + recorder.disconnects
        + " connectErrors=" + recorder.connectErrors + " cut after " + millisBetween(startedAt, cutAt.get())
        + " ms, upgrade " + upgraded + " ms after the reconnect");
  }
}
