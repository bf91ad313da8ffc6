package dev.tether.internal.engine;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.loop.FakeTaskScheduler;
import dev.tether.internal.loop.SerialExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The session's write queue as the layer above sees it: a window with room or not, the tags of the
 * units handed to the transport or left unsent when the session ends, and the stall watch that ends a
 * session whose server stops taking data. Against a scripted server ({@link MockEngineServer}) that
 * can hold a POST open, with timers on a {@link FakeTaskScheduler}.
 */
class EngineWriteQueueTest {
  /** The scripted handshake's ping interval plus ping timeout. */
  private static final long HEARTBEAT_MILLIS = 45_000;
  private static final long STALL_MILLIS = HEARTBEAT_MILLIS + EngineSocket.STALL_GRACE_MILLIS;

  private final FakeTaskScheduler clock = new FakeTaskScheduler();
  private final MockEngineServer engine = new MockEngineServer();
  private final MockWebServer server = new MockWebServer();
  private final EngineRecorder recorder = new EngineRecorder();
  private TetherRuntime runtime;
  private SerialExecutor loop;
  private EngineSocket socket;

  @BeforeEach void start() throws IOException {
    server.setDispatcher(engine);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    runtime = TetherRuntime.create(new TetherRuntime.Config().scheduler(clock));
    loop = runtime.newLoop("test");
    EngineOptions options = EngineOptions.builder(server.url("/").newBuilder().host("127.0.0.1").build())
        .transports(true, false).build();
    socket = new EngineSocket(options, loop, runtime, recorder);
    EngineTestSupport.onLoop(loop, socket::open);
    recorder.awaitOpen();
  }

  @AfterEach void stop() throws IOException {
    engine.release();
    runtime.close();
    server.close();
  }

  @Test void unitsHandedToTheTransportAreReportedWrittenAndTheRestUnsentWhenTheSessionEnds() throws Exception {
    engine.takePoll();
    MockEngineServer.Hold post = engine.holdPost();
    send("a", "tag-a");
    post.awaitArrival();
    send("b", "tag-b");
    EngineTestSupport.onLoop(loop, () -> socket.sendAll(Arrays.asList(
        EnginePacket.message("c"), EnginePacket.binary(new byte[] {1, 2})), "tag-c"));
    send("untagged", null);

    engine.respondToPoll("1"); // the server closes the session while b and c wait behind the POST

    assertThat(next("written")).isEqualTo(Collections.singletonList("tag-a"));
    assertThat(next("unsent")).as("the units never handed over, oldest first")
        .isEqualTo(Arrays.asList("tag-b", "tag-c"));
    assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
  }

  @Test void theWindowFillsAndOnWritableFollowsWhenItHasDrainedToHalf() throws Exception {
    engine.takePoll();
    MockEngineServer.Hold post = engine.holdPost();
    String chunk = repeat('x', 300_000);
    send(chunk, null); // in flight, held: no longer in the queue
    post.awaitArrival();
    for (int i = 0; i < 3; i++) send(chunk, null);
    assertThat(EngineTestSupport.call(loop, socket::hasRoom)).as("900 KB waiting").isTrue();
    send(chunk, null);
    assertThat(EngineTestSupport.call(loop, socket::hasRoom)).as("1.2 MB waiting").isFalse();
    assertThat(EngineTestSupport.call(loop, socket::bufferedBytes)).isGreaterThan(WriteQueue.WINDOW_BYTES);

    post.release(MockEngineServer.ok()); // the next batch takes three chunks; 300 KB stay

    assertThat(recorder.next().kind).isEqualTo("writable");
    assertThat(EngineTestSupport.call(loop, socket::hasRoom)).isTrue();
  }

  @Test void aPostTheServerNeverAnswersEndsTheSessionOnceTheHeartbeatBudgetHasPassed() throws Exception {
    engine.takePoll();
    MockEngineServer.Hold post = engine.holdPost();
    send("held", null);
    post.awaitArrival();
    send("waiting", null);

    // The server stays alive (it pings, and its pings are answered into the queue) but takes no data.
    clock.advanceBy(25_000, MILLISECONDS);
    engine.respondToPoll("2");
    recorder.awaitPings(1);
    clock.advanceBy(STALL_MILLIS - 25_000 - 1, MILLISECONDS);
    EngineTestSupport.onLoop(loop, () -> { });
    assertThat(EngineTestSupport.call(loop, socket::state)).isEqualTo(EngineSocket.State.OPEN);

    clock.advanceBy(1, MILLISECONDS);

    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    TransportException error = close.error;
    assertThat(error.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(error).hasMessageContaining("completed for " + STALL_MILLIS + " ms")
        .hasMessageContaining("the server is not taking data");
  }

  @Test void aSlowButAnsweredPostDoesNotCountAsAStall() throws Exception {
    engine.takePoll();
    MockEngineServer.Hold first = engine.holdPost();
    send("one", null);
    first.awaitArrival();
    MockEngineServer.Hold second = engine.holdPost();
    send("two", null);

    clock.advanceBy(25_000, MILLISECONDS); // keep the heartbeat alive meanwhile
    engine.respondToPoll("2");
    recorder.awaitPings(1);
    clock.advanceBy(STALL_MILLIS - 25_000 - 10, MILLISECONDS);
    first.release(MockEngineServer.ok()); // progress, just before the deadline
    second.awaitArrival();
    clock.advanceBy(20, MILLISECONDS);
    EngineTestSupport.onLoop(loop, () -> { });

    assertThat(EngineTestSupport.call(loop, socket::state)).as("one POST answered in time")
        .isEqualTo(EngineSocket.State.OPEN);
    second.release(MockEngineServer.ok());
  }

  private void send(String text, Object tag) {
    EngineTestSupport.onLoop(loop, () -> socket.sendAll(Collections.singletonList(EnginePacket.message(text)), tag));
  }

  @SuppressWarnings("unchecked")
  private List<Object> next(String kind) {
    EngineRecorder.Event event = recorder.next();
    assertThat(event.kind).as("%s", event).isEqualTo(kind);
    return (List<Object>) event.value;
  }

  private static String repeat(char c, int n) {
    char[] chars = new char[n];
    Arrays.fill(chars, c);
    return new String(chars);
  }
}
