package dev.tether.fault;

import static dev.tether.fault.FaultSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.ConnectError;
import dev.tether.ConnectionState;
import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.TetherException;
import dev.tether.TransportException;
import dev.tether.TransportMode;
import dev.tether.fault.FaultSupport.Recorder;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A host that does not resolve ({@code .invalid} is reserved and never resolves, RFC 6761), through
 * the system resolver: every attempt is a typed connect error, reconnection counts its attempts,
 * backs off and gives up when told to.
 */
class DnsFailureTest {
  private static final String HOST = "tether-does-not-exist.invalid";
  private static final int ATTEMPTS = 3;
  private static final long FIRST_DELAY_MILLIS = 100;

  private final Tether tether = Tether.create();

  @AfterEach void close() {
    tether.close();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = {"POLLING", "WEBSOCKET"})
  void anUnresolvableHostIsATypedConnectErrorAndReconnectionGivesUpAfterItsAttempts(TransportMode mode)
      throws Exception {
    Socket socket = tether.socket("http://" + HOST, mode.builder().reconnectionAttempts(ATTEMPTS)
        .reconnectionDelay(FIRST_DELAY_MILLIS, 10 * FIRST_DELAY_MILLIS, TimeUnit.MILLISECONDS).randomizationFactor(0)
        .build());
    Recorder recorder = new Recorder(socket);
    List<Long> attemptNanos = new CopyOnWriteArrayList<>();
    socket.manager().onReconnectAttempt(n -> attemptNanos.add(System.nanoTime()));

    socket.connect();

    eventually(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(recorder.reconnectFailed).hasValue(1));
    assertThat(recorder.attempts).containsExactly(1, 2, 3);
    // The first connect and each of the three attempts: one typed connect error each.
    assertThat(recorder.connectErrors).hasSize(1 + ATTEMPTS).allSatisfy(DnsFailureTest::isUnknownHost);
    assertThat(recorder.reconnectErrors).hasSize(ATTEMPTS).allSatisfy(e -> {
      assertThat(e.kind()).isEqualTo(TransportException.Kind.CONNECT_FAILED);
      assertThat(e.getCause()).isInstanceOf(UnknownHostException.class);
    });
    assertThat(recorder.connects()).isZero();
    assertThat(socket.state()).isEqualTo(ConnectionState.DISCONNECTED);
    // State listeners run on the socket's turn of the callback executor, maybe after the Manager's.
    eventually().untilAsserted(() -> assertThat(recorder.states).endsWith(ConnectionState.DISCONNECTED));
    // Backoff: 100 ms before attempt 1, then 200 ms and 400 ms (no jitter). Attempt listeners run a
    // little after their timer; allow 10% for that.
    long first = TimeUnit.NANOSECONDS.toMillis(attemptNanos.get(1) - attemptNanos.get(0));
    long second = TimeUnit.NANOSECONDS.toMillis(attemptNanos.get(2) - attemptNanos.get(1));
    assertThat(first).as("ms between attempts 1 and 2").isGreaterThanOrEqualTo(2 * FIRST_DELAY_MILLIS * 9 / 10);
    assertThat(second).as("ms between attempts 2 and 3").isGreaterThanOrEqualTo(4 * FIRST_DELAY_MILLIS * 9 / 10)
        .isGreaterThan(first);
    // Gave up: a blocking wait fails at once instead of waiting for its timeout.
    assertThatThrownBy(() -> socket.awaitConnected(5, TimeUnit.SECONDS)).isInstanceOf(TetherException.class);
    FaultSupport.report("unresolvable host", mode, 0, 0, "attempts=" + recorder.attempts + " gaps=" + first + "/"
        + second + " ms error=" + recorder.connectErrors.get(0).message());
  }

  private static void isUnknownHost(ConnectError error) {
    assertThat(error.isServerRefusal()).isFalse();
    assertThat(error.cause()).isInstanceOfSatisfying(TransportException.class, e -> {
      assertThat(e.kind()).isEqualTo(TransportException.Kind.CONNECT_FAILED);
      assertThat(e.getCause()).isInstanceOf(UnknownHostException.class);
      assertThat(e.getMessage()).contains(HOST);
    });
  }
}
