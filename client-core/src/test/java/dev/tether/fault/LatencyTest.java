package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.eventually;
import static dev.tether.fault.FaultSupport.millisSince;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.AckCall;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 500 ms of latency on every chunk in both directions (a 1 s round trip, like a congested mobile
 * link): connecting, events and acks with a 5 s ack timeout all work, in every transport mode, and
 * the heartbeat ({@code pingInterval} 5 s, {@code pingTimeout} 5 s) does not misfire. With the
 * upgrade, acks emitted while the upgrade is under way succeed too.
 */
@RealServer("{\"pingInterval\":5000,\"pingTimeout\":5000}")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LatencyTest {
  private static final long LATENCY_MILLIS = 500;
  private static final int ACKS = 10;

  private final SocketIoServer server;
  private final Tether tether = Tether.create();
  private FaultProxy proxy;

  LatencyTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void tearDown() {
    tether.close();
    if (proxy != null) proxy.close();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void everythingWorksOverASlowLink(TransportMode mode) throws Exception {
    proxy = new FaultProxy(server.port());
    proxy.latency(LATENCY_MILLIS, TimeUnit.MILLISECONDS);
    Socket socket = tether.socket(proxy.url(), mode.builder()
        .ackTimeout(5, TimeUnit.SECONDS)
        .build());
    Recorder recorder = new Recorder(socket);
    List<Object> echoes = new CopyOnWriteArrayList<>();
    socket.on("echo", event -> echoes.add(event.arg(0)));

    long connectStart = System.nanoTime();
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    long connect = millisSince(connectStart);

    // Acks right after the connect: with the upgrade, the probe is under way meanwhile.
    long acksStart = System.nanoTime();
    List<Outcome> acks = sendAcks(socket, "first");
    long echoStart = System.nanoTime();
    socket.emit("echo", "hello");
    eventually().untilAsserted(() -> assertThat(echoes).containsExactly("hello"));
    long echo = millisSince(echoStart);
    eventually().untilAsserted(() -> assertThat(acks).allSatisfy(o -> assertThat(o.successes).hasSize(1)));
    long acksTime = millisSince(acksStart);
    long firstAck = acks.stream().mapToLong(o -> o.doneNanos - acksStart).min().getAsLong() / 1_000_000;
    assertThat(acks).allSatisfy(o -> assertThat(o.failures).isEmpty());
    for (int i = 0; i < ACKS; i++) assertThat(acks.get(i).successes.get(0).arg(0)).isEqualTo("first-" + i);

    long upgrade = -1;
    if (mode == TransportMode.UPGRADE) {
      eventually(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(recorder.upgrades).containsExactly(Transport.WEBSOCKET));
      upgrade = TimeUnit.NANOSECONDS.toMillis(recorder.upgradeNanos.get(0) - connectStart);
      List<Outcome> after = sendAcks(socket, "after-upgrade");
      eventually().untilAsserted(() -> assertThat(after).allSatisfy(o -> assertThat(o.successes).hasSize(1)));
      assertThat(after).allSatisfy(o -> assertThat(o.failures).isEmpty());
    }
    String transport = socket.emitWithAck("transport").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0, String.class);
    assertThat(transport).isEqualTo(mode == TransportMode.POLLING ? "polling" : "websocket");
    assertThat(recorder.disconnects).isEmpty();
    assertThat(recorder.connectErrors).isEmpty();
    assertThat(recorder.connects()).isEqualTo(1);

    System.out.printf("FAULT latency-%dms mode=%s detect=n/a recover=n/a connect=%d ms echo=%d ms %d acks=%d ms (first %d ms)"
        + " upgrade=%s transport=%s disconnects=0%n", LATENCY_MILLIS, mode, connect, echo, ACKS, acksTime, firstAck,
        upgrade < 0 ? "n/a" : upgrade + " ms after connect()", transport);
  }

  private static List<Outcome> sendAcks(Socket socket, String prefix) {
    List<AckCall> calls = new ArrayList<>();
    for (int i = 0; i < ACKS; i++) calls.add(socket.emitWithAck("ack", prefix + "-" + i));
    return Outcome.all(calls);
  }
}
