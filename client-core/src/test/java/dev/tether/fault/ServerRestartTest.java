package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.eventually;
import static dev.tether.fault.FaultSupport.millisBetween;
import static dev.tether.fault.FaultSupport.report;
import static dev.tether.fault.FaultSupport.signal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.AckCall;
import dev.tether.ConnectionState;
import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.TransportMode;
import dev.tether.fault.FaultSupport.Outcome;
import dev.tether.fault.FaultSupport.Recorder;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server process crashes ({@code kill -9}) and a new one starts on the same port. The client
 * notices at once (the kernel resets its connections), buffers what is emitted meanwhile, reconnects
 * to the new process by itself and delivers the buffer once, in order. (ReconnectionIntegrationTest
 * covers more of this with a graceful stop.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerRestartTest {
  private static final int BUFFERED = 20;

  private final Tether tether = Tether.create();
  private final List<SocketIoServer> servers = new CopyOnWriteArrayList<>();

  @AfterEach void tearDown() {
    tether.close();
    for (SocketIoServer server : servers) server.close();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aCrashedAndRestartedServerIsFoundAgainAndGetsTheBufferedEmitsOnceInOrder(TransportMode mode) throws Exception {
    SocketIoServer first = SocketIoServer.start("{}");
    servers.add(first);
    int port = first.port();
    Socket socket = tether.socket(first.url(), mode.builder()
        .reconnectionDelay(100, 500, TimeUnit.MILLISECONDS)
        .build());
    Recorder recorder = new Recorder(socket);
    List<Object> echoes = new CopyOnWriteArrayList<>();
    socket.on("echo", event -> echoes.add(event.arg(0)));
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (mode == TransportMode.UPGRADE) eventually().untilAsserted(() -> assertThat(recorder.upgrades).hasSize(1));
    String firstId = socket.id();

    long killedAt = System.nanoTime();
    signal(first.pid(), "KILL");
    long detectedAt = recorder.awaitDisconnect(1, Duration.ofSeconds(TIMEOUT_SECONDS));
    long detect = millisBetween(killedAt, detectedAt);
    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING));
    eventually().until(() -> !first.isAlive());
    first.close();

    List<AckCall> calls = new ArrayList<>();
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= BUFFERED; i++) {
      calls.add(socket.emitWithAck("echo", i));
      expected.add(i);
    }
    List<Outcome> acks = Outcome.all(calls);
    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isEqualTo(BUFFERED));

    long restartAt = System.nanoTime();
    SocketIoServer second = SocketIoServer.start("{}", port);
    servers.add(second);
    long listeningAt = System.nanoTime();

    long reconnectedAt = recorder.awaitConnect(2, Duration.ofSeconds(TIMEOUT_SECONDS));
    long recover = millisBetween(listeningAt, reconnectedAt);
    assertThat(socket.id()).isNotNull().isNotEqualTo(firstId);
    eventually().untilAsserted(() -> assertThat(acks).allSatisfy(o -> assertThat(o.successes).hasSize(1)));
    assertThat(acks).allSatisfy(o -> assertThat(o.failures).isEmpty());
    assertThat(socket.emitWithAck("ack", "barrier").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("barrier");
    assertThat(echoes).containsExactlyElementsOf(expected);
    assertThat(acks.stream().map(o -> o.successes.get(0).arg(0)).collect(Collectors.toList()))
        .containsExactlyElementsOf(expected);
    assertThat(recorder.disconnects).hasSize(1).allSatisfy(reason -> assertThat(reason.isRecoverable()).isTrue());
    assertThat(recorder.reconnects).hasSize(1);
    assertThat(socket.bufferedPackets()).isZero();

    report("server-crash-restart", mode, detect, recover, "reason=" + recorder.disconnects.get(0).wireName()
        + " (recover counted from the new server listening; its start took " + millisBetween(restartAt, listeningAt)
        + " ms) attempts=" + recorder.attempts.size() + " buffered=" + BUFFERED + " delivered once in order");
  }
}
