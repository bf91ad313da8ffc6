package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.connected;
import static dev.tether.IntegrationSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A slow auth provider runs off the event loop: against a server with a tight heartbeat (a pong later
 * than 300 ms closes the connection), a provider that blocks for 500 ms neither delays the heartbeat
 * nor the events of the other sockets on the same connection.
 */
@RealServer("{\"pingInterval\":100,\"pingTimeout\":300}")
class AuthProviderIntegrationTest {
  private final SocketIoServer server;
  private final Tether tether = Tether.create();

  AuthProviderIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeTether() {
    tether.close();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void anAuthProviderThatBlocksForHalfASecondDelaysNeitherHeartbeatsNorOtherSocketsEvents(TransportMode mode)
      throws Exception {
    Socket root = connected(tether.socket(server.url(), mode.options()));
    List<DisconnectReason> rootDisconnects = new CopyOnWriteArrayList<>();
    root.onDisconnect(rootDisconnects::add);
    AtomicInteger streamed = new AtomicInteger();
    root.on("streamed", event -> streamed.incrementAndGet());
    AtomicIntegerArray seenWhileBlocking = new AtomicIntegerArray(2);
    AtomicInteger calls = new AtomicInteger();
    Socket secure = tether.socket(server.url() + "/secure", mode.builder().auth(() -> {
      calls.incrementAndGet();
      seenWhileBlocking.set(0, streamed.get());
      Thread.sleep(500); // the provider under test blocks (a slow token refresh)
      seenWhileBlocking.set(1, streamed.get());
      return Map.of("token", "good");
    }).build());
    assertThat(secure.manager()).isSameAs(root.manager());

    root.emit("emit-stream", 60, 20); // 60 events, one every 20 ms: 1.2 s
    eventually().until(() -> streamed.get() > 0);
    secure.connect();
    secure.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertThat(calls).hasValue(1);
    assertThat(seenWhileBlocking.get(1) - seenWhileBlocking.get(0)).as("events delivered while the provider blocked")
        .isGreaterThanOrEqualTo(5);
    assertThat(secure.emitWithAck("ack", "secure").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("secure");
    eventually().untilAsserted(() -> assertThat(streamed).hasValue(60));
    assertThat(rootDisconnects).as("the heartbeat kept the connection alive").isEmpty();
    assertThat(root.isConnected()).isTrue();
    assertThat(root.emitWithAck("ack", "root").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("root");
  }
}
