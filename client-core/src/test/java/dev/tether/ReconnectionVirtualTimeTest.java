package dev.tether;

import static dev.tether.IntegrationSupport.barrier;
import static dev.tether.IntegrationSupport.connected;
import static dev.tether.IntegrationSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.internal.loop.FakeTaskScheduler;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reconnection lifecycle on virtual time against the real server: the network is real, every
 * Tether timer (the reconnection delays among them) runs on a {@link FakeTaskScheduler} that only
 * moves when the test advances it, and the jitter draws a fixed value, so "the first attempt comes
 * exactly after 1000 ms, not before" is exact.
 *
 * <p>The server's heartbeat runs on real time (25 s) while the client's ping timeout runs on virtual
 * time (45 s): the tests advance the clock by large amounts only while the connection is down.
 */
@RealServer
class ReconnectionVirtualTimeTest {
  private static final long LONG_TIME_MILLIS = TimeUnit.MINUTES.toMillis(10);

  private final SocketIoServer server;
  private final FakeTaskScheduler scheduler = new FakeTaskScheduler();
  /** r = 0: no jitter, every delay is exactly {@code 1000 * 2^n} capped at 5000. */
  private final Tether tether = Tether.builder().scheduler(scheduler).random(new FixedRandom(0)).build();
  private final List<Tether> others = new ArrayList<>();

  ReconnectionVirtualTimeTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeTether() {
    tether.close();
    for (Tether other : others) other.close();
    scheduler.advanceBy(1, TimeUnit.MINUTES); // lets close's grace period pass, so the threads stop
  }

  /** Always draws the same "random" value. */
  static final class FixedRandom extends Random {
    private static final long serialVersionUID = 1L;
    private final double value;

    FixedRandom(double value) {
      this.value = value;
    }

    @Override public double nextDouble() {
      return value;
    }
  }

  /** Everything a socket and its Manager report. Also used by the other reconnection and recovery tests. */
  static final class Recorder {
    final List<ConnectionState> states = new CopyOnWriteArrayList<>();
    final List<DisconnectReason> disconnects = new CopyOnWriteArrayList<>();
    final List<ConnectError> connectErrors = new CopyOnWriteArrayList<>();
    final List<Integer> attempts = new CopyOnWriteArrayList<>();
    final List<Integer> reconnects = new CopyOnWriteArrayList<>();
    final List<TransportException> reconnectErrors = new CopyOnWriteArrayList<>();
    final AtomicInteger reconnectFailed = new AtomicInteger();
    final AtomicInteger connects = new AtomicInteger();

    Recorder(Socket socket) {
      socket.onStateChange(states::add);
      socket.onDisconnect(disconnects::add);
      socket.onConnectError(connectErrors::add);
      socket.onConnect(connects::incrementAndGet);
      socket.manager().onReconnectAttempt(attempts::add);
      socket.manager().onReconnect(reconnects::add);
      socket.manager().onReconnectError(reconnectErrors::add);
      socket.manager().onReconnectFailed(reconnectFailed::incrementAndGet);
    }
  }

  /**
   * Waits until the socket's event loop has run everything queued so far, including the task that
   * just changed the state (which schedules the reconnection timer after publishing the state): an
   * emit made now is buffered (the socket is not connected) by a task queued behind it.
   */
  private static void loopBarrier(Socket socket) {
    int before = socket.bufferedPackets();
    socket.emit("noop"); // the server has no handler for it
    eventually().until(() -> socket.bufferedPackets() == before + 1);
  }

  private static void awaitState(Socket socket, Recorder recorder, ConnectionState state) {
    eventually().untilAsserted(() -> {
      assertThat(socket.state()).isEqualTo(state);
      assertThat(recorder.states).isNotEmpty().last().isEqualTo(state);
    });
  }

  /** Drops the transport from the server side and waits until the socket waits for its first attempt. */
  private static void dropTransport(Socket socket, Recorder recorder) {
    socket.emit("engine-close");
    awaitState(socket, recorder, ConnectionState.RECONNECTING);
    loopBarrier(socket); // the reconnection timer is armed
  }

  /**
   * Keeps the connection up for 5 s of virtual time after its namespace joined, so it counts as
   * useful and the backoff starts over (the server's heartbeat is on real time, the client's ping
   * deadline of 45 s is far away).
   */
  private void stayUpUntilUseful(Socket socket) throws InterruptedException {
    barrier(socket);
    scheduler.advanceBy(5, TimeUnit.SECONDS);
    barrier(socket);
    assertThat(socket.isConnected()).isTrue();
  }

  /** Advances the clock by a long time and checks that no reconnection attempt was made. */
  private void advanceALongTimeWithoutAttempt(Socket socket, Recorder recorder, int attemptsBefore) {
    scheduler.advanceBy(LONG_TIME_MILLIS, TimeUnit.MILLISECONDS);
    loopBarrier(socket);
    eventually().during(Duration.ofMillis(150)).untilAsserted(() -> {
      assertThat(recorder.attempts).hasSize(attemptsBefore);
      assertThat(socket.manager().isOpen()).isFalse();
    });
  }

  // ---- the lifecycle -----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aLostTransportIsReconnectedExactlyAfterTheFirstDelayAndTheBackoffStartsOverAfterwards(TransportMode mode)
      throws Exception {
    Socket socket = tether.socket(server.url(), mode.options());
    Recorder recorder = new Recorder(socket);
    List<Object> echoes = new CopyOnWriteArrayList<>();
    socket.on("echo", event -> echoes.add(event.arg(0)));
    assertThat(socket.state()).isEqualTo(ConnectionState.DISCONNECTED);

    connected(socket);
    eventually().untilAsserted(() ->
        assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED));
    String firstId = socket.id();
    assertThat(firstId).isNotNull();

    socket.emit("engine-close");
    awaitState(socket, recorder, ConnectionState.RECONNECTING);
    eventually().untilAsserted(() -> assertThat(recorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE));
    assertThat(socket.isConnected()).isFalse();
    assertThat(socket.isActive()).isTrue();
    assertThat(socket.id()).isNull();
    socket.emit("echo", "buffered while away"); // also a loop barrier: the timer is armed once it is buffered
    eventually().until(() -> socket.bufferedPackets() == 1);

    scheduler.advanceBy(999, TimeUnit.MILLISECONDS);
    loopBarrier(socket);
    eventually().during(Duration.ofMillis(150)).untilAsserted(() -> {
      assertThat(recorder.attempts).as("no attempt before the first delay").isEmpty();
      assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING);
      assertThat(socket.manager().isOpen()).isFalse();
    });

    scheduler.advanceBy(1, TimeUnit.MILLISECONDS);
    eventually().untilAsserted(() -> assertThat(recorder.attempts).containsExactly(1));
    awaitState(socket, recorder, ConnectionState.CONNECTED);
    eventually().untilAsserted(() -> assertThat(recorder.reconnects).containsExactly(1));
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
        ConnectionState.RECONNECTING, ConnectionState.CONNECTED);
    assertThat(socket.id()).isNotNull().isNotEqualTo(firstId); // no recovery on this server: a new session
    assertThat(socket.recovered()).isFalse();
    barrier(socket);
    assertThat(echoes).containsExactly("buffered while away");
    assertThat(socket.bufferedPackets()).isZero();
    assertThat(recorder.reconnectErrors).isEmpty();
    assertThat(recorder.connects).hasValue(2);

    // A later loss starts over from the first delay: the reconnection stayed up long enough to count
    // as useful, which reset the backoff.
    stayUpUntilUseful(socket);
    dropTransport(socket, recorder);
    scheduler.advanceBy(999, TimeUnit.MILLISECONDS);
    loopBarrier(socket);
    assertThat(recorder.attempts).containsExactly(1);
    scheduler.advanceBy(1, TimeUnit.MILLISECONDS);
    eventually().untilAsserted(() -> assertThat(recorder.attempts).containsExactly(1, 1));
    awaitState(socket, recorder, ConnectionState.CONNECTED);
    eventually().untilAsserted(() -> assertThat(recorder.reconnects).containsExactly(1, 1));
    assertThat(recorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE, DisconnectReason.TRANSPORT_CLOSE);
  }

  @Test void aPingTimeoutIsReconnectedAfterTheFirstDelay() throws Exception {
    Socket socket = tether.socket(server.url());
    Recorder recorder = new Recorder(socket);
    connected(socket);

    // The server pings every 25 s of real time; on the virtual clock the client's deadline of
    // pingInterval + pingTimeout (25 s + 20 s) passes without a ping.
    scheduler.advanceBy(45_000, TimeUnit.MILLISECONDS);

    awaitState(socket, recorder, ConnectionState.RECONNECTING);
    eventually().untilAsserted(() -> assertThat(recorder.disconnects).containsExactly(DisconnectReason.PING_TIMEOUT));
    loopBarrier(socket);
    scheduler.advanceBy(999, TimeUnit.MILLISECONDS);
    loopBarrier(socket);
    assertThat(recorder.attempts).isEmpty();
    scheduler.advanceBy(1, TimeUnit.MILLISECONDS);
    eventually().untilAsserted(() -> assertThat(recorder.attempts).containsExactly(1));
    awaitState(socket, recorder, ConnectionState.CONNECTED);
  }

  @Test void withoutReconnectionALostTransportDisconnectsForGood() throws Exception {
    Socket socket = tether.socket(server.url(), SocketOptions.builder().reconnection(false).build());
    Recorder recorder = new Recorder(socket);
    connected(socket);

    socket.emit("engine-close");

    awaitState(socket, recorder, ConnectionState.DISCONNECTED);
    eventually().untilAsserted(() -> assertThat(recorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE));
    assertThat(socket.isActive()).isFalse();
    advanceALongTimeWithoutAttempt(socket, recorder, 0);
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
        ConnectionState.DISCONNECTED);
  }

  @Test void failedAttemptsBackOffExactlyAndGiveUpAfterTheConfiguredAttempts() throws Exception {
    // r = 0.5 moves every delay up by a quarter: 1250, 2500, 5000, 5000.
    Tether jittered = Tether.builder().scheduler(scheduler).random(new FixedRandom(0.5)).build();
    others.add(jittered);
    Socket socket = jittered.socket(server.url(), SocketOptions.builder()
        .path("/errors/status/503/socket.io/")
        .reconnectionAttempts(4)
        .build());
    Recorder recorder = new Recorder(socket);

    socket.connect();
    eventually().untilAsserted(() -> assertThat(recorder.connectErrors).hasSize(1));
    awaitState(socket, recorder, ConnectionState.RECONNECTING);
    assertThat(recorder.connectErrors.get(0).isServerRefusal()).isFalse();
    loopBarrier(socket);

    long[] delays = {1250, 2500, 5000, 5000};
    for (int attempt = 1; attempt <= delays.length; attempt++) {
      scheduler.advanceBy(delays[attempt - 1] - 1, TimeUnit.MILLISECONDS);
      loopBarrier(socket);
      assertThat(recorder.attempts).as("before attempt %d", attempt).hasSize(attempt - 1);

      scheduler.advanceBy(1, TimeUnit.MILLISECONDS);
      int expected = attempt;
      eventually().untilAsserted(() -> {
        assertThat(recorder.attempts).hasSize(expected).last().isEqualTo(expected);
        assertThat(recorder.reconnectErrors).hasSize(expected);
      });
      loopBarrier(socket); // the next timer is armed (or the Manager gave up)
    }

    eventually().untilAsserted(() -> assertThat(recorder.reconnectFailed).hasValue(1));
    awaitState(socket, recorder, ConnectionState.DISCONNECTED);
    assertThat(socket.isActive()).isFalse();
    assertThat(recorder.attempts).containsExactly(1, 2, 3, 4);
    assertThat(recorder.reconnects).isEmpty();
    assertThat(recorder.disconnects).as("never connected, so never disconnected").isEmpty();
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.RECONNECTING,
        ConnectionState.DISCONNECTED);
    assertThat(recorder.connectErrors).as("the first connect and every attempt").hasSize(5)
        .allSatisfy(error -> assertThat(error.isServerRefusal()).isFalse());

    advanceALongTimeWithoutAttempt(socket, recorder, 4);
    assertThat(recorder.reconnectFailed).hasValue(1);
  }

  @Test void aServerThatAnswersTheHandshakeAndDropsAtOnceIsRetriedWithGrowingDelays() throws Exception {
    // The handshake succeeds, the first poll answers with an Engine.IO close: every connection opens
    // and is gone before the namespace could join. An open alone must not reset the backoff.
    Socket socket = tether.socket(server.url(), SocketOptions.builder()
        .path("/errors/handshake-then-close/socket.io/")
        .reconnectionAttempts(4)
        .build());
    Recorder recorder = new Recorder(socket);

    socket.connect();
    eventually().untilAsserted(() -> assertThat(recorder.connectErrors).hasSize(1));
    awaitState(socket, recorder, ConnectionState.RECONNECTING);
    loopBarrier(socket);

    long[] delays = {1000, 2000, 4000, 5000};
    for (int attempt = 1; attempt <= delays.length; attempt++) {
      scheduler.advanceBy(delays[attempt - 1] - 1, TimeUnit.MILLISECONDS);
      loopBarrier(socket);
      assertThat(recorder.attempts).as("before attempt %d", attempt).hasSize(attempt - 1);

      scheduler.advanceBy(1, TimeUnit.MILLISECONDS);
      int expected = attempt;
      eventually().untilAsserted(() -> {
        assertThat(recorder.attempts).hasSize(expected).last().isEqualTo(expected);
        assertThat(recorder.reconnects).as("opened").hasSize(expected).last().isEqualTo(expected);
        assertThat(recorder.connectErrors).as("dropped").hasSize(expected + 1);
      });
      loopBarrier(socket); // the next timer is armed (or the Manager gave up)
    }

    eventually().untilAsserted(() -> assertThat(recorder.reconnectFailed).hasValue(1));
    awaitState(socket, recorder, ConnectionState.DISCONNECTED);
    assertThat(recorder.reconnectErrors).as("every attempt opened").isEmpty();
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.RECONNECTING,
        ConnectionState.DISCONNECTED);
    advanceALongTimeWithoutAttempt(socket, recorder, 4);
  }

  // ---- the application's controls ----------------------------------------------------------------

  @Test void reconnectNowSkipsTheRemainingDelay() throws Exception {
    Socket socket = connected(tether.socket(server.url()));
    Recorder recorder = new Recorder(socket);
    String firstId = socket.id();

    dropTransport(socket, recorder);
    scheduler.advanceBy(500, TimeUnit.MILLISECONDS);
    loopBarrier(socket);
    assertThat(recorder.attempts).isEmpty();

    socket.manager().reconnectNow();

    eventually().untilAsserted(() -> assertThat(recorder.attempts).containsExactly(1));
    awaitState(socket, recorder, ConnectionState.CONNECTED);
    eventually().untilAsserted(() -> assertThat(recorder.reconnects).containsExactly(1));
    assertThat(socket.id()).isNotEqualTo(firstId);

    // The skipped timer is gone: passing its deadline makes no second attempt.
    scheduler.advanceBy(5000, TimeUnit.MILLISECONDS);
    barrier(socket);
    assertThat(recorder.attempts).containsExactly(1);

    // While connected there is nothing to skip.
    String secondId = socket.id();
    socket.manager().reconnectNow();
    barrier(socket);
    assertThat(recorder.attempts).containsExactly(1);
    assertThat(socket.id()).isEqualTo(secondId);
    assertThat(recorder.states).containsExactly(ConnectionState.RECONNECTING, ConnectionState.CONNECTED);
  }

  @Test void suspendedReconnectionMakesNoAttemptUntilResumedAndResumingTriesAtOnce() throws Exception {
    Socket socket = connected(tether.socket(server.url()));
    Recorder recorder = new Recorder(socket);

    dropTransport(socket, recorder);
    socket.manager().suspendReconnection();
    advanceALongTimeWithoutAttempt(socket, recorder, 0);
    assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING);
    assertThat(socket.isActive()).isTrue();

    socket.manager().resumeReconnection(); // no clock advance needed

    eventually().untilAsserted(() -> assertThat(recorder.attempts).containsExactly(1));
    awaitState(socket, recorder, ConnectionState.CONNECTED);
    eventually().untilAsserted(() -> assertThat(recorder.reconnects).containsExactly(1));
    assertThat(recorder.states).containsExactly(ConnectionState.RECONNECTING, ConnectionState.CONNECTED);
  }

  @Test void reconnectionSuspendedWhileConnectedHoldsOffTheAttemptsOfTheNextLoss() throws Exception {
    Socket socket = connected(tether.socket(server.url()));
    Recorder recorder = new Recorder(socket);
    socket.manager().suspendReconnection();
    barrier(socket);
    assertThat(socket.isConnected()).as("suspending does not touch a working connection").isTrue();

    dropTransport(socket, recorder);
    advanceALongTimeWithoutAttempt(socket, recorder, 0);

    socket.manager().resumeReconnection();
    eventually().untilAsserted(() -> assertThat(recorder.attempts).containsExactly(1));
    awaitState(socket, recorder, ConnectionState.CONNECTED);

    // Resumed for good: once that connection proved useful, the next loss reconnects after the normal
    // first delay.
    stayUpUntilUseful(socket);
    dropTransport(socket, recorder);
    scheduler.advanceBy(999, TimeUnit.MILLISECONDS);
    loopBarrier(socket);
    assertThat(recorder.attempts).containsExactly(1);
    scheduler.advanceBy(1, TimeUnit.MILLISECONDS);
    eventually().untilAsserted(() -> assertThat(recorder.attempts).containsExactly(1, 1));
    awaitState(socket, recorder, ConnectionState.CONNECTED);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void restartConnectionWhileConnectedReconnectsAtOnceWithANewSession(TransportMode mode) throws Exception {
    Socket socket = connected(tether.socket(server.url(), mode.options()));
    Recorder recorder = new Recorder(socket);
    String firstId = socket.id();

    socket.manager().restartConnection(); // the clock never moves in this test

    eventually().untilAsserted(() -> assertThat(recorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE));
    eventually().untilAsserted(() -> assertThat(recorder.attempts).containsExactly(1));
    awaitState(socket, recorder, ConnectionState.CONNECTED);
    eventually().untilAsserted(() -> assertThat(recorder.reconnects).containsExactly(1));
    assertThat(socket.id()).isNotNull().isNotEqualTo(firstId);
    assertThat(recorder.states).containsExactly(ConnectionState.RECONNECTING, ConnectionState.CONNECTED);
    assertThat(socket.emitWithAck("ack", "after restart").await(10, TimeUnit.SECONDS).arg(0))
        .isEqualTo("after restart");
  }

  // ---- pause and resume (an app in the background) ---------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void pauseClosesTheTransportAndNothingButResumeReconnects(TransportMode mode) throws Exception {
    Socket socket = connected(tether.socket(server.url(), mode.options()));
    Recorder recorder = new Recorder(socket);

    socket.manager().pause();

    eventually().untilAsserted(() -> assertThat(recorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE));
    awaitState(socket, recorder, ConnectionState.RECONNECTING);
    assertThat(socket.isActive()).isTrue();
    loopBarrier(socket); // buffered while paused, sent after resume
    // None of the other controls opens a paused connection, however long it stays paused.
    socket.manager().reconnectNow();
    socket.manager().resumeReconnection();
    socket.manager().restartConnection();
    socket.manager().pause(); // idempotent
    advanceALongTimeWithoutAttempt(socket, recorder, 0);
    assertThat(recorder.states).containsExactly(ConnectionState.RECONNECTING);

    socket.manager().resume(); // no clock advance needed

    eventually().untilAsserted(() -> assertThat(recorder.attempts).containsExactly(1));
    awaitState(socket, recorder, ConnectionState.CONNECTED);
    eventually().untilAsserted(() -> assertThat(recorder.reconnects).containsExactly(1));
    // Counted until the transport has taken it (a POST may still be in flight at the connect).
    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isZero());
    assertThat(socket.emitWithAck("ack", "after resume").await(10, TimeUnit.SECONDS).arg(0)).isEqualTo("after resume");
    socket.manager().resume(); // idempotent: no second attempt
    barrier(socket);
    assertThat(recorder.attempts).containsExactly(1);
    assertThat(recorder.states).containsExactly(ConnectionState.RECONNECTING, ConnectionState.CONNECTED);
  }

  @Test void resumeWaitsForSuspendedReconnectionToBeResumed() throws Exception {
    Socket socket = connected(tether.socket(server.url()));
    Recorder recorder = new Recorder(socket);
    socket.manager().suspendReconnection(); // e.g. offline
    socket.manager().pause(); // and in the background
    awaitState(socket, recorder, ConnectionState.RECONNECTING);

    socket.manager().resume(); // back in the foreground, still offline
    advanceALongTimeWithoutAttempt(socket, recorder, 0);

    socket.manager().resumeReconnection(); // online again
    eventually().untilAsserted(() -> assertThat(recorder.attempts).containsExactly(1));
    awaitState(socket, recorder, ConnectionState.CONNECTED);
  }

  @Test void pauseHoldsOffAPendingReconnectionAttempt() throws Exception {
    Socket socket = connected(tether.socket(server.url()));
    Recorder recorder = new Recorder(socket);
    dropTransport(socket, recorder); // the first attempt is due in 1000 ms

    socket.manager().pause();
    advanceALongTimeWithoutAttempt(socket, recorder, 0);

    socket.manager().resume();
    eventually().untilAsserted(() -> assertThat(recorder.attempts).containsExactly(1));
    awaitState(socket, recorder, ConnectionState.CONNECTED);
    assertThat(recorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE);
  }

  @Test void aSocketConnectingWhilePausedJoinsOnResumeEvenWithoutAutomaticReconnection() throws Exception {
    Socket socket = tether.socket(server.url(), SocketOptions.builder().reconnection(false).build());
    Recorder recorder = new Recorder(socket);
    socket.manager().pause();

    socket.connect();
    awaitState(socket, recorder, ConnectionState.CONNECTING);
    advanceALongTimeWithoutAttempt(socket, recorder, 0);
    assertThat(recorder.connectErrors).isEmpty();

    socket.manager().resume();
    awaitState(socket, recorder, ConnectionState.CONNECTED);
    assertThat(recorder.attempts).as("a first connect, not a reconnection").isEmpty();

    // Automatic reconnection is off, but a pause is the application's own request: it comes back.
    socket.manager().pause();
    awaitState(socket, recorder, ConnectionState.RECONNECTING);
    socket.manager().resume();
    awaitState(socket, recorder, ConnectionState.CONNECTED);
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
        ConnectionState.RECONNECTING, ConnectionState.CONNECTED);
  }

  // ---- what is never retried ---------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @ValueSource(strings = {"server-disconnect", "server-close"})
  void aKickByTheServerIsNotRetried(String scenario) throws Exception {
    Socket socket = tether.socket(server.url());
    Recorder recorder = new Recorder(socket);
    connected(socket);

    socket.emit(scenario);

    awaitState(socket, recorder, ConnectionState.DISCONNECTED);
    eventually().untilAsserted(() ->
        assertThat(recorder.disconnects).containsExactly(DisconnectReason.IO_SERVER_DISCONNECT));
    assertThat(socket.isActive()).isFalse();
    advanceALongTimeWithoutAttempt(socket, recorder, 0);
    assertThat(recorder.reconnects).isEmpty();
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
        ConnectionState.DISCONNECTED);
  }

  @Test void aMiddlewareRefusalIsNotRetried() throws Exception {
    Socket socket = tether.socket(server.url() + "/secure", SocketOptions.builder()
        .auth(Map.of("token", "bad"))
        .build());
    Recorder recorder = new Recorder(socket);

    socket.connect();

    eventually().untilAsserted(() -> assertThat(recorder.connectErrors).hasSize(1));
    ConnectError error = recorder.connectErrors.get(0);
    assertThat(error.isServerRefusal()).isTrue();
    assertThat(error.message()).isEqualTo("not authorized");
    awaitState(socket, recorder, ConnectionState.DISCONNECTED);
    assertThat(socket.isActive()).isFalse();
    eventually().untilAsserted(() -> assertThat(socket.manager().isOpen()).isFalse());
    advanceALongTimeWithoutAttempt(socket, recorder, 0);
    assertThat(recorder.connectErrors).hasSize(1);
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.DISCONNECTED);
  }

  @Test void aRefusalDuringReconnectionEndsIt() throws Exception {
    AtomicReference<String> token = new AtomicReference<>("good");
    Socket socket = tether.socket(server.url() + "/secure", SocketOptions.builder()
        .auth(() -> Map.of("token", token.get()))
        .build());
    Recorder recorder = new Recorder(socket);
    connected(socket);

    token.set("bad"); // e.g. the session expired while the connection was down
    dropTransport(socket, recorder);
    scheduler.advanceBy(1000, TimeUnit.MILLISECONDS);

    eventually().untilAsserted(() -> assertThat(recorder.connectErrors).hasSize(1));
    assertThat(recorder.connectErrors.get(0).isServerRefusal()).isTrue();
    awaitState(socket, recorder, ConnectionState.DISCONNECTED);
    assertThat(recorder.attempts).containsExactly(1);
    assertThat(socket.isActive()).isFalse();
    eventually().untilAsserted(() -> assertThat(socket.manager().isOpen()).isFalse());
    advanceALongTimeWithoutAttempt(socket, recorder, 1);
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
        ConnectionState.RECONNECTING, ConnectionState.DISCONNECTED);
    assertThat(recorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE);
  }

  @Test void disconnectWhileReconnectingStopsTheAttempts() throws Exception {
    Socket socket = tether.socket(server.url());
    Recorder recorder = new Recorder(socket);
    connected(socket);

    dropTransport(socket, recorder);
    socket.disconnect();

    awaitState(socket, recorder, ConnectionState.DISCONNECTED);
    assertThat(socket.isActive()).isFalse();
    advanceALongTimeWithoutAttempt(socket, recorder, 0);
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
        ConnectionState.RECONNECTING, ConnectionState.DISCONNECTED);
    assertThat(recorder.disconnects).as("it was not connected when disconnect() was called")
        .containsExactly(DisconnectReason.TRANSPORT_CLOSE);

    // connect() again works at once, without waiting for a delay.
    connected(socket);
    assertThat(recorder.attempts).isEmpty();
    assertThat(socket.state()).isEqualTo(ConnectionState.CONNECTED);
  }

  // ---- closing the Manager -----------------------------------------------------------------------

  @Test void closingTheManagerClosesTheSocketForGood() throws Exception {
    Socket socket = tether.socket(server.url());
    Recorder recorder = new Recorder(socket);
    connected(socket);

    socket.manager().close();

    awaitState(socket, recorder, ConnectionState.CLOSED);
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
        ConnectionState.DISCONNECTED, ConnectionState.CLOSED);
    assertThat(recorder.disconnects).containsExactly(DisconnectReason.IO_CLIENT_DISCONNECT);
    assertThat(socket.isActive()).isFalse();

    socket.connect(); // CLOSED is final
    advanceALongTimeWithoutAttempt(socket, recorder, 0);
    assertThat(socket.state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(socket.isConnected()).isFalse();
  }

  @Test void closingTheManagerWhileReconnectingStopsTheAttempts() throws Exception {
    Socket socket = tether.socket(server.url());
    Recorder recorder = new Recorder(socket);
    connected(socket);

    dropTransport(socket, recorder);
    socket.manager().close();

    awaitState(socket, recorder, ConnectionState.CLOSED);
    assertThat(socket.isActive()).isFalse();
    advanceALongTimeWithoutAttempt(socket, recorder, 0);
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
        ConnectionState.RECONNECTING, ConnectionState.DISCONNECTED, ConnectionState.CLOSED);
    assertThat(recorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE);
  }
}
