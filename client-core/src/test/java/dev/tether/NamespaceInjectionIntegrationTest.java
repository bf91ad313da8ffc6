package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.connected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A namespace cannot smuggle packets into a long-polling payload: Engine.IO v4 separates the packets
 * of one POST with U+001E, and the namespace is written raw into the CONNECT packet. Were it allowed,
 * {@code /room}, U+001E, {@code 42["<unique name>"]}, U+001E, {@code 6} would make the server see a
 * CONNECT, then an event of that name on the root namespace (the server counts events by name), then
 * a noop that swallows the rest of the CONNECT. (A {@code ,} was always refused, so the injected event has no
 * arguments.)
 */
@RealServer
class NamespaceInjectionIntegrationTest {
  private final SocketIoServer server;
  private final Tether tether = Tether.create();

  NamespaceInjectionIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeTether() {
    tether.close();
  }

  @Test void theServerNeverSeesAnEventInjectedThroughANamespace() throws Exception {
    Socket root = connected(tether.socket(server.url(), TransportMode.POLLING.options()));
    String event = "injected-" + UUID.randomUUID();
    String namespace = "/room\u001e42[\"" + event + "\"]\u001e6";

    IllegalArgumentException refused = null;
    try {
      root.manager().socket(namespace).connect(); // on the root's connection: the same POSTs
    } catch (IllegalArgumentException e) {
      refused = e;
    }

    // After this ack the server has handled everything the connection sent before it.
    long seen = root.emitWithAck("event-count", event).await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0, Long.class);
    assertThat(seen).as("times the server ran the injected event").isZero();
    assertThat(refused).as("the namespace is refused").isNotNull();
    assertThat(refused.getMessage()).contains("U+001E");
    assertThat(root.isConnected()).isTrue();
  }
}
