package dev.tether.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.AckCall;
import dev.tether.Args;
import dev.tether.ConnectError;
import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Transport;
import dev.tether.TransportException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Helpers of the fault suite: transport modes, a recorder with timestamps, signals, reports. */
final class FaultSupport {
  static final long TIMEOUT_SECONDS = 10;

  private FaultSupport() {
  }

  static ConditionFactory eventually() {
    return eventually(Duration.ofSeconds(TIMEOUT_SECONDS));
  }

  static ConditionFactory eventually(Duration atMost) {
    return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(5)).pollDelay(Duration.ZERO);
  }

  static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  static long millisBetween(long fromNanos, long toNanos) {
    return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
  }

  /** One line per measured fault, collected by the README's reliability table. */
  static void report(String fault, Object mode, long detectMillis, long recoverMillis, String details) {
    System.out.printf("FAULT %s mode=%s detect=%d ms recover=%d ms %s%n", fault, mode, detectMillis, recoverMillis,
        details);
  }

  /** Sends a signal ({@code STOP}, {@code CONT}, {@code KILL}) to a process with {@code kill}. */
  static void signal(long pid, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
    assertThat(kill.waitFor(5, TimeUnit.SECONDS)).as("kill -%s %d finished", signal, pid).isTrue();
    assertThat(kill.exitValue()).as("kill -%s %d: %s", signal, pid, new String(kill.getInputStream().readAllBytes()))
        .isZero();
  }

  /** Every connection event of one socket and its manager, with the time each arrived. */
  static final class Recorder {
    final List<ConnectionState> states = new CopyOnWriteArrayList<>();
    final List<Long> stateNanos = new CopyOnWriteArrayList<>();
    final List<DisconnectReason> disconnects = new CopyOnWriteArrayList<>();
    final List<Long> disconnectNanos = new CopyOnWriteArrayList<>();
    final List<Long> connectNanos = new CopyOnWriteArrayList<>();
    final List<ConnectError> connectErrors = new CopyOnWriteArrayList<>();
    final List<Integer> attempts = new CopyOnWriteArrayList<>();
    final List<Integer> reconnects = new CopyOnWriteArrayList<>();
    final List<TransportException> reconnectErrors = new CopyOnWriteArrayList<>();
    final List<Transport> upgrades = new CopyOnWriteArrayList<>();
    final List<Long> upgradeNanos = new CopyOnWriteArrayList<>();
    final AtomicInteger reconnectFailed = new AtomicInteger();

    Recorder(Socket socket) {
      socket.onStateChange(state -> {
        stateNanos.add(System.nanoTime());
        states.add(state);
      });
      socket.onDisconnect(reason -> {
        disconnectNanos.add(System.nanoTime());
        disconnects.add(reason);
      });
      socket.onConnect(() -> connectNanos.add(System.nanoTime()));
      socket.onConnectError(connectErrors::add);
      socket.manager().onReconnectAttempt(attempts::add);
      socket.manager().onReconnect(reconnects::add);
      socket.manager().onReconnectError(reconnectErrors::add);
      socket.manager().onReconnectFailed(reconnectFailed::incrementAndGet);
      socket.manager().onUpgrade(name -> {
        upgradeNanos.add(System.nanoTime());
        upgrades.add(name);
      });
    }

    int connects() {
      return connectNanos.size();
    }

    /** Waits for the {@code n}th connect (1-based) and returns when it happened. */
    long awaitConnect(int n, Duration atMost) {
      eventually(atMost).untilAsserted(() -> assertThat(connectNanos).as("connects").hasSizeGreaterThanOrEqualTo(n));
      return connectNanos.get(n - 1);
    }

    /** Waits until the socket entered {@code state} (after {@code fromNanos}) and returns when it did. */
    long awaitState(ConnectionState state, long fromNanos, Duration atMost) {
      long[] at = new long[1];
      eventually(atMost).until(() -> {
        for (int i = 0; i < states.size(); i++) {
          if (states.get(i) == state && stateNanos.get(i) - fromNanos >= 0) {
            at[0] = stateNanos.get(i);
            return true;
          }
        }
        return false;
      });
      return at[0];
    }

    /** Waits for a connect after {@code fromNanos} and returns when it happened. */
    long awaitConnectAfter(long fromNanos, Duration atMost) {
      long[] at = new long[1];
      eventually(atMost).until(() -> {
        for (long nanos : connectNanos) {
          if (nanos - fromNanos >= 0) {
            at[0] = nanos;
            return true;
          }
        }
        return false;
      });
      return at[0];
    }

    /** Waits for the {@code n}th disconnect (1-based) and returns when it happened. */
    long awaitDisconnect(int n, Duration atMost) {
      eventually(atMost).untilAsserted(() -> assertThat(disconnectNanos).as("disconnects").hasSizeGreaterThanOrEqualTo(n));
      return disconnectNanos.get(n - 1);
    }
  }

  /** Every outcome of one ack, to show how many times each callback ran. */
  static final class Outcome {
    final List<Args> successes = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    /** When the first outcome arrived (System.nanoTime), 0 before. */
    volatile long doneNanos;

    Outcome(AckCall call) {
      call.then(args -> {
        if (doneNanos == 0) doneNanos = System.nanoTime();
        successes.add(args);
      }, error -> {
        if (doneNanos == 0) doneNanos = System.nanoTime();
        failures.add(error);
      });
    }

    boolean done() {
      return !successes.isEmpty() || !failures.isEmpty();
    }

    static List<Outcome> all(List<AckCall> calls) {
      List<Outcome> outcomes = new ArrayList<>();
      for (AckCall call : calls) outcomes.add(new Outcome(call));
      return outcomes;
    }
  }

  /** How many times the server's {@code flaky} handler saw {@code key} (per server process). */
  static long serverCount(Socket socket, String key) throws InterruptedException {
    Long count = socket.emitWithAck("flaky-count", key).await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0, Long.class);
    return count == null ? 0 : count;
  }

  /** {@code flaky(key, 0)}: the server counts the attempt and acks {@code (key, attempts so far)}. */
  static AckCall counted(Socket socket, String key) {
    return socket.emitWithAck("flaky", key, 0);
  }
}
