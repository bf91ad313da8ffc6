package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.millisBetween;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.TransportMode;
import dev.tether.fault.FaultSupport.Recorder;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every connection drops (a NAT rebinding, a proxy restart) while the server stays healthy: the first
 * reconnection attempt should succeed. Over polling it does not: the handshake GET is sent on an idle
 * keep-alive connection from OkHttp's pool (the one the last POST used), which the drop killed too;
 * OkHttp does not notice a peer-closed idle connection before a GET, and with
 * {@code retryOnConnectionFailure(false)} the failure surfaces ("unexpected end of stream"): a
 * spurious reconnect error and connect error, and recovery one backoff step later (1 s by default).
 */
@RealServer
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StalePooledConnectionTest {
  private final SocketIoServer server;
  private final Tether tether = Tether.create();
  private FaultProxy proxy;

  StalePooledConnectionTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void tearDown() {
    tether.close();
    if (proxy != null) proxy.close();
  }

  @Test
  void theFirstReconnectionAttemptAfterADropSucceeds() throws Exception {
    proxy = new FaultProxy(server.port());
    Socket socket = tether.socket(proxy.url(), TransportMode.POLLING.builder()
        .reconnectionDelay(100, 500, TimeUnit.MILLISECONDS)
        .build());
    Recorder recorder = new Recorder(socket);
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    // A POST: its connection goes back to OkHttp's pool, idle.
    assertThat(socket.emitWithAck("ack", "pooled").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("pooled");

    long droppedAt = System.nanoTime();
    proxy.dropAll();

    long back = recorder.awaitConnect(2, Duration.ofSeconds(TIMEOUT_SECONDS));
    System.out.printf("STALE polling reconnect after dropAll: %d ms, attempts %s, reconnect errors %s%n",
        millisBetween(droppedAt, back), recorder.attempts, recorder.reconnectErrors);
    assertThat(recorder.reconnectErrors).as("reconnect errors").isEmpty();
    assertThat(recorder.attempts).containsExactly(1);
  }
}
