package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;

/** Helpers shared by the integration tests against the real server. */
final class IntegrationSupport {
  static final long TIMEOUT_SECONDS = 10;

  private IntegrationSupport() {
  }

  /** Awaitility with a short poll interval, so fast conditions are seen fast. */
  static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(TIMEOUT_SECONDS)).pollInterval(Duration.ofMillis(10))
        .pollDelay(Duration.ZERO);
  }

  /** Connects and waits until the namespace accepted. */
  static Socket connected(Socket socket) throws InterruptedException {
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return socket;
  }

  /**
   * Waits until every event the server sent before answering this ack has been delivered to the
   * socket's listeners: the ack's callback runs on the same serial executor, after them.
   */
  static void barrier(Socket socket) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    socket.emitWithAck("ack").then(args -> done.countDown(), error -> {
      failure.set(error);
      done.countDown();
    });
    assertThat(done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("barrier ack").isTrue();
    assertThat(failure.get()).as("barrier ack failure").isNull();
  }

  /** Live threads whose name starts with {@code tether-}. */
  static Set<Thread> tetherThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("tether-") && t.isAlive())
        .collect(Collectors.toSet());
  }

  /** Records what the listener error handler receives. */
  static final class RecordingErrorHandler implements ListenerErrorHandler {
    static final class Failure {
      final Manager manager;
      final @Nullable Socket socket;
      final String event;
      final Throwable error;

      Failure(Manager manager, @Nullable Socket socket, String event, Throwable error) {
        this.manager = manager;
        this.socket = socket;
        this.event = event;
        this.error = error;
      }

      @Override public String toString() {
        return event + ": " + error;
      }
    }

    final List<Failure> failures = new CopyOnWriteArrayList<>();

    @Override public void onListenerError(Manager manager, @Nullable Socket socket, String event, Throwable error) {
      failures.add(new Failure(manager, socket, event, error));
    }

    List<Failure> snapshot() {
      return new ArrayList<>(failures);
    }
  }
}
