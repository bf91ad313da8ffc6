package dev.tether.internal.engine;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.DisconnectReason;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.engine.EngineSocket.State;
import dev.tether.internal.loop.FakeTaskScheduler;
import dev.tether.internal.loop.SerialExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import okhttp3.HttpUrl;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineSocket} with {@link EngineIoV3} over real HTTP against a scripted v3 polling server
 * (docs/protocol.md §22): the client-driven heartbeat on virtual time, and the v3 polling bodies in
 * both directions. Timers run on a {@link FakeTaskScheduler}; network I/O is awaited with deadlines.
 */
class EngineIoV3MockServerTest {
  private static final long INTERVAL = 25_000;
  private static final long TIMEOUT = 20_000;
  /** How long a check that something does NOT happen gives stray I/O to show up. */
  private static final long QUIET_MILLIS = 200;

  private final FakeTaskScheduler clock = new FakeTaskScheduler();
  private final MockEngineServer engine = new MockEngineServer();
  private final MockWebServer server = new MockWebServer();
  private final EngineRecorder recorder = new EngineRecorder();
  private TetherRuntime runtime;
  private SerialExecutor loop;
  private EngineSocket socket;

  @BeforeEach void start() throws IOException {
    String open = "0{\"sid\":\"" + MockEngineServer.SID + "\",\"upgrades\":[\"websocket\"],\"pingInterval\":"
        + INTERVAL + ",\"pingTimeout\":" + TIMEOUT + "}";
    engine.openBody = open.length() + ":" + open;
    engine.noopBody = "1:6";
    server.setDispatcher(engine);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    runtime = TetherRuntime.create(new TetherRuntime.Config().scheduler(clock));
    loop = runtime.newLoop("test");
  }

  @AfterEach void stop() throws IOException {
    try {
      assertThat(engine.maxPollsInFlight()).as("polls in flight at once").isLessThanOrEqualTo(1);
      assertThat(engine.maxPostsInFlight()).as("POSTs in flight at once").isLessThanOrEqualTo(1);
    } finally {
      engine.release();
      runtime.close();
      server.close();
    }
  }

  @Test void theHandshakeAsksForEio3AndAssumesTheDefaultMaxPayload() throws Exception {
    Handshake handshake = openSession();
    RecordedRequest request = engine.takeRequest();
    assertThat(request.getUrl().queryParameter("EIO")).isEqualTo("3");
    assertThat(handshake.maxPayload()).isEqualTo(EngineIoV3.DEFAULT_MAX_PAYLOAD);
  }

  @Test void theClientPingsEveryPingIntervalAndAPongKeepsTheSessionAlive() throws Exception {
    openSession();
    engine.takePoll(); // held

    advance(INTERVAL - 1);
    assertNoPost();
    advance(1);
    assertThat(body(engine.takePost())).isEqualTo("1:2");

    engine.respondToPoll("1:3");
    engine.takePoll(); // issued after the pong was handled on the loop
    advance(TIMEOUT); // the pong deadline passes: answered, nothing happens
    assertThat(state()).isEqualTo(State.OPEN);

    advance(INTERVAL - TIMEOUT); // a fixed cadence: the second ping at 2 × pingInterval
    assertThat(body(engine.takePost())).isEqualTo("1:2");
    engine.respondToPoll("1:3");
    engine.takePoll();
    advance(INTERVAL);
    assertThat(body(engine.takePost())).isEqualTo("1:2");
    assertThat(state()).isEqualTo(State.OPEN);
    recorder.assertNoMoreEvents();
  }

  @Test void aPingWithoutAPongWithinPingTimeoutClosesWithPingTimeout() throws Exception {
    openSession();
    engine.takePoll();
    advance(INTERVAL);
    assertThat(body(engine.takePost())).isEqualTo("1:2");
    drainLoop();

    advance(TIMEOUT - 1);
    assertThat(state()).isEqualTo(State.OPEN);
    assertThat(call(socket::isAlive)).isTrue();
    recorder.assertNoMoreEvents();

    advance(1);
    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.PING_TIMEOUT);
    assertThat(close.error).isNull();
  }

  @Test void messagesAreNoPongs() throws Exception {
    openSession();
    engine.takePoll();
    advance(INTERVAL);
    assertThat(body(engine.takePost())).isEqualTo("1:2");
    engine.respondToPoll("6:4hello");
    assertThat(recorder.awaitText()).isEqualTo("hello");

    advance(TIMEOUT);
    assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.PING_TIMEOUT);
  }

  @Test void aPingFromTheServerIsNeverAnsweredWithAPong() throws Exception {
    openSession();
    engine.takePoll();
    engine.respondToPoll("1:2");
    engine.takePoll();
    assertNoPost();
    assertThat(state()).isEqualTo(State.OPEN);
  }

  @Test void outgoingPacketsAreLengthPrefixedTextWithBinaryAsB4Base64() throws Exception {
    openSession();
    engine.takePoll();
    onLoop(() -> socket.sendAll(java.util.Arrays.asList(
        EnginePacket.message("2[\"echo\",\"é€😀\"]"), EnginePacket.binary(new byte[] {1, 2, 3, 4})), null));
    RecordedRequest post = engine.takePost();
    assertThat(post.getHeaders().get("Content-Type")).startsWith("text/plain");
    assertThat(body(post)).isEqualTo("17:42[\"echo\",\"é€😀\"]10:b4AQIDBA==");
  }

  @Test void aPollAnsweredWithABinaryPayloadDeliversTextAndBinaryInOrder() throws Exception {
    openSession();
    engine.takePoll();
    engine.respondToPoll(new MockResponse.Builder().setHeader("Content-Type", "application/octet-stream")
        .body(new Buffer().write(ByteString.decodeHex("0004ff34e282ac0105ff0401020304"))).build());
    assertThat(recorder.awaitText()).isEqualTo("€");
    assertThat(recorder.awaitMessage().binary().toByteArray()).containsExactly(1, 2, 3, 4);
  }

  @Test void aServerCloseInAPollEndsTheSession() throws Exception {
    openSession();
    engine.takePoll();
    engine.respondToPoll("1:61:1");
    assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
  }

  @Test void aV4BodyClosesWithAProtocolError() throws Exception {
    openSession();
    engine.takePoll();
    engine.respondToPoll("4a\u001e4b");
    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    assertThat(close.error).isNotNull();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Handshake openSession() {
    HttpUrl url = server.url("/").newBuilder().host("127.0.0.1").build();
    socket = new EngineSocket(EngineOptions.builder(url).transports(true, false).protocol(EngineIoV3.INSTANCE).build(),
        loop, runtime, recorder);
    onLoop(socket::open);
    Handshake handshake = recorder.awaitOpen();
    assertThat(handshake.sid()).isEqualTo(MockEngineServer.SID);
    assertThat(handshake.pingIntervalMillis()).isEqualTo(INTERVAL);
    return handshake;
  }

  private static String body(RecordedRequest request) {
    return request.getBody().utf8();
  }

  private void assertNoPost() throws InterruptedException {
    drainLoop();
    int before = engine.count(MockEngineServer.Kind.POST);
    await().during(QUIET_MILLIS, MILLISECONDS).atMost(QUIET_MILLIS + 5_000, MILLISECONDS)
        .untilAsserted(() -> assertThat(engine.count(MockEngineServer.Kind.POST)).isEqualTo(before));
  }

  private State state() {
    return call(socket::state);
  }

  private void onLoop(EngineTestSupport.ThrowingRunnable action) {
    EngineTestSupport.onLoop(loop, action);
  }

  private <T> T call(Callable<T> action) {
    return EngineTestSupport.call(loop, action);
  }

  private void drainLoop() {
    onLoop(() -> { });
  }

  private void advance(long millis) {
    clock.advanceBy(millis, MILLISECONDS);
  }
}
