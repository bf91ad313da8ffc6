package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.eventually;
import static dev.tether.fault.FaultSupport.serverCount;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.TransportMode;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a bot does at its end: emit, {@code disconnect()}, {@code Tether.close()} at once. The emits
 * still on their way must reach the server: closing the runtime waits (within the close timeout) for
 * the connection's goodbye, which writes them first; and the namespace DISCONNECT and the Engine.IO
 * CLOSE go in requests of their own, because the server ignores events that arrive in the same
 * payload as a goodbye. A slow link (200 ms per chunk) keeps the emits in flight when the close comes.
 * Polling only: over WebSocket, frames that reach the server in one read are handled together, which
 * no client can prevent (the README says so).
 */
@RealServer
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CloseRightAfterEmitTest {
  private final SocketIoServer server;
  private FaultProxy proxy;

  CloseRightAfterEmitTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void tearDown() {
    if (proxy != null) proxy.close();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = "POLLING")
  void emitsMadeBeforeDisconnectAndCloseReachTheServer(TransportMode mode) throws Exception {
    proxy = new FaultProxy(server.port());
    String key = "close-" + UUID.randomUUID();
    Tether tether = Tether.create();
    Socket socket = tether.socket(proxy.url(), mode.options());
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);

    proxy.latency(200, TimeUnit.MILLISECONDS);
    for (int i = 0; i < 3; i++) socket.emit("flaky", key, 0);
    socket.disconnect();
    tether.close();

    try (Tether checker = Tether.create()) {
      Socket check = checker.socket(server.url());
      check.connect();
      check.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      eventually().untilAsserted(() -> assertThat(serverCount(check, key)).isEqualTo(3));
    }
  }
}
