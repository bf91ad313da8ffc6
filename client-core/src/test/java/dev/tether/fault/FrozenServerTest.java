package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.counted;
import static dev.tether.fault.FaultSupport.eventually;
import static dev.tether.fault.FaultSupport.millisBetween;
import static dev.tether.fault.FaultSupport.report;
import static dev.tether.fault.FaultSupport.serverCount;
import static dev.tether.fault.FaultSupport.signal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.AckCall;
import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.Socket;
import dev.tether.SocketDisconnectedException;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.TransportMode;
import dev.tether.fault.FaultSupport.Outcome;
import dev.tether.fault.FaultSupport.Recorder;
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
 * A frozen server ({@code kill -STOP}): its kernel still accepts connections and data, but nothing
 * answers, as with a server stuck in a long GC pause or a VM that was suspended. The client must call
 * the connection dead by the heartbeat (PING_TIMEOUT within pingInterval + pingTimeout of the last
 * ping), buffer what is emitted meanwhile, and reconnect once the server runs again
 * ({@code kill -CONT}).
 *
 * <p>Emits written into the frozen connection before the client noticed are at-most-once by default
 * (their acks fail with {@link SocketDisconnectedException}); with {@code retries} they go out again
 * after the reconnect and every ack succeeds (at-least-once: the server may also process the first
 * copy once it thaws).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrozenServerTest {
  private static final String OPTIONS = "{\"pingInterval\":500,\"pingTimeout\":500}";
  private static final long DETECTION_BOUND_MILLIS = 2_500;
  private static final int IN_FLIGHT = 5;
  private static final int BUFFERED = 5;

  private final Tether tether = Tether.create();
  private SocketIoServer server;
  private boolean frozen;

  @AfterEach void tearDown() throws Exception {
    tether.close();
    if (server != null) {
      if (frozen) signal(server.pid(), "CONT");
      server.close();
    }
  }

  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = {"POLLING", "WEBSOCKET"})
  void atMostOnceByDefaultEmitsIntoTheFrozenConnectionFailAndBufferedOnesAreDeliveredOnce(TransportMode mode)
      throws Exception {
    run(mode, mode.builder().reconnectionDelay(100, 500, TimeUnit.MILLISECONDS).build(), false);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = {"POLLING", "WEBSOCKET"})
  void withRetriesEveryAckSucceeds(TransportMode mode) throws Exception {
    run(mode, mode.builder().reconnectionDelay(100, 500, TimeUnit.MILLISECONDS)
        .ackTimeout(3, TimeUnit.SECONDS).retries(3).build(), true);
  }

  private void run(TransportMode mode, SocketOptions options, boolean retries) throws Exception {
    server = SocketIoServer.start(OPTIONS);
    Socket socket = tether.socket(server.url(), options);
    Recorder recorder = new Recorder(socket);
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(socket.emitWithAck("ack", "warm").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("warm");

    String run = UUID.randomUUID().toString();
    long frozenAt = System.nanoTime();
    signal(server.pid(), "STOP");
    frozen = true;

    // Written into the frozen connection: the client cannot know yet.
    List<AckCall> inFlightCalls = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) inFlightCalls.add(counted(socket, run + "-in-flight-" + i));
    List<Outcome> inFlight = Outcome.all(inFlightCalls);

    long detectedAt = recorder.awaitDisconnect(1, Duration.ofSeconds(TIMEOUT_SECONDS));
    long detect = millisBetween(frozenAt, detectedAt);
    assertThat(recorder.disconnects).containsExactly(DisconnectReason.PING_TIMEOUT);
    assertThat(detect).as("detection time (ms)").isLessThan(DETECTION_BOUND_MILLIS);
    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING));
    if (!retries) {
      eventually().untilAsserted(() -> assertThat(inFlight).allSatisfy(o -> assertThat(o.failures).hasSize(1)));
      assertThat(inFlight).allSatisfy(o -> {
        assertThat(o.successes).isEmpty();
        assertThat(o.failures.get(0)).isInstanceOfSatisfying(SocketDisconnectedException.class,
            e -> assertThat(e.reason()).isEqualTo(DisconnectReason.PING_TIMEOUT));
      });
    }

    // Emitted while the client knows it is offline: buffered (behind the retried ones, if any).
    List<AckCall> bufferedCalls = new ArrayList<>();
    for (int i = 0; i < BUFFERED; i++) bufferedCalls.add(counted(socket, run + "-buffered-" + i));
    List<Outcome> buffered = Outcome.all(bufferedCalls);
    int expectedBuffer = BUFFERED + (retries ? IN_FLIGHT : 0);
    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isEqualTo(expectedBuffer));

    long thawedAt = System.nanoTime();
    signal(server.pid(), "CONT");
    frozen = false;

    long reconnectedAt = recorder.awaitConnect(2, Duration.ofSeconds(TIMEOUT_SECONDS));
    long recover = millisBetween(thawedAt, reconnectedAt);
    eventually().untilAsserted(() -> assertThat(buffered).allSatisfy(o -> assertThat(o.successes).hasSize(1)));
    assertThat(buffered).allSatisfy(o -> assertThat(o.failures).isEmpty());
    for (int i = 0; i < BUFFERED; i++) {
      assertThat(serverCount(socket, run + "-buffered-" + i)).as("server saw buffered emit %d", i).isEqualTo(1);
    }
    long inFlightSeen = 0;
    long inFlightDuplicates = 0;
    if (retries) {
      eventually().untilAsserted(() -> assertThat(inFlight).allSatisfy(o -> assertThat(o.successes).hasSize(1)));
      assertThat(inFlight).allSatisfy(o -> assertThat(o.failures).isEmpty());
    }
    for (int i = 0; i < IN_FLIGHT; i++) {
      long seen = serverCount(socket, run + "-in-flight-" + i);
      if (retries) assertThat(seen).as("server saw in-flight emit %d at least once", i).isGreaterThanOrEqualTo(1);
      inFlightSeen += seen > 0 ? 1 : 0;
      inFlightDuplicates += Math.max(0, seen - 1);
    }
    assertThat(recorder.disconnects).containsExactly(DisconnectReason.PING_TIMEOUT);
    assertThat(socket.bufferedPackets()).isZero();

    report(retries ? "frozen-server+retries" : "frozen-server", mode, detect, recover,
        "reason=" + recorder.disconnects.get(0).wireName() + " in-flight acks ok="
            + inFlight.stream().filter(o -> !o.successes.isEmpty()).count() + "/" + IN_FLIGHT
            + " in-flight seen by server=" + inFlightSeen + "/" + IN_FLIGHT + " duplicates=" + inFlightDuplicates
            + " buffered ok=" + BUFFERED + "/" + BUFFERED + " attempts=" + recorder.attempts.size());
  }
}
