package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.AckCall;
import dev.tether.DisconnectReason;
import dev.tether.Socket;
import dev.tether.SocketDisconnectedException;
import dev.tether.Tether;
import dev.tether.TransportException;
import dev.tether.TransportMode;
import dev.tether.fault.FaultSupport.Outcome;
import dev.tether.fault.FaultSupport.Recorder;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 413 on a POST of an open long-polling session: a proxy in front of the real server (as nginx with a
 * {@code client_max_body_size} below the server's {@code maxHttpBufferSize}) refuses a POST that the
 * server's own {@code maxPayload} allows. The packets of that POST never reached the server. They must
 * not vanish silently: an ack fails with the typed cause, or (with retries) the emit goes out again
 * once the socket has reconnected, and the server then sees it exactly once.
 */
@RealServer
class PayloadTooLargeTest {
  private static final int LIMIT = 4 * 1024;
  private static final String LARGE = "x".repeat(16 * 1024); // fits the server's 1 MB maxPayload, not the proxy

  private final SocketIoServer server;
  private final Tether tether = Tether.create();
  private ReverseProxy proxy;

  PayloadTooLargeTest(SocketIoServer server) {
    this.server = server;
  }

  @BeforeEach void startProxy() throws Exception {
    proxy = ReverseProxy.start(server.url());
  }

  @AfterEach void stop() throws Exception {
    tether.close();
    proxy.close();
  }

  private Socket throughTheProxy() {
    return tether.socket(proxy.url(), TransportMode.POLLING.builder()
        .reconnectionDelay(50, 200, TimeUnit.MILLISECONDS).randomizationFactor(0).build());
  }

  /**
   * Connects {@code socket} and waits until its recorder saw that first connect: listeners run after
   * {@code awaitConnected} returns, so a recorder attached later could still count it.
   */
  private static void connect(Socket socket, Recorder recorder) {
    socket.connect();
    recorder.awaitConnect(1, Duration.ofSeconds(TIMEOUT_SECONDS));
  }

  @Test void anAckOfARefusedPostFailsWithThe413AsItsCauseAndTheSocketReconnects() throws Exception {
    Socket socket = throughTheProxy();
    Recorder recorder = new Recorder(socket);
    connect(socket, recorder);
    String event = "large-" + UUID.randomUUID();
    proxy.limitPostBodies(LIMIT, 1);

    Outcome outcome = new Outcome(socket.emitWithAck(event, LARGE));

    eventually().untilAsserted(() -> assertThat(outcome.failures).hasSize(1));
    assertThat(outcome.successes).isEmpty();
    assertThat(outcome.failures.get(0)).isInstanceOfSatisfying(SocketDisconnectedException.class, e -> {
      assertThat(e.reason()).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
      assertThat(e.getCause()).as("the typed cause").isInstanceOfSatisfying(TransportException.class, cause -> {
        assertThat(cause.kind()).isEqualTo(TransportException.Kind.PAYLOAD_TOO_LARGE);
        assertThat(cause.httpStatus()).isEqualTo(413);
        assertThat(cause.getMessage()).contains("post to").contains("HTTP 413");
      });
    });
    assertThat(proxy.refused()).isEqualTo(1);
    recorder.awaitConnect(2, Duration.ofSeconds(TIMEOUT_SECONDS));
    assertThat(recorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_ERROR);
    long seen = socket.emitWithAck("event-count", event).await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0, Long.class);
    assertThat(seen).as("the server never received the refused POST").isZero();
  }

  @Test void withRetriesTheEmitGoesOutAgainAfterReconnectingAndArrivesOnce() throws Exception {
    Socket socket = throughTheProxy();
    Recorder recorder = new Recorder(socket);
    connect(socket, recorder);
    String key = "retried-" + UUID.randomUUID();
    proxy.limitPostBodies(LIMIT, 1);

    // flaky(key, 0, ...): the server counts the attempt and acks (key, attempts so far).
    AckCall call = socket.emitWithAck("flaky", key, 0, LARGE).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).retries(1);

    assertThat(call.await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(1, Long.class)).as("attempts the server saw")
        .isEqualTo(1L);
    assertThat(proxy.refused()).isEqualTo(1);
    assertThat(recorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_ERROR);
    recorder.awaitConnect(2, Duration.ofSeconds(TIMEOUT_SECONDS));
    assertThat(recorder.connects()).as("the first connect and one reconnection").isEqualTo(2);
    assertThat(FaultSupport.serverCount(socket, key)).isEqualTo(1);
  }
}
