package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.barrier;
import static dev.tether.IntegrationSupport.connected;
import static dev.tether.IntegrationSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Delivery semantics against the real server: the send buffer (order, exactly once, bounds and
 * overflow policies, clear, cancel), volatile emits, at-least-once retries, and the blocking helpers
 * bots use. What reached the server is read back from its {@code echo} scenario: it emits every
 * {@code echo} it receives back to the client, so the echoes a socket received after a barrier are
 * exactly the {@code echo} emits the server saw.
 */
@RealServer
class DeliveryIntegrationTest {
  private final SocketIoServer server;
  private final IntegrationSupport.RecordingErrorHandler errors = new IntegrationSupport.RecordingErrorHandler();
  private final Tether tether = Tether.builder().listenerErrorHandler(errors).build();
  private final List<Runnable> cleanups = new ArrayList<>();

  DeliveryIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeTether() {
    tether.close();
    for (Runnable cleanup : cleanups) cleanup.run();
  }

  /** Every outcome of one ack, to show how many times each callback ran. */
  private static final class Outcome {
    final List<Args> successes = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final AckCall call;

    Outcome(AckCall call) {
      this.call = call;
      call.then(successes::add, failures::add);
    }
  }

  /** Records argument 0 of every {@code echo} the socket receives. */
  private static List<Object> recordEchoes(Socket socket) {
    List<Object> echoes = new CopyOnWriteArrayList<>();
    socket.on("echo", event -> echoes.add(event.arg(0)));
    return echoes;
  }

  /** What the send buffer counts for {@code emit(event, arg)}: the UTF-8 length of {@code ["event",arg]}. */
  private static long jsonSize(String event, Object arg) {
    String json = "[\"" + event + "\"," + (arg instanceof String ? "\"" + arg + "\"" : String.valueOf(arg)) + "]";
    return json.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String text(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) text.append((char) ('a' + i % 26));
    return text.toString();
  }

  private Socket socket(SocketOptions options) {
    return tether.socket(server.url(), options);
  }

  // ---- the send buffer: order, exactly once --------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void emitsMadeBeforeConnectArriveInOrderExactlyOnceAndTheBufferEmptiesOnFlush(TransportMode mode) throws Exception {
    Socket socket = socket(mode.options());
    List<Object> echoes = recordEchoes(socket);
    int count = 50;
    List<Long> expected = new ArrayList<>();
    List<Outcome> acks = new ArrayList<>();
    long expectedBytes = 0;
    for (long i = 1; i <= count; i++) {
      if (i % 5 == 0) {
        acks.add(new Outcome(socket.emitWithAck("echo", i))); // echoed and acked with the same argument
      } else {
        socket.emit("echo", i);
      }
      expected.add(i);
      expectedBytes += jsonSize("echo", i);
    }

    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isEqualTo(count));
    assertThat(socket.bufferedBytes()).isEqualTo(expectedBytes);
    assertThat(socket.isConnected()).isFalse();

    connected(socket);
    barrier(socket);

    assertThat(echoes).containsExactlyElementsOf(expected);
    for (Outcome ack : acks) {
      assertThat(ack.failures).isEmpty();
      assertThat(ack.successes).hasSize(1);
    }
    assertThat(acks.stream().map(a -> a.successes.get(0).arg(0)).collect(Collectors.toList()))
        .containsExactly(5L, 10L, 15L, 20L, 25L, 30L, 35L, 40L, 45L, 50L);
    assertThat(socket.bufferedPackets()).isZero();
    assertThat(socket.bufferedBytes()).isZero();

    // Nothing is re-sent later: a second barrier sees no further echo.
    barrier(socket);
    assertThat(echoes).hasSize(count);
    assertThat(errors.snapshot()).isEmpty();
  }

  // ---- the send buffer: bounds and overflow --------------------------------------------------------

  @Test void aFullBufferWithFailNewestFailsTheNewEmitsAndSendsTheBufferedOnes() throws Exception {
    Socket socket = socket(SocketOptions.builder().sendBuffer(3, 1 << 20, OverflowPolicy.FAIL_NEWEST).build());
    List<Object> echoes = recordEchoes(socket);
    List<Outcome> acks = new ArrayList<>();
    for (long i = 1; i <= 5; i++) acks.add(new Outcome(socket.emitWithAck("echo", i)));

    eventually().untilAsserted(() -> {
      assertThat(acks.get(3).failures).hasSize(1);
      assertThat(acks.get(4).failures).hasSize(1);
    });
    for (Outcome failed : acks.subList(3, 5)) {
      assertThat(failed.failures.get(0)).isInstanceOf(SendBufferOverflowException.class).hasMessageContaining("echo");
      assertThat(failed.call.isDone()).isTrue();
    }
    assertThat(socket.bufferedPackets()).isEqualTo(3);
    assertThat(socket.bufferedBytes()).isEqualTo(3 * jsonSize("echo", 1));
    for (Outcome pending : acks.subList(0, 3)) assertThat(pending.call.isDone()).isFalse();

    connected(socket);
    barrier(socket);

    for (int i = 0; i < 3; i++) {
      assertThat(acks.get(i).successes).hasSize(1);
      assertThat(acks.get(i).successes.get(0).arg(0)).isEqualTo(i + 1L);
      assertThat(acks.get(i).failures).isEmpty();
    }
    for (Outcome failed : acks.subList(3, 5)) {
      assertThat(failed.successes).isEmpty();
      assertThat(failed.failures).hasSize(1);
    }
    assertThat(echoes).containsExactly(1L, 2L, 3L);
    assertThat(socket.bufferedPackets()).isZero();
  }

  @Test void aFullBufferWithDropOldestFailsTheOldestEmitsAndSendsTheNewest() throws Exception {
    Socket socket = socket(SocketOptions.builder().sendBuffer(3, 1 << 20, OverflowPolicy.DROP_OLDEST).build());
    List<Object> echoes = recordEchoes(socket);
    List<Outcome> acks = new ArrayList<>();
    for (long i = 1; i <= 5; i++) acks.add(new Outcome(socket.emitWithAck("echo", i)));

    eventually().untilAsserted(() -> {
      assertThat(acks.get(0).failures).hasSize(1);
      assertThat(acks.get(1).failures).hasSize(1);
    });
    for (Outcome failed : acks.subList(0, 2)) {
      assertThat(failed.failures.get(0)).isInstanceOf(SendBufferOverflowException.class);
    }
    assertThat(socket.bufferedPackets()).isEqualTo(3);

    connected(socket);
    barrier(socket);

    for (int i = 2; i < 5; i++) {
      assertThat(acks.get(i).successes).hasSize(1);
      assertThat(acks.get(i).successes.get(0).arg(0)).isEqualTo(i + 1L);
      assertThat(acks.get(i).failures).isEmpty();
    }
    for (Outcome failed : acks.subList(0, 2)) {
      assertThat(failed.successes).isEmpty();
      assertThat(failed.failures).hasSize(1);
    }
    assertThat(echoes).containsExactly(3L, 4L, 5L);
  }

  @Test void theByteLimitFailsAnEmitThatDoesNotFitWithFailNewest() throws Exception {
    String chunk = text(300); // ["echo","<300 chars>"] = 311 bytes: three fit in 1000, four do not
    long chunkBytes = jsonSize("echo", chunk);
    assertThat(3 * chunkBytes).isLessThanOrEqualTo(1000);
    Socket socket = socket(SocketOptions.builder().sendBuffer(100, 1000, OverflowPolicy.FAIL_NEWEST).build());
    List<Object> echoes = recordEchoes(socket);

    Outcome huge = new Outcome(socket.emitWithAck("echo", text(2000))); // alone larger than the limit
    Outcome first = new Outcome(socket.emitWithAck("echo", "1" + chunk.substring(1)));
    Outcome second = new Outcome(socket.emitWithAck("echo", "2" + chunk.substring(1)));
    Outcome third = new Outcome(socket.emitWithAck("echo", "3" + chunk.substring(1)));
    Outcome fourth = new Outcome(socket.emitWithAck("echo", "4" + chunk.substring(1)));
    Outcome small = new Outcome(socket.emitWithAck("echo", "small"));

    eventually().untilAsserted(() -> {
      assertThat(huge.failures).hasSize(1);
      assertThat(fourth.failures).hasSize(1);
    });
    assertThat(huge.failures.get(0)).isInstanceOf(SendBufferOverflowException.class);
    assertThat(fourth.failures.get(0)).isInstanceOf(SendBufferOverflowException.class);
    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isEqualTo(4));
    assertThat(socket.bufferedBytes()).isEqualTo(3 * chunkBytes + jsonSize("echo", "small"));

    connected(socket);
    barrier(socket);

    for (Outcome sent : List.of(first, second, third, small)) {
      assertThat(sent.successes).hasSize(1);
      assertThat(sent.failures).isEmpty();
    }
    assertThat(echoes).extracting(e -> ((String) e).substring(0, 1)).containsExactly("1", "2", "3", "s");
  }

  @Test void theByteLimitDropsAsManyOldEmitsAsNeededWithDropOldestButNeverForAnEmitLargerThanTheLimit()
      throws Exception {
    String chunk = text(300);
    Socket socket = socket(SocketOptions.builder().sendBuffer(100, 1000, OverflowPolicy.DROP_OLDEST).build());
    List<Object> echoes = recordEchoes(socket);

    Outcome first = new Outcome(socket.emitWithAck("echo", "1" + chunk.substring(1)));
    Outcome second = new Outcome(socket.emitWithAck("echo", "2" + chunk.substring(1)));
    Outcome third = new Outcome(socket.emitWithAck("echo", "3" + chunk.substring(1)));
    // Larger than the limit on its own: it fails, and drops nothing to make room it could never have.
    Outcome huge = new Outcome(socket.emitWithAck("echo", text(2000)));
    // 611 bytes: 3 x 311 + 611 > 1000, 2 x 311 + 611 > 1000, 311 + 611 <= 1000: the two oldest go.
    Outcome big = new Outcome(socket.emitWithAck("echo", "B" + text(599)));

    eventually().untilAsserted(() -> {
      assertThat(huge.failures).hasSize(1);
      assertThat(first.failures).hasSize(1);
      assertThat(second.failures).hasSize(1);
    });
    assertThat(huge.failures.get(0)).isInstanceOf(SendBufferOverflowException.class);
    assertThat(first.failures.get(0)).isInstanceOf(SendBufferOverflowException.class);
    assertThat(second.failures.get(0)).isInstanceOf(SendBufferOverflowException.class);
    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isEqualTo(2));
    assertThat(socket.bufferedBytes()).isEqualTo(jsonSize("echo", chunk) + jsonSize("echo", "B" + text(599)));

    connected(socket);
    barrier(socket);

    assertThat(third.successes).hasSize(1);
    assertThat(big.successes).hasSize(1);
    assertThat(echoes).extracting(e -> ((String) e).substring(0, 1)).containsExactly("3", "B");
  }

  @Test void anEmitWithoutAckThatOverflowsReachesItsSocketsEmitErrorListeners() throws Exception {
    Socket newest = socket(SocketOptions.builder().sendBuffer(1, 1 << 20, OverflowPolicy.FAIL_NEWEST).build());
    Socket oldest = tether.socket(server.url() + "/chat",
        SocketOptions.builder().sendBuffer(1, 1 << 20, OverflowPolicy.DROP_OLDEST).build());
    List<Object> newestEchoes = recordEchoes(newest);
    List<Object> oldestEchoes = recordEchoes(oldest);
    List<EmitError> newestErrors = new CopyOnWriteArrayList<>();
    List<EmitError> oldestErrors = new CopyOnWriteArrayList<>();
    newest.onEmitError(newestErrors::add);
    oldest.onEmitError(oldestErrors::add);

    newest.emit("echo", "kept");
    newest.emit("echo", "overflowing");
    oldest.emit("echo", "dropped");
    oldest.emit("echo", "fresh");

    eventually().untilAsserted(() -> assertThat(newestErrors).hasSize(1));
    eventually().untilAsserted(() -> assertThat(oldestErrors).hasSize(1));
    // Which emit, and why: the event, its arguments and the cause.
    assertThat(newestErrors.get(0).event()).isEqualTo("echo");
    assertThat(newestErrors.get(0).args().arg(0)).isEqualTo("overflowing");
    assertThat(newestErrors.get(0).isAckReply()).isFalse();
    assertThat(newestErrors.get(0).cause()).isInstanceOf(SendBufferOverflowException.class);
    assertThat(oldestErrors.get(0).args().arg(0)).isEqualTo("dropped");
    assertThat(oldestErrors.get(0).cause()).isInstanceOf(SendBufferOverflowException.class);
    assertThat(errors.snapshot()).as("no listener threw").isEmpty();

    connected(newest);
    connected(oldest);
    barrier(newest);
    barrier(oldest);
    assertThat(newestEchoes).containsExactly("kept");
    assertThat(oldestEchoes).containsExactly("fresh");
    assertThat(newestErrors).hasSize(1);
    assertThat(oldestErrors).hasSize(1);
    assertThat(errors.snapshot()).isEmpty();
  }

  @Test void aSendBufferOfZeroPacketsFailsEveryEmitMadeBeforeConnect() throws Exception {
    Socket socket = socket(SocketOptions.builder().sendBuffer(0, 1 << 20, OverflowPolicy.FAIL_NEWEST).build());
    List<Object> echoes = recordEchoes(socket);
    List<EmitError> emitErrors = new CopyOnWriteArrayList<>();
    socket.onEmitError(emitErrors::add);
    Outcome ack = new Outcome(socket.emitWithAck("echo", "never"));
    socket.emit("echo", "never either");

    eventually().untilAsserted(() -> {
      assertThat(ack.failures).hasSize(1);
      assertThat(emitErrors).hasSize(1);
    });
    assertThat(ack.failures.get(0)).isInstanceOf(SendBufferOverflowException.class);
    assertThat(emitErrors.get(0).cause()).isInstanceOf(SendBufferOverflowException.class);
    assertThat(errors.snapshot()).isEmpty();
    assertThat(socket.bufferedPackets()).isZero();

    connected(socket);
    socket.emit("echo", "connected");
    barrier(socket);
    assertThat(echoes).containsExactly("connected");
  }

  // ---- clear and cancel ------------------------------------------------------------------------

  @Test void clearSendBufferFailsBufferedAcksWithAckCancelledAndSendsNothingOfThem() throws Exception {
    Socket socket = socket(SocketOptions.DEFAULT);
    List<Object> echoes = recordEchoes(socket);
    Outcome a = new Outcome(socket.emitWithAck("echo", "a"));
    socket.emit("echo", "b");
    Outcome c = new Outcome(socket.emitWithAck("echo", "c"));
    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isEqualTo(3));

    socket.clearSendBuffer();
    socket.emit("echo", "after");
    Outcome afterAck = new Outcome(socket.emitWithAck("echo", "after-ack"));

    eventually().untilAsserted(() -> {
      assertThat(a.failures).hasSize(1);
      assertThat(c.failures).hasSize(1);
    });
    assertThat(a.failures.get(0)).isInstanceOf(AckCancelledException.class);
    assertThat(c.failures.get(0)).isInstanceOf(AckCancelledException.class);
    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isEqualTo(2));
    assertThat(socket.bufferedBytes()).isEqualTo(jsonSize("echo", "after") + jsonSize("echo", "after-ack"));
    assertThat(afterAck.call.isDone()).isFalse();

    connected(socket);
    barrier(socket);

    assertThat(echoes).containsExactly("after", "after-ack");
    assertThat(afterAck.successes).hasSize(1);
    assertThat(a.successes).isEmpty();
    assertThat(c.successes).isEmpty();
    assertThat(socket.bufferedPackets()).isZero();
    assertThat(errors.snapshot()).isEmpty();
  }

  @Test void cancellingABufferedEmitRemovesItFromTheBuffer() throws Exception {
    Socket socket = socket(SocketOptions.DEFAULT);
    List<Object> echoes = recordEchoes(socket);
    Outcome first = new Outcome(socket.emitWithAck("echo", "x1"));
    Outcome second = new Outcome(socket.emitWithAck("echo", "x2-cancelled"));
    Outcome third = new Outcome(socket.emitWithAck("echo", "x3"));
    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isEqualTo(3));
    long before = socket.bufferedBytes();

    second.call.cancel();

    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isEqualTo(2));
    assertThat(socket.bufferedBytes()).isEqualTo(before - jsonSize("echo", "x2-cancelled"));
    // The failure reaches the call's callback on the callback executor, after the buffer changed.
    eventually().untilAsserted(() -> assertThat(second.failures).hasSize(1));
    assertThat(second.failures.get(0)).isInstanceOf(AckCancelledException.class);

    connected(socket);
    barrier(socket);

    assertThat(echoes).containsExactly("x1", "x3");
    assertThat(first.successes).hasSize(1);
    assertThat(third.successes).hasSize(1);
    assertThat(second.successes).isEmpty();
    assertThat(second.failures).hasSize(1);
  }

  // ---- volatile emits --------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aVolatileEmitBeforeConnectIsDroppedAndNeverBuffered(TransportMode mode) throws Exception {
    Socket socket = socket(mode.options());
    List<Object> echoes = recordEchoes(socket);
    socket.volatileEmit("echo", "volatile-1");
    socket.volatileEmit("echo", "volatile-2");
    socket.emit("echo", "normal"); // handled after the volatile ones: once it is buffered, they were seen
    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isEqualTo(1));
    assertThat(socket.bufferedBytes()).isEqualTo(jsonSize("echo", "normal"));

    connected(socket);
    barrier(socket);

    assertThat(echoes).containsExactly("normal");
  }

  @Test void aVolatileEmitOverAnIdleWebSocketIsDelivered() throws Exception {
    Socket socket = connected(socket(TransportMode.WEBSOCKET.options()));
    List<Object> echoes = recordEchoes(socket);
    barrier(socket); // nothing in flight any more

    socket.volatileEmit("echo", "v1");
    barrier(socket);
    socket.volatileEmit("echo", "v2");
    barrier(socket);

    assertThat(echoes).containsExactly("v1", "v2");
  }

  @Test void aVolatileEmitWhileAPollingPostIsInFlightIsDropped() throws Exception {
    Socket socket = connected(socket(TransportMode.POLLING.options()));
    List<Object> echoes = recordEchoes(socket);
    barrier(socket);
    String large = text(500_000); // well under the server's maxHttpBufferSize (1 MB)

    socket.emit("echo", large); // its POST is in flight (or waits for the previous one) ...
    socket.volatileEmit("echo", "volatile"); // ... so this one cannot be written now
    barrier(socket);

    assertThat(echoes).hasSize(1);
    assertThat((String) echoes.get(0)).hasSize(large.length()).isEqualTo(large);
    assertThat(socket.isConnected()).isTrue();
  }

  @Test void volatileEmitsWhileTheUpgradeRunsAreSentAfterIt() throws Exception {
    // As in the JavaScript client, an upgrade in progress does not make the transport busy: volatile
    // emits wait in the engine's write buffer while polling is paused and go out over the WebSocket.
    try (UpgradeWindow window = new UpgradeWindow()) {
      Tether upgrading = Tether.builder().okHttpClient(window.client()).listenerErrorHandler(errors).build();
      cleanups.add(upgrading::close);
      Socket socket = upgrading.socket(server.url(), TransportMode.UPGRADE.options());
      List<Transport> upgrades = new CopyOnWriteArrayList<>();
      socket.manager().onUpgrade(upgrades::add);
      List<Object> echoes = recordEchoes(socket);
      connected(socket);
      window.awaitNoPostInFlight(); // e.g. the CONNECT's POST: the emits below must not find one
      window.allowProbe();
      window.awaitUpgradeUnderWay(); // probe answered, polling paused, the upgrade held

      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        sent.add("v" + i);
        socket.volatileEmit("echo", "v" + i);
      }
      assertThat(upgrades).as("the upgrade completes only after the emits").isEmpty();
      assertThat(socket.manager().transport()).isEqualTo(Transport.POLLING);
      window.releasePoll();
      eventually().untilAsserted(() -> assertThat(upgrades).containsExactly(Transport.WEBSOCKET));
      barrier(socket);

      assertThat(echoes).containsExactlyElementsOf(sent);
      assertThat(errors.failures).isEmpty();
    }
  }

  @Test void aVolatileEmitDuringTheUpgradeIsDroppedWhileAPollingPostIsInFlight() throws Exception {
    // The pause for the upgrade waits for that POST: the transport is busy, as at any other time.
    try (UpgradeWindow window = new UpgradeWindow()) {
      Tether upgrading = Tether.builder().okHttpClient(window.client()).listenerErrorHandler(errors).build();
      cleanups.add(upgrading::close);
      Socket socket = upgrading.socket(server.url(), TransportMode.UPGRADE.options());
      List<Transport> upgrades = new CopyOnWriteArrayList<>();
      socket.manager().onUpgrade(upgrades::add);
      List<Object> echoes = recordEchoes(socket);
      connected(socket);
      window.awaitNoPostInFlight();
      window.holdPostContaining("in-flight");
      socket.emit("echo", "in-flight");
      window.awaitPostHeld();
      window.allowProbe();
      window.awaitUpgradeUnderWay();

      socket.volatileEmit("echo", "volatile"); // the POST of "in-flight" is still out: dropped
      window.releasePost();
      window.releasePoll();
      eventually().untilAsserted(() -> assertThat(upgrades).containsExactly(Transport.WEBSOCKET));
      barrier(socket);

      assertThat(echoes).containsExactly("in-flight");
    }
  }

  // ---- retries ---------------------------------------------------------------------------------

  private int flakyCount(Socket socket, String key) throws InterruptedException {
    return socket.emitWithAck("flaky-count", key).await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0, Integer.class);
  }

  /** Waits past another ack timeout, so a stray further attempt would have reached the server. */
  private static void pastAnotherAttempt(Socket socket) throws InterruptedException {
    socket.emitWithAck("ack-after", 500).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void socketRetriesResendAnUnansweredEmitUntilTheServerAcks(TransportMode mode) throws Exception {
    Socket socket = connected(socket(mode.builder().ackTimeout(300, TimeUnit.MILLISECONDS).retries(3).build()));
    String key = "socket-" + UUID.randomUUID();

    Outcome flaky = new Outcome(socket.emitWithAck("flaky", key, 2));

    eventually().untilAsserted(() -> assertThat(flaky.successes).hasSize(1));
    assertThat(flaky.successes.get(0).toList()).containsExactly(key, 3L);
    pastAnotherAttempt(socket);
    assertThat(flaky.successes).hasSize(1);
    assertThat(flaky.failures).isEmpty();
    assertThat(flakyCount(socket, key)).as("attempts the server saw").isEqualTo(3);
  }

  @Test void perEmitRetriesResendAnUnansweredEmitUntilTheServerAcks() throws Exception {
    Socket socket = connected(socket(SocketOptions.DEFAULT));
    String key = "per-emit-" + UUID.randomUUID();

    Outcome flaky = new Outcome(socket.emitWithAck("flaky", key, 2).timeout(300, TimeUnit.MILLISECONDS).retries(3));

    eventually().untilAsserted(() -> assertThat(flaky.successes).hasSize(1));
    assertThat(flaky.successes.get(0).toList()).containsExactly(key, 3L);
    pastAnotherAttempt(socket);
    assertThat(flaky.successes).hasSize(1);
    assertThat(flaky.failures).isEmpty();
    assertThat(flakyCount(socket, key)).isEqualTo(3);
  }

  @Test void perEmitRetriesReplaceTheSocketsRetries() throws Exception {
    Socket socket = connected(socket(SocketOptions.builder().ackTimeout(300, TimeUnit.MILLISECONDS).retries(5).build()));
    String key = "replaced-" + UUID.randomUUID();

    Outcome flaky = new Outcome(socket.emitWithAck("flaky", key, 5).retries(1));

    eventually().untilAsserted(() -> assertThat(flaky.failures).hasSize(1));
    assertThat(flaky.failures.get(0)).isInstanceOf(AckTimeoutException.class);
    pastAnotherAttempt(socket);
    assertThat(flakyCount(socket, key)).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void retriesThatRunOutFailWithAckTimeoutAfterEveryAttempt(TransportMode mode) throws Exception {
    Socket socket = connected(socket(mode.builder().ackTimeout(300, TimeUnit.MILLISECONDS).retries(2).build()));
    String key = "exhausted-" + UUID.randomUUID();
    long start = System.nanoTime();

    Outcome flaky = new Outcome(socket.emitWithAck("flaky", key, 5));

    eventually().untilAsserted(() -> assertThat(flaky.failures).hasSize(1));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(flaky.failures.get(0)).isInstanceOf(AckTimeoutException.class);
    assertThat(elapsedMillis).as("three attempts of 300 ms").isGreaterThanOrEqualTo(900);
    pastAnotherAttempt(socket);
    assertThat(flaky.successes).isEmpty();
    assertThat(flaky.failures).hasSize(1);
    assertThat(flakyCount(socket, key)).as("attempts the server saw").isEqualTo(3);
  }

  @Test void perEmitRetriesThatRunOutFailWithAckTimeout() throws Exception {
    Socket socket = connected(socket(SocketOptions.DEFAULT));
    String key = "per-emit-exhausted-" + UUID.randomUUID();

    Outcome flaky = new Outcome(socket.emitWithAck("flaky", key, 5).timeout(300, TimeUnit.MILLISECONDS).retries(2));

    eventually().untilAsserted(() -> assertThat(flaky.failures).hasSize(1));
    assertThat(flaky.failures.get(0)).isInstanceOf(AckTimeoutException.class);
    pastAnotherAttempt(socket);
    assertThat(flaky.successes).isEmpty();
    assertThat(flakyCount(socket, key)).isEqualTo(3);
  }

  @Test void perEmitRetriesWithoutATimeoutResendAnEmitWhoseSocketDisconnectedBeforeTheAck() throws Exception {
    Socket socket = connected(socket(SocketOptions.DEFAULT));
    String key = "disconnect-" + UUID.randomUUID();
    Outcome flaky = new Outcome(socket.emitWithAck("flaky", key, 1).retries(1)); // the first attempt is ignored
    barrier(socket); // the first attempt reached the server
    assertThat(flakyCount(socket, key)).isEqualTo(1);

    socket.disconnect();
    eventually().untilAsserted(() -> assertThat(socket.bufferedPackets()).isEqualTo(1));
    assertThat(flaky.call.isDone()).isFalse();
    connected(socket);

    eventually().untilAsserted(() -> assertThat(flaky.successes).hasSize(1));
    assertThat(flaky.successes.get(0).toList()).containsExactly(key, 2L);
    assertThat(flaky.failures).isEmpty();
    assertThat(flakyCount(socket, key)).isEqualTo(2);
    assertThat(socket.bufferedPackets()).isZero();
  }

  @Test void emitsWithRetriesMadeBeforeConnectArriveInOrderExactlyOnceWhenTheConnectTakesLongerThanTheAckTimeout()
      throws Exception {
    Socket clock = connected(socket(TransportMode.WEBSOCKET.builder().forceNew(true).build())); // no sleep
    Socket socket = tether.socket(server.url() + "/chat", TransportMode.WEBSOCKET.options());
    List<Object> echoes = recordEchoes(socket);

    // The first times out every 200 ms while it waits (10 retries: it stays alive for 2.2 s); the second not.
    Outcome first = new Outcome(socket.emitWithAck("echo", 1).timeout(200, TimeUnit.MILLISECONDS).retries(10));
    Outcome second = new Outcome(socket.emitWithAck("echo", 2).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).retries(10));
    clock.emitWithAck("ack-after", 300).await(TIMEOUT_SECONDS, TimeUnit.SECONDS); // past the first's timeout
    assertThat(socket.bufferedPackets()).isEqualTo(2);

    connected(socket);
    barrier(socket);
    pastAnotherAttempt(socket); // a needless re-send would have arrived by now

    assertThat(first.successes).hasSize(1);
    assertThat(second.successes).hasSize(1);
    assertThat(echoes).as("emits made before connect are sent in order, and answered ones not again")
        .containsExactly(1L, 2L);
  }

  @Test void awaitWithRetriesWaitsForEveryAttempt() throws Exception {
    Socket socket = connected(socket(SocketOptions.DEFAULT));
    String key = "await-" + UUID.randomUUID();
    long start = System.nanoTime();

    // 14 attempts of 500 ms each; the 14th is acknowledged at once, about 6.5 s after the emit.
    Outcome outcome = new Outcome(socket.emitWithAck("flaky", key, 13).retries(13));
    Args reply = outcome.call.await(500, TimeUnit.MILLISECONDS);

    assertThat(reply.toList()).containsExactly(key, 14L);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(6500);
    eventually().untilAsserted(() -> assertThat(outcome.successes).hasSize(1));
    assertThat(outcome.failures).isEmpty();
  }

  @Test void retriesWithoutAnAckTimeoutRetryAfterADisconnect() throws Exception {
    // One rule (AckCall.retries): without a timeout, only a disconnect after the send triggers a retry.
    Socket socket = connected(socket(SocketOptions.builder().retries(2)
        .reconnectionDelay(20, 50, TimeUnit.MILLISECONDS).build()));
    String key = "no-timeout-" + UUID.randomUUID();
    Outcome outcome = new Outcome(socket.emitWithAck("flaky", key, 1)); // the server ignores attempt 1
    socket.emit("engine-close"); // after attempt 1 was sent: the connection drops, the attempt with it

    eventually().untilAsserted(() -> assertThat(outcome.successes).hasSize(1));
    assertThat(outcome.successes.get(0).toList()).containsExactly(key, 2L);
    assertThat(outcome.failures).isEmpty();
    assertThatThrownBy(() -> SocketOptions.builder().retries(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- blocking helpers ------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void awaitEventCatchesAWelcomeEvenWhenCalledWellAfterConnect(TransportMode mode) throws Exception {
    Socket socket = connected(socket(mode.builder().auth(Map.of("welcome", true)).build()));

    Args ack = socket.emitWithAck("ack", "round", 2).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(ack.toList()).containsExactly("round", 2L);
    barrier(socket);

    Event welcome = socket.awaitEvent("welcome", TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(welcome.arg(0)).isEqualTo(Map.of("id", socket.id()));
    assertThat(welcome.hasAck()).isFalse();
  }

  @Test void blockingHelpersFailFastOnTheCallbackExecutor() throws Exception {
    blockingHelpersFailFastInListeners(tether);
  }

  @Test void blockingHelpersFailFastOnAUserSuppliedCallbackExecutor() throws Exception {
    // Daemon threads that time out: callbacks of the closing Tether may still run after the test.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
      Thread thread = new Thread(runnable, "delivery-test-pool");
      thread.setDaemon(true);
      return thread;
    });
    pool.allowCoreThreadTimeOut(true);
    Tether pooled = Tether.builder().callbackExecutor(pool).build();
    cleanups.add(pooled::close);
    blockingHelpersFailFastInListeners(pooled);
  }

  private void blockingHelpersFailFastInListeners(Tether owner) throws Exception {
    Socket socket = owner.socket(server.url(), TransportMode.WEBSOCKET.options());
    List<String> attempted = new CopyOnWriteArrayList<>();
    List<Throwable> thrown = new CopyOnWriteArrayList<>();
    socket.onConnect(() -> tryBlocking("awaitConnected in onConnect", attempted, thrown,
        () -> socket.awaitConnected(5, TimeUnit.SECONDS)));
    socket.on("echo", event -> tryBlocking("awaitEvent in on", attempted, thrown,
        () -> socket.awaitEvent("echo", 5, TimeUnit.SECONDS)));
    socket.onAny(event -> tryBlocking("awaitEvent in onAny", attempted, thrown,
        () -> socket.awaitEvent("never", 5, TimeUnit.SECONDS)));
    connected(socket);
    socket.emitWithAck("ack").then(
        args -> tryBlocking("await in then", attempted, thrown,
            () -> socket.emitWithAck("ack").await(5, TimeUnit.SECONDS)),
        thrown::add);
    socket.emitWithAck("ack-after", 5000).timeout(50, TimeUnit.MILLISECONDS).then(
        args -> thrown.add(new AssertionError("no ack expected")),
        failure -> tryBlocking("awaitConnected in a failure callback", attempted, thrown,
            () -> socket.awaitConnected(5, TimeUnit.SECONDS)));
    socket.emit("echo", "x");

    long start = System.nanoTime();
    eventually().untilAsserted(() -> assertThat(thrown).hasSize(5));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("fail fast").isLessThan(4000);
    assertThat(attempted).containsExactlyInAnyOrder("awaitConnected in onConnect", "awaitEvent in on",
        "awaitEvent in onAny", "await in then", "awaitConnected in a failure callback");
    assertThat(thrown).allSatisfy(t -> assertThat(t).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("deadlock"));
    // The socket is unharmed, and a blocking call outside listeners works.
    assertThat(socket.emitWithAck("ack", "fine").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("fine");
  }

  /**
   * The default callback executor is a pool that grows when listeners stall it: a listener stuck on
   * each of several sockets (more than the pool's base size) does not hold up another socket's acks
   * and events, and each socket's own listeners still run one at a time, in order.
   */
  @Test void listenersStuckOnSomeSocketsDoNotDelayAnotherSocket() throws Exception {
    int stuck = Math.max(2, Runtime.getRuntime().availableProcessors()) + 1;
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch allStuck = new java.util.concurrent.CountDownLatch(stuck);
    cleanups.add(release::countDown);
    List<List<Object>> seen = new ArrayList<>();
    for (int i = 0; i < stuck; i++) {
      Socket slow = tether.socket(server.url(), SocketOptions.builder().forceNew(true).build());
      List<Object> echoes = new CopyOnWriteArrayList<>();
      seen.add(echoes);
      slow.on("echo", event -> {
        echoes.add(event.arg(0));
        if (echoes.size() == 1) {
          allStuck.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
      connected(slow);
      slow.emit("echo", "first");
      slow.emit("echo", "second");
    }
    assertThat(allStuck.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("every slow listener is stuck").isTrue();

    Socket other = tether.socket(server.url(), SocketOptions.builder().forceNew(true).build());
    List<Object> otherEchoes = recordEchoes(other);
    connected(other);
    java.util.concurrent.CountDownLatch acked = new java.util.concurrent.CountDownLatch(1);
    other.emitWithAck("ack", "fine").then(args -> acked.countDown(), failure -> { });
    other.emit("echo", "hello");

    assertThat(acked.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the other socket's ack callback ran").isTrue();
    eventually().untilAsserted(() -> assertThat(otherEchoes).containsExactly("hello"));
    assertThat(release.getCount()).as("while the slow listeners were still stuck").isEqualTo(1);
    for (List<Object> echoes : seen) assertThat(echoes).as("one socket's listeners run one at a time").containsExactly("first");

    release.countDown();
    for (List<Object> echoes : seen) {
      eventually().untilAsserted(() -> assertThat(echoes).containsExactly("first", "second"));
    }
  }

  private interface Blocking {
    void run() throws Exception;
  }

  private static void tryBlocking(String what, List<String> attempted, List<Throwable> thrown, Blocking call) {
    attempted.add(what);
    try {
      call.run();
      thrown.add(new AssertionError(what + " returned instead of failing"));
    } catch (Throwable t) {
      thrown.add(t);
    }
  }
}
