package dev.tether.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ConnectionOptions;
import dev.tether.ConnectionState;
import dev.tether.internal.client.FakeServer.FakeConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Manager's reconnection against a scripted server ({@link FakeServer}) on virtual time: when the
 * backoff starts over (only after a connection proved useful), and that a connection the Manager
 * closed itself finishes its goodbye before the next one opens. Default delays: 1000 ms doubling up to
 * 5000 ms, no jitter.
 */
class ManagerReconnectionTest {
  private FakeServer server = new FakeServer(ConnectionOptions.builder().build());
  private final List<Integer> attempts = new CopyOnWriteArrayList<>();
  private final List<Integer> reconnects = new CopyOnWriteArrayList<>();
  private final AtomicInteger gaveUp = new AtomicInteger();

  @AfterEach void closeServer() {
    server.close();
  }

  /** A socket on {@code server}, connected on its first connection, with a session it could recover. */
  private RealSocket connected() {
    server.manager.onReconnectAttempt(attempts::add);
    server.manager.onReconnect(reconnects::add);
    server.manager.onReconnectFailed(gaveUp::incrementAndGet);
    RealSocket socket = server.socket("/");
    socket.connect();
    server.barrier();
    FakeConnection first = server.connection(0);
    first.accept();
    first.joined("/", "pid-1");
    assertThat(socket.isConnected()).isTrue();
    return socket;
  }

  /** Checks that no connection opens before {@code delayMillis}, and that one opens exactly then. */
  private FakeConnection attemptAfter(long delayMillis) {
    int before = server.connections.size();
    server.advance(delayMillis - 1);
    assertThat(server.connections).as("no attempt before %d ms", delayMillis).hasSize(before);
    server.advance(1);
    assertThat(server.connections).as("an attempt after %d ms", delayMillis).hasSize(before + 1);
    FakeConnection next = server.last();
    assertThat(next.openCalled).isTrue();
    return next;
  }

  // ---- item: the backoff starts over only after a useful connection -----------------------------

  @Test void opensThatWereNotUsefulKeepTheBackoffGrowingAndAUsefulOneStartsItOver() {
    RealSocket socket = connected();
    server.connection(0).drop();
    assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING);

    // The server answers the handshake, then drops before any namespace joined.
    FakeConnection next = attemptAfter(1000);
    next.accept();
    next.drop();

    // It accepts the namespace too, and drops at once.
    next = attemptAfter(2000);
    next.accept();
    next.joined("/", "pid-1");
    assertThat(socket.isConnected()).isTrue();
    next.drop();

    // It stays up a little less than the useful period.
    next = attemptAfter(4000);
    next.accept();
    next.joined("/", "pid-1");
    server.advance(RealManager.USEFUL_AFTER_MILLIS - 1);
    next.drop();

    // The delay reached its maximum; this connection stays up long enough to count as useful.
    next = attemptAfter(5000);
    next.accept();
    next.joined("/", "pid-1");
    server.advance(RealManager.USEFUL_AFTER_MILLIS);
    next.drop();

    // A later, unrelated loss starts over from the first delay.
    next = attemptAfter(1000);
    next.accept();
    next.joined("/", "pid-1");
    assertThat(socket.isConnected()).isTrue();
    assertThat(attempts).containsExactly(1, 2, 3, 4, 1);
    assertThat(reconnects).as("the reconnect event fires on every open").containsExactly(1, 2, 3, 4, 1);
  }

  @Test void connectionsDroppedBeforeTheyWereUsefulCountTowardsTheAttemptsLimit() {
    server.close();
    server = new FakeServer(ConnectionOptions.builder().reconnectionAttempts(3).build());
    RealSocket socket = connected();
    server.connection(0).drop();

    long[] delays = {1000, 2000, 4000};
    for (long delay : delays) {
      FakeConnection next = attemptAfter(delay);
      next.accept();
      next.joined("/", "pid-1");
      next.drop();
    }

    assertThat(gaveUp).hasValue(1);
    assertThat(socket.state()).isEqualTo(ConnectionState.DISCONNECTED);
    server.advance(60_000);
    assertThat(server.connections).hasSize(4);
    assertThat(attempts).containsExactly(1, 2, 3);
    assertThat(reconnects).containsExactly(1, 2, 3);
  }

  // ---- item: a connection the Manager closed says goodbye before the next one opens ---------------

  @Test void restartConnectionOpensTheNewConnectionOnlyOnceTheOldOneClosed() {
    RealSocket socket = connected();
    FakeConnection old = server.connection(0);

    server.manager.restartConnection();
    server.barrier();

    assertThat(old.closeRequested).isTrue();
    assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING);
    assertThat(server.connections).as("no new connection before the old one closed").hasSize(1);
    // Nothing else opens one meanwhile.
    server.manager.reconnectNow();
    server.manager.resumeReconnection();
    server.manager.restartConnection();
    socket.connect();
    server.advance(RealManager.CLOSE_WAIT_MILLIS - 1);
    assertThat(server.connections).hasSize(1);

    old.closeCompleted();

    assertThat(server.connections).hasSize(2);
    FakeConnection next = server.last();
    next.accept();
    assertThat(next.joins).containsExactly("/");
    assertThat(next.lastRecovery()).isNotNull().extracting(recovery -> recovery.pid).isEqualTo("pid-1");
    next.joined("/", "pid-1");
    assertThat(socket.recovered()).isTrue();
    server.advance(60_000);
    assertThat(server.connections).as("the wait's cap is gone with it").hasSize(2);
    assertThat(attempts).containsExactly(1);
  }

  @Test void aCloseThatNeverCompletesHoldsTheNewConnectionForAtMostTheCap() {
    connected();
    FakeConnection old = server.connection(0);

    server.manager.restartConnection();
    server.barrier();
    server.advance(RealManager.CLOSE_WAIT_MILLIS - 1);
    assertThat(server.connections).hasSize(1);
    server.advance(1);
    assertThat(server.connections).hasSize(2);

    old.closeCompleted(); // late: changes nothing
    server.advance(60_000);
    assertThat(server.connections).hasSize(2);
  }

  @Test void pausedDuringTheWaitTheCompletedCloseOpensNothingUntilResumed() {
    RealSocket socket = connected();
    FakeConnection old = server.connection(0);
    server.manager.restartConnection();
    server.manager.pause();
    server.barrier();

    old.closeCompleted();
    server.advance(60_000);
    assertThat(server.connections).hasSize(1);

    server.manager.resume();
    server.barrier();
    assertThat(server.connections).hasSize(2);
    server.last().accept();
    server.last().joined("/", "pid-1");
    assertThat(socket.isConnected()).isTrue();
  }

  @Test void resumeRightAfterPauseWaitsForTheCloseThePauseMade() {
    connected();
    FakeConnection old = server.connection(0);
    server.manager.pause();
    server.barrier();
    assertThat(old.closeRequested).isTrue();

    server.manager.resume();
    server.barrier();
    assertThat(server.connections).as("the server has not handled the pause's close yet").hasSize(1);

    old.closeCompleted();
    assertThat(server.connections).hasSize(2);
  }

  @Test void suspendedDuringTheWaitTheCompletedCloseOpensNothingUntilResumed() {
    connected();
    FakeConnection old = server.connection(0);
    server.manager.restartConnection();
    server.manager.suspendReconnection();
    server.barrier();

    old.closeCompleted();
    server.advance(60_000);
    assertThat(server.connections).hasSize(1);

    server.manager.resumeReconnection();
    server.barrier();
    assertThat(server.connections).hasSize(2);
  }

  @Test void closingTheManagerDuringTheWaitOpensNothing() {
    RealSocket socket = connected();
    FakeConnection old = server.connection(0);
    server.manager.restartConnection();
    server.barrier();

    server.manager.close();
    server.barrier();
    old.closeCompleted();
    server.advance(60_000);

    assertThat(server.connections).hasSize(1);
    assertThat(socket.state()).isEqualTo(ConnectionState.CLOSED);
  }
}
