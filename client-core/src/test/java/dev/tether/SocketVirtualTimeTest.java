package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.barrier;
import static dev.tether.IntegrationSupport.connected;
import static dev.tether.IntegrationSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.internal.loop.FakeTaskScheduler;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Timeouts on virtual time against the real server: the network is real, every Tether timer runs on
 * a {@link FakeTaskScheduler} that only moves when the test advances it, so "exactly at" and "not
 * before" are exact.
 */
@RealServer
class SocketVirtualTimeTest {
  private final SocketIoServer server;
  private final FakeTaskScheduler scheduler = new FakeTaskScheduler();
  private final Tether tether = Tether.builder().scheduler(scheduler).build();
  private final CountDownLatch releaseAuth = new CountDownLatch(1);

  SocketVirtualTimeTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeTether() {
    releaseAuth.countDown();
    tether.close();
    scheduler.advanceBy(1, TimeUnit.MINUTES); // lets close's grace period pass, so the threads stop
  }

  /** Records every outcome of one ack. */
  private static final class Outcomes {
    final List<Args> successes = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    AckCall observe(AckCall call) {
      return call.then(successes::add, failures::add);
    }
  }

  /**
   * Advances the clock, then waits until everything that came due has run: timers only post to the
   * socket's loop, and the barrier's ack is posted and delivered after them.
   */
  private void advance(Socket socket, long millis) throws InterruptedException {
    scheduler.advanceBy(millis, TimeUnit.MILLISECONDS);
    barrier(socket);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void anAckTimeoutFiresExactlyAtTheConfiguredTimeAndOnlyOnce(TransportMode mode) throws Exception {
    Socket socket = connected(tether.socket(server.url(), mode.options()));
    Outcomes outcomes = new Outcomes();
    AckCall call = outcomes.observe(socket.emitWithAck("ack-after", 60_000, "late").timeout(1000, TimeUnit.MILLISECONDS));
    barrier(socket); // the timer is armed

    advance(socket, 999);
    assertThat(call.isDone()).isFalse();
    assertThat(outcomes.failures).isEmpty();

    scheduler.advanceBy(1, TimeUnit.MILLISECONDS);
    eventually().untilAsserted(() -> assertThat(outcomes.failures).hasSize(1));
    assertThat(outcomes.failures.get(0)).isInstanceOf(AckTimeoutException.class);
    assertThat(call.isDone()).isTrue();

    advance(socket, 10_000);
    assertThat(outcomes.failures).hasSize(1);
    assertThat(outcomes.successes).isEmpty();
  }

  @Test void theDefaultAckTimeoutOfTheOptionsCountsFromTheEmit() throws Exception {
    Socket socket = connected(tether.socket(server.url(),
        SocketOptions.builder().ackTimeout(500, TimeUnit.MILLISECONDS).build()));
    Outcomes outcomes = new Outcomes();
    AckCall call = outcomes.observe(socket.emitWithAck("ack-after", 60_000, "late"));
    barrier(socket);

    advance(socket, 499);
    assertThat(call.isDone()).isFalse();

    scheduler.advanceBy(1, TimeUnit.MILLISECONDS);
    eventually().untilAsserted(() -> assertThat(outcomes.failures).hasSize(1));
    assertThat(outcomes.failures.get(0)).isInstanceOf(AckTimeoutException.class);
  }

  @Test void aPerEmitTimeoutSetAfterTheEmitCountsFromTheEmit() throws Exception {
    Socket socket = connected(tether.socket(server.url()));
    Outcomes outcomes = new Outcomes();
    AckCall call = outcomes.observe(socket.emitWithAck("ack-after", 60_000, "late"));
    advance(socket, 300);

    call.timeout(400, TimeUnit.MILLISECONDS); // due at 400 ms after the emit: 100 ms from now
    barrier(socket);
    advance(socket, 99);
    assertThat(call.isDone()).isFalse();

    scheduler.advanceBy(1, TimeUnit.MILLISECONDS);
    eventually().untilAsserted(() -> assertThat(outcomes.failures).hasSize(1));
    assertThat(outcomes.failures.get(0)).isInstanceOf(AckTimeoutException.class);

    // A timeout already past when it is set fails the ack without the clock moving on.
    AckCall late = socket.emitWithAck("ack-after", 60_000, "late");
    advance(socket, 1000);
    Outcomes lateOutcomes = new Outcomes();
    lateOutcomes.observe(late.timeout(500, TimeUnit.MILLISECONDS));
    barrier(socket); // the (already due) timer is scheduled
    advance(socket, 0);
    eventually().untilAsserted(() -> assertThat(lateOutcomes.failures).hasSize(1));
    assertThat(lateOutcomes.failures.get(0)).isInstanceOf(AckTimeoutException.class);
  }

  @Test void aNamespaceConnectWithoutReplyFailsExactlyAtTheConnectTimeout() throws Exception {
    Socket root = connected(tether.socket(server.url())); // same connection: its acks flush the loop
    CountDownLatch authEntered = new CountDownLatch(1);
    Socket secure = tether.socket(server.url() + "/secure", SocketOptions.builder()
        .connectTimeout(2, TimeUnit.SECONDS)
        .auth(() -> {
          authEntered.countDown();
          releaseAuth.await(); // the CONNECT is never written while the provider blocks
          return Map.of("token", "good");
        })
        .build());
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    secure.onConnectError(errors::add);
    secure.connect();
    assertThat(authEntered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue(); // the connect timer is armed

    advance(root, 1999);
    assertThat(secure.isActive()).isTrue();
    assertThat(errors).isEmpty();

    scheduler.advanceBy(1, TimeUnit.MILLISECONDS);
    eventually().untilAsserted(() -> assertThat(errors).hasSize(1));
    ConnectError error = errors.get(0);
    assertThat(error.isServerRefusal()).isFalse();
    assertThat(error.message()).contains("timeout");
    assertThat(error.cause()).isInstanceOf(AckTimeoutException.class);
    assertThat(secure.isActive()).isFalse();

    releaseAuth.countDown(); // the late auth result must not connect the abandoned attempt
    eventually().during(Duration.ofMillis(300)).untilAsserted(() -> assertThat(secure.isConnected()).isFalse());
    assertThat(root.isConnected()).isTrue();
    assertThat(root.emitWithAck("ack", "root").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("root");

    // A new connect() after the timeout works.
    connected(secure);
    assertThat(errors).hasSize(1);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void anEngineHandshakeThatHangsFailsExactlyAtTheTimeoutWithATimeoutTransportException(TransportMode mode)
      throws Exception {
    Socket socket = tether.socket(server.url(), mode.builder()
        .path("/errors/hang/socket.io/")
        .timeout(20, TimeUnit.SECONDS)
        .build());
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    List<DisconnectReason> disconnects = new CopyOnWriteArrayList<>();
    socket.onConnectError(errors::add);
    socket.onDisconnect(disconnects::add);
    socket.connect();
    eventually().until(() -> scheduler.pendingTasks() > 0); // the handshake timer is armed

    scheduler.advanceBy(19_999, TimeUnit.MILLISECONDS);
    eventually().during(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(errors).isEmpty();
      assertThat(socket.isActive()).isTrue();
    });

    scheduler.advanceBy(1, TimeUnit.MILLISECONDS);
    eventually().untilAsserted(() -> assertThat(errors).hasSize(1));
    ConnectError error = errors.get(0);
    assertThat(error.isServerRefusal()).isFalse();
    assertThat(error.cause()).isInstanceOfSatisfying(TransportException.class,
        e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.TIMEOUT));
    // A transport failure is recoverable: the socket keeps trying (reconnection is on by default).
    assertThat(socket.isActive()).isTrue();
    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING));
    assertThat(socket.manager().isOpen()).isFalse();
    assertThat(disconnects).isEmpty();
  }

  @Test void closingStopsEveryThreadOnceTheConnectionsHaveClosedWithoutWaitingForTheGracePeriod() throws Exception {
    java.util.Set<Thread> before = IntegrationSupport.tetherThreads();
    Socket polling = connected(tether.socket(server.url(),
        SocketOptions.builder().forceNew(true).transports(Transport.POLLING).build()));
    Socket websocket = connected(tether.socket(server.url(),
        SocketOptions.builder().forceNew(true).transports(Transport.WEBSOCKET).build()));
    assertThat(polling.isConnected() && websocket.isConnected()).isTrue();

    tether.close();

    // The virtual clock never moves here, so the close's fallback timer cannot be what stops them:
    // the last connection to finish its goodbye does.
    eventually().untilAsserted(() -> {
      java.util.Set<Thread> alive = new java.util.HashSet<>(IntegrationSupport.tetherThreads());
      alive.removeAll(before);
      assertThat(alive).isEmpty();
    });
  }
}
