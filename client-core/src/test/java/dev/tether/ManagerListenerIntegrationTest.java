package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.connected;
import static dev.tether.IntegrationSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Manager listeners follow the rules of socket listeners: fail-fast blocking helpers, errors to the handler. */
@RealServer
class ManagerListenerIntegrationTest {
  private final SocketIoServer server;
  private final IntegrationSupport.RecordingErrorHandler errors = new IntegrationSupport.RecordingErrorHandler();
  private final Tether tether = Tether.builder().listenerErrorHandler(errors).build();

  ManagerListenerIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void close() {
    tether.close();
  }

  @Test void aBlockingHelperInAManagerListenerFailsAtOnceInsteadOfWaitingItsTimeout() throws Exception {
    Socket socket = tether.socket(server.url(), TransportMode.UPGRADE.options());
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    socket.manager().onUpgrade(transport -> {
      try {
        socket.awaitEvent("never", 30, TimeUnit.SECONDS);
        thrown.complete(null);
      } catch (Throwable t) {
        thrown.complete(t);
      }
    });
    connected(socket);
    // Well inside the 30 s the helper would otherwise wait.
    assertThat(thrown.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("awaitEvent");
  }

  @Test void aManagerListenerThatThrowsReachesTheListenerErrorHandler() throws Exception {
    Socket socket = tether.socket(server.url(), TransportMode.UPGRADE.options());
    RuntimeException boom = new RuntimeException("boom");
    socket.manager().onUpgrade(transport -> {
      throw boom;
    });
    connected(socket);
    eventually().untilAsserted(() -> assertThat(errors.snapshot()).hasSize(1));
    IntegrationSupport.RecordingErrorHandler.Failure failure = errors.snapshot().get(0);
    assertThat(failure.manager).isSameAs(socket.manager());
    assertThat(failure.socket).isNull();
    assertThat(failure.event).isEqualTo("upgrade");
    assertThat(failure.error).isSameAs(boom);
    // The manager carries on: its connection still works.
    assertThat(socket.emitWithAck("ack", 1).await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo(1L);
  }
}
