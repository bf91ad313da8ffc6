package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.barrier;
import static dev.tether.IntegrationSupport.connected;
import static dev.tether.IntegrationSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Acknowledgements in both directions, and how a pending ack ends: answer, cancel, timeout, disconnect. */
@RealServer
class AckIntegrationTest {
  private final SocketIoServer server;
  private final IntegrationSupport.RecordingErrorHandler errors = new IntegrationSupport.RecordingErrorHandler();
  private final Tether tether = Tether.builder().listenerErrorHandler(errors).build();

  AckIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeTether() {
    tether.close();
  }

  private Socket connect(TransportMode mode) throws InterruptedException {
    return connected(tether.socket(server.url(), mode.options()));
  }

  /** Records every outcome of one ack, to show how many times each callback ran. */
  private static final class Outcomes {
    final List<Args> successes = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    AckCall observe(AckCall call) {
      return call.then(successes::add, failures::add);
    }
  }

  // ---- answers ---------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void anEmitWithAckIsAnsweredThroughThenAndThroughAwait(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    Outcomes outcomes = new Outcomes();
    AckCall call = outcomes.observe(socket.emitWithAck("ack", "x", Map.of("a", List.of(1, 2))));
    eventually().untilAsserted(() -> assertThat(outcomes.successes).hasSize(1));
    Args reply = outcomes.successes.get(0);
    assertThat(reply.size()).isEqualTo(2);
    assertThat(reply.arg(0, String.class)).isEqualTo("x");
    assertThat(reply.arg(1)).isEqualTo(Map.of("a", List.of(1L, 2L)));
    assertThat(outcomes.failures).isEmpty();
    assertThat(call.isDone()).isTrue();

    // then() after completion runs at once with the same result.
    Outcomes late = new Outcomes();
    late.observe(call);
    eventually().untilAsserted(() -> assertThat(late.successes).containsExactly(reply));

    Args awaited = socket.emitWithAck("ack", 42, true).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(awaited.toList()).containsExactly(42L, true);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aZeroArgumentAckCompletesWithNoArguments(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    Args reply = socket.emitWithAck("ack").await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(reply.size()).isZero();
    assertThat(reply.toList()).isEmpty();
    assertThat(reply.arg(0)).isNull();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void theServerAsksAndTheClientAnswersOnceWithEventAckIncludingBinary(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    List<Event> questions = new CopyOnWriteArrayList<>();
    List<Event> answered = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> secondAck = new AtomicReference<>();
    socket.on("answered", answered::add);
    socket.on("question", event -> {
      questions.add(event);
      event.ack("42", new byte[] {1, 2}, Map.of("nested", new byte[] {3}));
      Object[] eleven = new Object[11];
      for (int i = 0; i < eleven.length; i++) eleven[i] = new byte[] {(byte) i};
      try {
        event.ack(eleven); // ignored: it would be rejected if it were sent
        event.ack("second");
      } catch (Throwable t) {
        secondAck.set(t);
      }
    });

    socket.emit("ask", "question", "q1");
    Event answer = socket.awaitEvent("answered", TIMEOUT_SECONDS, TimeUnit.SECONDS);
    barrier(socket);

    assertThat(questions).hasSize(1);
    assertThat(questions.get(0).arg(0)).isEqualTo("q1");
    assertThat(questions.get(0).hasAck()).isTrue();
    assertThat(secondAck.get()).isNull();
    assertThat(answer.size()).isEqualTo(3);
    assertThat(answer.arg(0)).isEqualTo("42");
    assertThat(answer.arg(1, byte[].class)).containsExactly(1, 2);
    assertThat((byte[]) ((Map<?, ?>) answer.arg(2)).get("nested")).containsExactly(3);
    assertThat(answered).hasSize(1);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void anEventCanBeAckedFromAnotherThreadAfterItsListenerReturned(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    AtomicReference<Event> question = new AtomicReference<>();
    socket.on("question", question::set);

    socket.emit("ask", "question");
    eventually().until(() -> question.get() != null);
    question.get().ack();

    Event answer = socket.awaitEvent("answered", TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(answer.size()).isZero();
  }

  @Test void anEventWithoutAckRequestIgnoresAck() throws Exception {
    Socket socket = connect(TransportMode.POLLING);
    socket.emit("echo", "no ack wanted");
    Event echo = socket.awaitEvent("echo", TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(echo.hasAck()).isFalse();
    assertThatCode(() -> echo.ack("ignored")).doesNotThrowAnyException();
    barrier(socket);
    assertThat(socket.isConnected()).isTrue();
  }

  // ---- cancel ----------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void cancelFailsTheAckOnceWithAckCancelledExceptionAndTheLateAckIsIgnored(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    Outcomes outcomes = new Outcomes();
    AckCall call = outcomes.observe(socket.emitWithAck("ack-after", 300, "late"));

    call.cancel();
    call.cancel();

    eventually().untilAsserted(() -> assertThat(outcomes.failures).hasSize(1));
    assertThat(outcomes.failures.get(0)).isInstanceOf(AckCancelledException.class);
    assertThat(call.isDone()).isTrue();
    // A companion with the same delay: once it is answered, the cancelled ack has arrived too.
    assertThat(socket.emitWithAck("ack-after", 300, "companion").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0))
        .isEqualTo("companion");
    barrier(socket);
    assertThat(outcomes.successes).isEmpty();
    assertThat(outcomes.failures).hasSize(1);
    assertThatThrownBy(() -> call.await(1, TimeUnit.SECONDS)).isInstanceOf(AckCancelledException.class);
    assertThat(errors.snapshot()).isEmpty();
  }

  // ---- timeouts --------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void anAckTimeoutFailsOnceAndTheLateAckIsIgnored(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    Outcomes outcomes = new Outcomes();
    long start = System.nanoTime();
    AckCall call = outcomes.observe(socket.emitWithAck("ack-after", 400, "late").timeout(100, TimeUnit.MILLISECONDS));

    eventually().untilAsserted(() -> assertThat(outcomes.failures).hasSize(1));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(outcomes.failures.get(0)).isInstanceOf(AckTimeoutException.class)
        .hasMessageContaining("timed out");
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(100);
    assertThat(call.isDone()).isTrue();

    assertThat(socket.emitWithAck("ack-after", 400, "companion").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0))
        .isEqualTo("companion");
    barrier(socket);
    assertThat(outcomes.successes).isEmpty();
    assertThat(outcomes.failures).hasSize(1);
    assertThat(socket.isConnected()).isTrue();
  }

  @Test void awaitFailsWithAckTimeoutExceptionWhenTheAnswerIsLate() throws Exception {
    Socket socket = connect(TransportMode.UPGRADE);
    assertThatThrownBy(() -> socket.emitWithAck("ack-after", 600, "late").await(100, TimeUnit.MILLISECONDS))
        .isInstanceOf(AckTimeoutException.class);
    assertThat(socket.emitWithAck("ack", "ok").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("ok");
  }

  @Test void aPerEmitTimeoutCountsFromTheEmitNotFromTheTimeoutCall() throws Exception {
    Socket socket = connect(TransportMode.UPGRADE);
    Outcomes outcomes = new Outcomes();
    // Answered 1000 ms after the emit. The timeout is set ~600 ms after the emit to 700 ms: counted
    // from the emit it fires at ~700 ms (before the answer), counted from the call at ~1300 ms (after).
    AckCall call = outcomes.observe(socket.emitWithAck("ack-after", 1000, "late"));
    socket.emitWithAck("ack-after", 600).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    call.timeout(700, TimeUnit.MILLISECONDS);

    eventually().untilAsserted(() -> assertThat(outcomes.failures).hasSize(1));
    assertThat(outcomes.failures.get(0)).isInstanceOf(AckTimeoutException.class);
    socket.emitWithAck("ack-after", 500).await(TIMEOUT_SECONDS, TimeUnit.SECONDS); // past the late answer
    barrier(socket);
    assertThat(outcomes.successes).isEmpty();
  }

  @Test void theSocketsDefaultAckTimeoutAppliesToEveryEmitWithAckAndAPerEmitTimeoutReplacesIt() throws Exception {
    Socket socket = connected(tether.socket(server.url(),
        SocketOptions.builder().ackTimeout(150, TimeUnit.MILLISECONDS).build()));
    Outcomes slow = new Outcomes();
    slow.observe(socket.emitWithAck("ack-after", 500, "slow"));
    Outcomes patient = new Outcomes();
    patient.observe(socket.emitWithAck("ack-after", 500, "patient").timeout(5, TimeUnit.SECONDS));

    assertThat(socket.emitWithAck("ack", "fast").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("fast");
    eventually().untilAsserted(() -> assertThat(slow.failures).hasSize(1));
    assertThat(slow.failures.get(0)).isInstanceOf(AckTimeoutException.class);
    eventually().untilAsserted(() -> assertThat(patient.successes).hasSize(1));
    assertThat(patient.successes.get(0).arg(0)).isEqualTo("patient");
    assertThat(patient.failures).isEmpty();
    barrier(socket);
    assertThat(slow.successes).isEmpty();
    assertThat(slow.failures).hasSize(1);
  }

  // ---- disconnect ------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aPendingAckFailsWithSocketDisconnectedExceptionWhenTheSocketDisconnects(TransportMode mode) throws Exception {
    Socket socket = connect(mode);
    Outcomes outcomes = new Outcomes();
    outcomes.observe(socket.emitWithAck("ack-after", 5000, "never"));
    barrier(socket); // the emit was written

    socket.disconnect();

    eventually().untilAsserted(() -> assertThat(outcomes.failures).hasSize(1));
    assertThat(outcomes.failures.get(0)).isInstanceOfSatisfying(SocketDisconnectedException.class,
        e -> assertThat(e.reason()).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT));
    assertThat(outcomes.successes).isEmpty();
  }
}
