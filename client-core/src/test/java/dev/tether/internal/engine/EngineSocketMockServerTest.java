package dev.tether.internal.engine;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.engine.EngineSocket.State;
import dev.tether.internal.engine.MockEngineServer.Hold;
import dev.tether.internal.loop.FakeTaskScheduler;
import dev.tether.internal.loop.SerialExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import okio.BufferedSink;
import okio.GzipSink;
import okio.Okio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives {@link EngineSocket} over real HTTP against a scripted Engine.IO v4 server
 * ({@link MockEngineServer} on a MockWebServer), for the transport edge cases a real server does not
 * produce on demand. Timers run on a {@link FakeTaskScheduler}: they fire only when a test advances
 * the clock; network I/O runs on real threads and is awaited through {@link EngineRecorder} and
 * {@link MockEngineServer}, which both have deadlines.
 */
class EngineSocketMockServerTest {
  private static final byte SEPARATOR = 0x1e;
  private static final String RS = "\u001e";
  /** 25 000 + 20 000: the default heartbeat deadline of the scripted handshake. */
  private static final long HEARTBEAT_MILLIS = 45_000;
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
    server.setDispatcher(engine);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    runtime = TetherRuntime.create(new TetherRuntime.Config().scheduler(clock));
    loop = runtime.newLoop("test");
  }

  @AfterEach void stop() throws IOException {
    try {
      // docs/protocol.md §5: a second concurrent GET or POST makes a real server destroy the session.
      assertThat(engine.maxPollsInFlight()).as("polls in flight at once").isLessThanOrEqualTo(1);
      assertThat(engine.maxPostsInFlight()).as("POSTs in flight at once").isLessThanOrEqualTo(1);
    } finally {
      engine.release();
      runtime.close();
      server.close();
    }
  }

  // ---- 1. request shape ------------------------------------------------------------------------

  @Test void handshakeIsAGetToSocketIoPathWithEio4PollingAndACacheBusterButNoSid() throws Exception {
    open(EngineOptions.builder(url("/?token=secret123")).extraHeaders(Headers.of("X-Test", "1")).transports(true, false).build());

    RecordedRequest handshake = engine.takeRequest();
    assertThat(handshake.getMethod()).isEqualTo("GET");
    HttpUrl url = handshake.getUrl();
    assertThat(url.encodedPath()).isEqualTo("/socket.io/");
    assertThat(url.queryParameter("EIO")).isEqualTo("4");
    assertThat(url.queryParameter("transport")).isEqualTo("polling");
    assertThat(url.queryParameter("t")).isNotEmpty();
    assertThat(url.queryParameterNames()).doesNotContain("sid");
    assertThat(url.queryParameter("token")).isEqualTo("secret123");
    assertThat(handshake.getHeaders().get("X-Test")).isEqualTo("1");
    recorder.awaitOpen();
  }

  @Test void everyLaterRequestCarriesTheSidUserQueryExtraHeadersAndAFreshCacheBuster() throws Exception {
    openSession(EngineOptions.builder(url("/?token=secret123"))
        .extraHeaders(Headers.of("X-Test", "1")).transports(true, false).build());
    send(EnginePacket.message("hi")); // the only POST in flight: answered ok at once
    engine.respondToPoll("6");        // first poll returns, the next one is held

    List<RecordedRequest> requests = new ArrayList<>();
    for (int i = 0; i < 4; i++) requests.add(engine.takeRequest());

    Set<String> cacheBusters = new HashSet<>();
    for (RecordedRequest request : requests) {
      HttpUrl url = request.getUrl();
      assertThat(url.encodedPath()).as("path of %s", request).isEqualTo("/socket.io/");
      assertThat(url.queryParameter("EIO")).as("EIO of %s", request).isEqualTo("4");
      assertThat(url.queryParameter("transport")).as("transport of %s", request).isEqualTo("polling");
      assertThat(url.queryParameter("token")).as("user query of %s", request).isEqualTo("secret123");
      assertThat(url.queryParameterValues("token")).as("user query of %s", request).hasSize(1);
      assertThat(request.getHeaders().get("X-Test")).as("extra header of %s", request).isEqualTo("1");
      String t = url.queryParameter("t");
      assertThat(t).as("cache buster of %s", request).isNotEmpty();
      cacheBusters.add(t);
    }
    assertThat(cacheBusters).as("every t differs").hasSize(4);
    assertThat(requests.get(0).getUrl().queryParameter("sid")).isNull();
    for (RecordedRequest later : requests.subList(1, 4)) {
      assertThat(later.getUrl().queryParameter("sid")).as("sid of %s", later).isEqualTo("abc");
    }
    assertThat(engine.count(MockEngineServer.Kind.POST)).isEqualTo(1);
    assertThat(engine.count(MockEngineServer.Kind.POLL)).isEqualTo(2);
  }

  // ---- 2. POST bodies --------------------------------------------------------------------------

  @Test void aPostBodyIsUtf8TextPlainNeverOctetStream() throws Exception {
    openSession();
    send(EnginePacket.message("héllo €"));

    RecordedRequest post = engine.takePost();
    assertThat(post.getMethod()).isEqualTo("POST");
    assertThat(post.getHeaders().get("Content-Type")).isEqualTo("text/plain;charset=UTF-8");
    assertThat(post.getBody().toByteArray())
        .isEqualTo("4héllo €".getBytes(StandardCharsets.UTF_8));
  }

  @Test void aBinaryMessageIsPostedAsBBase64TextWithoutTheMessageTypePrefix() throws Exception {
    openSession();
    send(EnginePacket.binary(new byte[] {1, 2, 3, 4}));

    RecordedRequest post = engine.takePost();
    assertThat(post.getHeaders().get("Content-Type")).isEqualTo("text/plain;charset=UTF-8");
    assertThat(post.getBody().utf8()).isEqualTo("bAQIDBA==");
  }

  @Test void aBatchMixingTextAndBinaryIsOneTextBodyWithBase64Items() throws Exception {
    openSession();
    engine.takePoll();
    Hold first = engine.holdPost();
    send(EnginePacket.message("first"));
    first.awaitArrival();
    onLoop(() -> {
      socket.send(EnginePacket.message("€"));
      socket.send(EnginePacket.binary(new byte[] {1, 2, 3, 4}));
    });
    first.release(MockEngineServer.ok());

    engine.takePost(); // "first"
    RecordedRequest batch = engine.takePost();
    assertThat(batch.getHeaders().get("Content-Type")).isEqualTo("text/plain;charset=UTF-8");
    assertThat(batch.getBody().toByteArray())
        .isEqualTo(("4€" + RS + "bAQIDBA==").getBytes(StandardCharsets.UTF_8));
  }

  @Test void binaryAndTextMessagesInOnePollAreDeliveredInOrder() throws Exception {
    openSession();
    engine.respondToPoll("bAQIDBA==" + RS + "4h€llo");

    EnginePacket binary = recorder.awaitMessage();
    assertThat(binary.isBinary()).isTrue();
    assertThat(binary.binary().toByteArray()).containsExactly(1, 2, 3, 4);
    assertThat(recorder.awaitText()).isEqualTo("h€llo");
  }

  @Test void theHandshakePayloadMayCarryMessagesAfterTheOpenPacket() throws Exception {
    engine.respondToHandshake(MockEngineServer.payload(engine.openBody + RS + "4hello"));
    open(options().build());

    assertThat(recorder.awaitOpen().sid()).isEqualTo("abc");
    assertThat(recorder.awaitText()).isEqualTo("hello");
  }

  // ---- 3. heartbeat ----------------------------------------------------------------------------

  @Test void withoutAPingTheSessionDiesExactlyAtPingIntervalPlusPingTimeout() throws Exception {
    Handshake handshake = openSession();
    assertThat(handshake.pingIntervalMillis() + handshake.pingTimeoutMillis()).isEqualTo(HEARTBEAT_MILLIS);
    engine.takePoll();

    advance(HEARTBEAT_MILLIS - 1);
    assertThat(state()).isEqualTo(State.OPEN);
    recorder.assertNoMoreEvents();

    advance(1);
    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.PING_TIMEOUT);
    assertThat(close.error).isNull();
    assertThat(engine.count(MockEngineServer.Kind.POST)).as("the client never pings in v4").isZero();
  }

  @Test void aPingInAPollIsAnsweredWithAPongPostAndRearmsTheDeadline() throws Exception {
    openSession();
    engine.takePoll();
    advance(30_000);

    engine.respondToPoll("2");
    RecordedRequest pong = engine.takePost();
    assertThat(pong.getBody().utf8()).isEqualTo("3");
    drainLoop(); // the pong and the re-arming happen in the same loop task

    advance(HEARTBEAT_MILLIS - 1); // well past the original deadline at 45 s
    assertThat(state()).isEqualTo(State.OPEN);
    recorder.assertNoMoreEvents();

    advance(1);
    assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.PING_TIMEOUT);
  }

  @Test
  void aHandshakeWithAHugePingIntervalStillEndsInExactlyOneCallback() throws Exception {
    // 2^31 ms and more does not fit OkHttp's read timeout (an int of milliseconds).
    engine.openBody = MockEngineServer.openPacket(2_000_000_000L, 2_000_000_000L, 1_000_000);
    open(options().build());

    EngineRecorder.Event event = recorder.next();
    if (event.kind.equals("open")) {
      engine.takePoll(); // the session works
      onLoop(socket::close);
      assertThat(engine.takePost().getBody().utf8()).isEqualTo("1");
      assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    } else {
      assertThat(event.kind).as("%s", event).isEqualTo("openFailed");
      assertThat(event.error.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
    }
  }

  // ---- 4. handshake timeout --------------------------------------------------------------------

  @Test void aHandshakeThatNeverAnswersFailsWithTimeoutAfterTwentySecondsByDefault() throws Exception {
    Hold handshake = engine.holdHandshake();
    open(options().build());
    handshake.awaitArrival();

    advance(19_999);
    assertThat(state()).isEqualTo(State.OPENING);
    recorder.assertNoMoreEvents();

    advance(1);
    TransportException error = recorder.awaitOpenFailed();
    assertThat(error.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(state()).isEqualTo(State.CLOSED);
  }

  @Test void theHandshakeTimeoutIsConfigurableAndALateHandshakeIsIgnored() throws Exception {
    Hold handshake = engine.holdHandshake();
    open(options().handshakeTimeout(3, TimeUnit.SECONDS).build());
    handshake.awaitArrival();

    advance(2_999);
    recorder.assertNoMoreEvents();
    advance(1);
    assertThat(recorder.awaitOpenFailed().kind()).isEqualTo(Kind.TIMEOUT);

    handshake.release(MockEngineServer.payload(engine.openBody));
    assertQuiet();
    assertThat(engine.count(MockEngineServer.Kind.POLL)).isZero();
  }

  // ---- 5./6. HTTP errors -----------------------------------------------------------------------

  @Test void aPollAnsweredSessionIdUnknownClosesWithTransportErrorSessionUnknown() throws Exception {
    openSession(EngineOptions.builder(url("/?token=secret123")).transports(true, false).build());
    engine.respondToPoll(MockEngineServer.status(400, "{\"code\":1,\"message\":\"Session ID unknown\"}"));

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.SESSION_UNKNOWN);
    assertThat(error.httpStatus()).isEqualTo(400);
    assertThat(error.serverMessage()).isEqualTo("Session ID unknown");
    assertThat(error.getMessage()).as("redacted").doesNotContain("secret123").doesNotContain("sid=");
  }

  @Test void aPollAnsweredBadRequestWithAnotherCodeClosesWithBadRequest() throws Exception {
    openSession();
    engine.respondToPoll(MockEngineServer.status(400, "{\"code\":3,\"message\":\"Bad request\"}"));

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.BAD_REQUEST);
    assertThat(error.serverMessage()).isEqualTo("Bad request");
  }

  @Test void aPostAnswered413ClosesWithPayloadTooLarge() throws Exception {
    openSession();
    engine.respondToPost(MockEngineServer.status(413, ""));
    send(EnginePacket.message("too big for this server"));

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.PAYLOAD_TOO_LARGE);
    assertThat(error.httpStatus()).isEqualTo(413);
  }

  @Test void aPollAnswered500ClosesWithServerError() throws Exception {
    openSession();
    engine.respondToPoll(MockEngineServer.status(500, ""));

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.SERVER_ERROR);
    assertThat(error.httpStatus()).isEqualTo(500);
  }

  @Test void aPostAnswered503ClosesWithServerError() throws Exception {
    openSession();
    engine.respondToPost(new MockResponse.Builder().code(503).body("<html>Service Unavailable</html>").build());
    send(EnginePacket.message("x"));

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.SERVER_ERROR);
    assertThat(error.httpStatus()).isEqualTo(503);
    assertThat(error.serverMessage()).isEqualTo("<html>Service Unavailable</html>");
  }

  @Test void aHandshakeAnswered403FailsToOpenWithForbidden() throws Exception {
    engine.respondToHandshake(MockEngineServer.status(403, "{\"code\":4,\"message\":\"Forbidden\"}"));
    open(options().build());

    TransportException error = recorder.awaitOpenFailed();
    assertThat(error.kind()).isEqualTo(Kind.FORBIDDEN);
    assertThat(error.httpStatus()).isEqualTo(403);
    assertThat(error.serverMessage()).isEqualTo("Forbidden");
    assertQuiet();
    assertThat(engine.log()).hasSize(1);
  }

  @Test void aHandshakeAnswered404FailsToOpenWithHttpError() throws Exception {
    engine.respondToHandshake(new MockResponse.Builder().code(404).body("Cannot GET /socket.io/").build());
    open(options().build());

    TransportException error = recorder.awaitOpenFailed();
    assertThat(error.kind()).isEqualTo(Kind.HTTP_ERROR);
    assertThat(error.httpStatus()).isEqualTo(404);
    assertThat(error.serverMessage()).isEqualTo("Cannot GET /socket.io/");
  }

  @Test void aHandshakeAnsweredUnsupportedProtocolVersionFailsToOpenWithBadRequest() throws Exception {
    engine.respondToHandshake(
        MockEngineServer.status(400, "{\"code\":5,\"message\":\"Unsupported protocol version\"}"));
    open(options().build());

    TransportException error = recorder.awaitOpenFailed();
    assertThat(error.kind()).isEqualTo(Kind.BAD_REQUEST);
    assertThat(error.serverMessage()).isEqualTo("Unsupported protocol version");
  }

  @Test void aHugeNonJsonErrorBodyIsReadBoundedAndKeptAsAShortExcerpt() throws Exception {
    StringBuilder html = new StringBuilder();
    while (html.length() < 100_000) html.append("<p>proxy error</p>");
    engine.respondToHandshake(new MockResponse.Builder().code(502).body(html.toString()).build());
    open(options().build());

    TransportException error = recorder.awaitOpenFailed();
    assertThat(error.kind()).isEqualTo(Kind.SERVER_ERROR);
    assertThat(error.serverMessage()).startsWith("<p>proxy error</p>").hasSizeLessThanOrEqualTo(201);
  }

  @Test
  void aOneWordPlainTextErrorBodyIsKeptAsTheServerMessage() throws Exception {
    engine.respondToHandshake(new MockResponse.Builder().code(403)
        .setHeader("Content-Type", "text/plain; charset=utf-8").body("Forbidden\n").build());
    open(options().build());

    TransportException error = recorder.awaitOpenFailed();
    assertThat(error.kind()).isEqualTo(Kind.FORBIDDEN);
    assertThat(error.serverMessage()).isEqualTo("Forbidden");
  }

  @Test void aGzipCompressedPollIsDecompressed() throws Exception {
    openSession();
    StringBuilder text = new StringBuilder();
    while (text.length() < 4096) text.append("€ compressible ");
    Buffer gzipped = new Buffer();
    try (BufferedSink sink = Okio.buffer(new GzipSink(gzipped))) {
      sink.writeUtf8("4" + text);
    }
    engine.respondToPoll(new MockResponse.Builder().setHeader("Content-Type", "text/plain; charset=UTF-8")
        .setHeader("Content-Encoding", "gzip").body(gzipped).build());

    assertThat(recorder.awaitText()).isEqualTo(text.toString());
  }

  // ---- 7. garbage ------------------------------------------------------------------------------

  @ParameterizedTest(name = "handshake body [{0}] fails to open with PROTOCOL_ERROR")
  @ValueSource(strings = {
      "hello",
      "0not-json",
      "0[1,2]",
      "0{\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}",
      "0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":-1,\"pingTimeout\":20000,\"maxPayload\":1000000}",
      "0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000,\"maxPayload\":1000000}",
      "0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":\"20000\"}",
      "0",
      "4hello",
      "6",
      "",
  })
  void aGarbageHandshakeFailsToOpenWithProtocolError(String body) throws Exception {
    engine.respondToHandshake(MockEngineServer.payload(body));
    open(options().build());

    TransportException error = recorder.awaitOpenFailed();
    assertThat(error.kind()).as("%s", error).isEqualTo(Kind.PROTOCOL_ERROR);
    assertThat(state()).isEqualTo(State.CLOSED);
    assertQuiet();
    assertThat(engine.log()).as("no poll after a failed handshake").hasSize(1);
  }

  @ParameterizedTest(name = "poll body [{0}] closes with TRANSPORT_ERROR / PROTOCOL_ERROR")
  @ValueSource(strings = {"7", "", "4a" + RS, RS + "4a", "x", "b!!notbase64"})
  void aGarbagePollClosesWithTransportErrorProtocolError(String body) throws Exception {
    openSession();
    engine.respondToPoll(body);

    TransportException error = awaitTransportError();
    assertThat(error.kind()).as("%s", error).isEqualTo(Kind.PROTOCOL_ERROR);
  }

  @Test void aSecondOpenPacketFromTheServerClosesWithProtocolError() throws Exception {
    openSession();
    engine.respondToPoll(engine.openBody);

    assertThat(awaitTransportError().kind()).isEqualTo(Kind.PROTOCOL_ERROR);
  }

  @Test void anUpgradePacketFromTheServerClosesWithProtocolError() throws Exception {
    openSession();
    engine.respondToPoll("5");

    assertThat(awaitTransportError().kind()).isEqualTo(Kind.PROTOCOL_ERROR);
  }

  @Test void aGarbagePacketAmidMessagesClosesTheSessionAndNothingAfterItIsDelivered() throws Exception {
    openSession();
    engine.respondToPoll("4first" + RS + "9oops" + RS + "4never");

    // Whether "first" is delivered before the error is not pinned down (the JS client delivers it,
    // Tether rejects the whole payload); "never" must not be.
    List<EngineRecorder.Event> events = new ArrayList<>();
    EngineRecorder.Event event;
    do {
      event = recorder.next();
      events.add(event);
    } while (!event.kind.equals("close"));
    assertThat(event.value).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    assertThat(event.error.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
    for (EngineRecorder.Event e : events) {
      if (e.kind.equals("message")) assertThat(((EnginePacket) e.value).text()).isEqualTo("first");
    }
  }

  // ---- 8./9. network failures ------------------------------------------------------------------

  @Test void aPollWhoseConnectionIsCutClosesWithConnectionLost() throws Exception {
    openSession();
    engine.respondToPoll(MockEngineServer.disconnectAfterRequest());

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.CONNECTION_LOST);
    assertThat(error.httpStatus()).isNull();
  }

  @Test
  void aPollWhoseConnectionIsCutIsNotSilentlyRetried() throws Exception {
    openSession();
    engine.respondToPoll(MockEngineServer.disconnectAfterRequest());
    engine.respondToPoll(MockEngineServer.payload("4retried"));

    EngineRecorder.Event event = recorder.next();
    assertThat(event.kind).as("%s", event).isEqualTo("close");
    assertThat(event.error.kind()).isEqualTo(Kind.CONNECTION_LOST);
    assertThat(engine.count(MockEngineServer.Kind.POLL)).isEqualTo(1);
  }

  @Test
  void aPostWhoseConnectionIsCutAfterTheServerReadItIsNotSentTwice() throws Exception {
    openSession();
    engine.takePoll();
    Hold first = engine.holdPost();
    engine.respondToPost(MockEngineServer.disconnectAfterRequest());
    engine.respondToPost(MockEngineServer.disconnectAfterRequest()); // for a retry, if any
    onLoop(() -> {
      socket.send(EnginePacket.message("one"));
      socket.send(EnginePacket.message("two"));
    });
    first.awaitArrival();
    first.release(MockEngineServer.ok());
    assertThat(items(engine.takePost())).containsExactly("4one");
    assertThat(items(engine.takePost())).containsExactly("4two"); // over the pooled connection

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.CONNECTION_LOST);
    assertQuiet();
    assertThat(engine.count(MockEngineServer.Kind.POST)).as("\"two\" reached the server once").isEqualTo(2);
  }

  @Test void aPollWhoseBodyIsCutMidwayClosesWithConnectionLost() throws Exception {
    openSession();
    StringBuilder text = new StringBuilder();
    while (text.length() < 100_000) text.append("0123456789");
    engine.respondToPoll(MockEngineServer.payload("4" + text)
        .newBuilder().onResponseBody(new SocketEffect.CloseSocket()).build()); // cut during the body

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.CONNECTION_LOST);
  }

  @Test void aHandshakeWhoseConnectionIsCutFailsToOpenWithConnectionLost() throws Exception {
    engine.respondToHandshake(MockEngineServer.disconnectAfterRequest());
    open(options().build());

    TransportException error = recorder.awaitOpenFailed();
    assertThat(error.kind()).isEqualTo(Kind.CONNECTION_LOST);
  }

  @Test void aPortWhereNothingListensFailsToOpenWithConnectFailedQuickly() throws Exception {
    MockWebServer gone = new MockWebServer();
    gone.start(InetAddress.getByName("127.0.0.1"), 0);
    HttpUrl deadUrl = gone.url("/").newBuilder().host("127.0.0.1").build();
    gone.close();

    long start = System.nanoTime();
    open(EngineOptions.builder(deadUrl).transports(true, false).build());
    TransportException error = recorder.awaitOpenFailed();
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(error.kind()).as("%s", error).isEqualTo(Kind.CONNECT_FAILED);
    assertThat(elapsedMillis).as("refused, not timed out").isLessThan(5_000);
  }

  @Test void aPollHeldPastPingIntervalPlusPingTimeoutFailsWithTimeout() throws Exception {
    // The poll's HTTP read timeout is pingInterval + pingTimeout of real time: keep it short.
    engine.openBody = MockEngineServer.openPacket(300, 200, 1_000_000);
    openSession();
    engine.takePoll(); // held, never answered

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.TIMEOUT);
  }

  // ---- 10. server close ------------------------------------------------------------------------

  @Test void aClosePacketInAPollClosesWithTransportClose() throws Exception {
    openSession();
    engine.respondToPoll("1");

    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(close.error).isNull();
    assertQuiet();
    assertThat(engine.count(MockEngineServer.Kind.POLL)).as("no poll after the close").isEqualTo(1);
  }

  @Test void aNoopThenCloseInAPollClosesWithTransportClose() throws Exception {
    openSession();
    engine.respondToPoll("6" + RS + "1");

    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(close.error).isNull();
  }

  @Test void messagesBeforeTheServerCloseAreDeliveredAndNothingAfterIt() throws Exception {
    openSession();
    engine.respondToPoll("41" + RS + "6" + RS + "1" + RS + "4ghost");

    assertThat(recorder.awaitText()).isEqualTo("1");
    assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    assertQuiet();
  }

  // ---- 11. client close ------------------------------------------------------------------------

  @Test void closeWithNothingBufferedPostsExactlyOneAndReportsClientDisconnectOnceAcknowledged() throws Exception {
    openSession();
    engine.takePoll();
    onLoop(socket::close);

    RecordedRequest post = engine.takePost();
    assertThat(post.getBody().utf8()).isEqualTo("1");
    EngineRecorder.Event close = recorder.awaitClose(); // no clock advance: not the close timeout
    assertThat(close.value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    assertThat(close.error).isNull();
    assertQuiet();
    assertThat(last(engine.log())).isSameAs(post);
  }

  @Test void closeWaitsForThePostInFlightBeforeWritingTheClosePacket() throws Exception {
    openSession();
    engine.takePoll();
    Hold first = engine.holdPost();
    onLoop(() -> {
      socket.send(EnginePacket.message("m1"));
      socket.send(EnginePacket.message("m2"));
      socket.close();
    });

    assertThat(items(first.awaitArrival())).containsExactly("4m1");
    assertThat(state()).isEqualTo(State.CLOSING);
    assertThat(call(socket::bufferedPackets)).as("m2 and the close packet").isEqualTo(2);
    assertQuiet();
    assertThat(engine.count(MockEngineServer.Kind.POST)).isEqualTo(1);
  }

  @Test void closeDrainsBufferedMessagesBeforeTheClosePacketAndNothingFollowsIt() throws Exception {
    openSession();
    engine.takePoll();
    Hold first = engine.holdPost();
    onLoop(() -> {
      socket.send(EnginePacket.message("m1"));
      socket.send(EnginePacket.message("m2"));
      socket.close();
    });
    first.awaitArrival();
    first.release(MockEngineServer.ok());

    EngineRecorder.Event close = recorder.awaitClose(); // no clock advance: not the close timeout
    assertThat(close.value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    assertThat(close.error).isNull();
    assertQuiet();

    List<String> written = new ArrayList<>();
    List<RecordedRequest> posts = new ArrayList<>();
    for (RecordedRequest request : engine.log()) {
      if (MockEngineServer.kindOf(request) == MockEngineServer.Kind.POST) {
        posts.add(request);
        written.addAll(items(request));
      }
    }
    // The close packet is the last thing written, after both messages, in order. (It may share the
    // last POST with m2; engine.io processes a payload's packets in order, the close last.)
    assertThat(written).containsExactly("4m1", "4m2", "1");
    assertThat(last(engine.log())).as("nothing after the close POST").isSameAs(last(posts));
  }

  @Test void closeGivesUpAfterTheCloseTimeoutWhenTheServerNeverAcknowledges() throws Exception {
    openSession(options().closeTimeout(2, TimeUnit.SECONDS).build());
    engine.takePoll();
    Hold closePost = engine.holdPost();
    onLoop(socket::close);
    assertThat(closePost.awaitArrival().getBody().utf8()).isEqualTo("1");

    advance(1_999);
    assertThat(state()).isEqualTo(State.CLOSING);
    recorder.assertNoMoreEvents();
    advance(1);
    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    assertThat(close.error).isNull();
  }

  @Test void closeWhileOpeningReportsClientDisconnectAndIgnoresTheLateHandshake() throws Exception {
    Hold handshake = engine.holdHandshake();
    open(options().build());
    handshake.awaitArrival();

    onLoop(socket::close);
    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    assertThat(close.error).isNull();

    handshake.release(MockEngineServer.payload(engine.openBody));
    advance(60_000);
    assertQuiet();
    assertThat(engine.log()).hasSize(1);
  }

  @Test void aServerErrorWhileClosingStillReportsClientDisconnect() throws Exception {
    openSession();
    engine.takePoll();
    engine.respondToPost(MockEngineServer.status(400, "{\"code\":1,\"message\":\"Session ID unknown\"}"));
    onLoop(socket::close);

    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    assertThat(close.error).isNull();
  }

  // ---- 12. batching and maxPayload -------------------------------------------------------------

  @Test void bufferedMessagesAreBatchedIntoPostsOfAtMostMaxPayloadUtf8BytesInOrder() throws Exception {
    engine.openBody = MockEngineServer.openPacket(25_000, 20_000, 100);
    openSession();
    engine.takePoll();
    Hold first = engine.holdPost();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) sent.add(thirtyByteMessage(i));
    onLoop(() -> {
      for (String text : sent) socket.send(EnginePacket.message(text));
    });
    assertThat(items(first.awaitArrival())).containsExactly("4" + sent.get(0));
    first.release(MockEngineServer.ok());

    List<RecordedRequest> posts = new ArrayList<>();
    List<String> received = new ArrayList<>();
    while (received.size() < 10) {
      RecordedRequest post = engine.takePost();
      posts.add(post);
      assertThat(post.getBodySize()).as("body of POST %s", posts.size()).isLessThanOrEqualTo(100);
      received.addAll(items(post));
    }
    List<String> expected = new ArrayList<>();
    for (String text : sent) expected.add("4" + text);
    assertThat(received).containsExactlyElementsOf(expected);
    // 30 + 31 + 31 = 92 bytes fit, a fourth (123) does not: counted in UTF-8 bytes, not in chars.
    assertThat(posts).hasSize(4);
    for (RecordedRequest post : posts.subList(1, 4)) assertThat(items(post)).hasSize(3);
  }

  @Test void aSinglePacketLargerThanMaxPayloadIsRejectedAndNothingOfItIsSent() throws Exception {
    engine.openBody = MockEngineServer.openPacket(25_000, 20_000, 100);
    openSession();
    String fits = repeat("€", 33);            // "4" + 99 bytes = exactly 100 bytes (34 chars)
    String tooBig = repeat("€", 33) + "x";    // 101 bytes, but only 35 chars

    TransportException error = call(() -> {
      try {
        socket.send(EnginePacket.message(tooBig));
        return null;
      } catch (TransportException e) {
        return e;
      }
    });
    assertThat(error).as("send of a 101-byte packet").isNotNull();
    assertThat(error.kind()).isEqualTo(Kind.PAYLOAD_TOO_LARGE);
    assertThat(call(socket::bufferedPackets)).isZero();
    assertThat(state()).isEqualTo(State.OPEN);

    send(EnginePacket.message(fits));
    RecordedRequest post = engine.takePost();
    assertThat(post.getBodySize()).isEqualTo(100);
    assertThat(items(post)).containsExactly("4" + fits);
  }

  @Test void withoutAnAnnouncedMaxPayloadTheAssumedOneIsEnforced() throws Exception {
    // socket.io 2.x announces none, and resets the connection on a POST that is too large
    engine.openBody = "0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000}";
    openSession(EngineOptions.builder(url("/")).transports(true, false).assumedMaxPayload(100).build());
    TransportException error = call(() -> {
      try {
        socket.send(EnginePacket.message(repeat("x", 100))); // "4" + 100 bytes
        return null;
      } catch (TransportException e) {
        return e;
      }
    });
    assertThat(error).isNotNull();
    assertThat(error.kind()).isEqualTo(Kind.PAYLOAD_TOO_LARGE);
    assertThat(error.getMessage()).contains("100 bytes");
    assertThat(state()).isEqualTo(State.OPEN);
    send(EnginePacket.message(repeat("x", 99)));
    assertThat(engine.takePost().getBodySize()).isEqualTo(100);
  }

  @Test void anAnnouncedMaxPayloadWinsOverTheAssumedOne() throws Exception {
    engine.openBody = MockEngineServer.openPacket(25_000, 20_000, 1000);
    openSession(EngineOptions.builder(url("/")).transports(true, false).assumedMaxPayload(100).build());
    send(EnginePacket.message(repeat("x", 500)));
    assertThat(engine.takePost().getBodySize()).isEqualTo(501);
  }

  @Test void aBinaryPacketIsMeasuredByItsBase64Size() throws Exception {
    engine.openBody = MockEngineServer.openPacket(25_000, 20_000, 100);
    openSession();
    // 75 bytes -> 100 base64 chars -> 101 bytes with the "b"; 72 bytes -> 96 + 1 = 97 bytes.
    TransportException error = call(() -> {
      try {
        socket.send(EnginePacket.binary(new byte[75]));
        return null;
      } catch (TransportException e) {
        return e;
      }
    });
    assertThat(error).isNotNull();
    assertThat(error.kind()).isEqualTo(Kind.PAYLOAD_TOO_LARGE);

    send(EnginePacket.binary(new byte[72]));
    assertThat(engine.takePost().getBodySize()).isEqualTo(97);
  }

  // ---- 13. one GET and one POST ----------------------------------------------------------------

  @Test void whileAGetAndAPostArePendingFurtherSendsAreBufferedNotPosted() throws Exception {
    openSession();
    engine.takePoll();
    Hold first = engine.holdPost();
    send(EnginePacket.message("first"));
    first.awaitArrival();

    onLoop(() -> {
      socket.send(EnginePacket.message("a"));
      socket.send(EnginePacket.message("b"));
      socket.send(EnginePacket.message("c"));
    });
    assertThat(call(socket::bufferedPackets)).isEqualTo(3);
    assertQuiet();
    assertThat(engine.count(MockEngineServer.Kind.POST)).isEqualTo(1);
    assertThat(engine.count(MockEngineServer.Kind.POLL)).isEqualTo(1);
  }

  @Test void packetsBufferedBehindAPostInFlightGoOutInOnePostWhenItCompletes() throws Exception {
    openSession();
    engine.takePoll();
    Hold first = engine.holdPost();
    send(EnginePacket.message("first"));
    first.awaitArrival();
    onLoop(() -> {
      socket.send(EnginePacket.message("a"));
      socket.send(EnginePacket.message("b"));
      socket.send(EnginePacket.message("c"));
    });

    first.release(MockEngineServer.ok());
    engine.takePost(); // "first"
    assertThat(items(engine.takePost())).containsExactly("4a", "4b", "4c");
    assertThat(call(socket::bufferedPackets)).isZero();
  }

  @Test void aPongIsQueuedBehindAPostInFlightRatherThanPostedConcurrently() throws Exception {
    openSession();
    engine.takePoll();
    Hold first = engine.holdPost();
    send(EnginePacket.message("first"));
    first.awaitArrival();

    engine.respondToPoll("2");
    engine.takePoll(); // the ping was processed: the next poll is out
    drainLoop();
    assertThat(call(socket::bufferedPackets)).as("the pong waits").isEqualTo(1);
    assertQuiet();
    assertThat(engine.count(MockEngineServer.Kind.POST)).isEqualTo(1);
  }

  @Test void aPongGoesAheadOfMessagesBufferedBehindAPostInFlight() throws Exception {
    openSession();
    engine.takePoll();
    Hold first = engine.holdPost();
    send(EnginePacket.message("first"));
    first.awaitArrival();
    onLoop(() -> {
      socket.send(EnginePacket.message("a"));
      socket.send(EnginePacket.message("b"));
    });
    engine.respondToPoll("2");
    engine.takePoll(); // the ping was processed: the next poll is out
    drainLoop();

    first.release(MockEngineServer.ok());
    engine.takePost(); // "first"
    assertThat(items(engine.takePost())).containsExactly("3", "4a", "4b");
  }

  // ---- 14. response size limits ----------------------------------------------------------------

  @Test void aPollResponseLargerThanTheLimitClosesWithIncomingTooLarge() throws Exception {
    openSession(options().maxIncomingMessageBytes(1000).build());
    engine.respondToPoll("4" + repeat("a", 1000)); // 1001 bytes

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.INCOMING_TOO_LARGE);
    assertThat(error.getMessage()).contains("exceeds 1000 bytes", "maxIncomingMessageBytes");
  }

  @Test void aPollResponseOfExactlyTheLimitIsDelivered() throws Exception {
    openSession(options().maxIncomingMessageBytes(1000).build());
    engine.respondToPoll("4" + repeat("a", 999)); // 1000 bytes

    assertThat(recorder.awaitText()).hasSize(999);
    assertThat(state()).isEqualTo(State.OPEN);
  }

  /** awaitTransportError also shows that nothing of the body was delivered: the close is the next event. */
  @Test void aPollResponseOfMorePacketsThanTheBoundClosesWithIncomingTooLarge() throws Exception {
    openSession();
    engine.respondToPoll(repeat("6\u001e", PollingTransport.MAX_PACKETS_PER_BODY) + "4late"); // one packet too many

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.INCOMING_TOO_LARGE);
    assertThat(error.getMessage()).contains("more than " + PollingTransport.MAX_PACKETS_PER_BODY + " packets");
  }

  @Test void aPollResponseOfExactlyTheBoundOfPacketsIsDelivered() throws Exception {
    openSession();
    engine.respondToPoll(repeat("6\u001e", PollingTransport.MAX_PACKETS_PER_BODY - 1) + "4last");

    assertThat(recorder.awaitText()).isEqualTo("last");
    assertThat(state()).isEqualTo(State.OPEN);
  }

  // ---- 15. exactly one terminal callback -------------------------------------------------------

  @Test void afterTheServerCloseNoTimerResponseOrCloseCallProducesAnotherEvent() throws Exception {
    openSession();
    engine.takePoll();
    Hold post = engine.holdPost();
    send(EnginePacket.message("in flight"));
    post.awaitArrival();
    engine.respondToPoll("1");
    assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);

    post.release(MockEngineServer.status(500, ""));
    engine.respondToPoll("1");
    advance(TimeUnit.HOURS.toMillis(1));
    onLoop(socket::close);
    assertQuiet();
    assertThat(clock.pendingTasks()).as("timers left behind").isZero();
    assertThat(state()).isEqualTo(State.CLOSED);
    assertThat(call(socket::bufferedPackets)).isZero();
  }

  @Test void afterAPingTimeoutALateResponseProducesNoEvent() throws Exception {
    openSession();
    Hold poll = engine.holdPoll();
    poll.awaitArrival();
    advance(HEARTBEAT_MILLIS);
    assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.PING_TIMEOUT);

    poll.release(MockEngineServer.payload("4late" + RS + "1"));
    advance(HEARTBEAT_MILLIS);
    onLoop(socket::close);
    assertQuiet();
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test void afterAFailedOpenNothingMoreIsReported() throws Exception {
    engine.respondToHandshake(MockEngineServer.status(403, "{\"code\":4,\"message\":\"Forbidden\"}"));
    open(options().build());
    assertThat(recorder.awaitOpenFailed().kind()).isEqualTo(Kind.FORBIDDEN);

    advance(TimeUnit.HOURS.toMillis(1));
    onLoop(socket::close);
    assertQuiet();
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test void sendAfterCloseIsRefusedWithoutAnyRequest() throws Exception {
    openSession();
    engine.respondToPoll("1");
    recorder.awaitClose();

    Throwable thrown = call(() -> {
      try {
        socket.send(EnginePacket.message("late"));
        return null;
      } catch (IllegalStateException e) {
        return e;
      }
    });
    assertThat(thrown).isInstanceOf(IllegalStateException.class);
    assertQuiet();
    assertThat(engine.count(MockEngineServer.Kind.POST)).isZero();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private HttpUrl url(String pathAndQuery) {
    // An IP literal: one route, so OkHttp has no second address to fall back to.
    return server.url(pathAndQuery).newBuilder().host("127.0.0.1").build();
  }

  private EngineOptions.Builder options() {
    return EngineOptions.builder(url("/")).transports(true, false);
  }

  private void open(EngineOptions options) {
    socket = new EngineSocket(options, loop, runtime, recorder);
    onLoop(socket::open);
  }

  /** Opens a session with the scripted handshake; the first poll is then on its way and held. */
  private Handshake openSession() {
    return openSession(options().build());
  }

  private Handshake openSession(EngineOptions options) {
    open(options);
    Handshake handshake = recorder.awaitOpen();
    assertThat(handshake.sid()).isEqualTo("abc");
    return handshake;
  }

  private void send(EnginePacket packet) {
    onLoop(() -> socket.send(packet));
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

  /** Returns once the loop has run everything submitted to it so far. */
  private void drainLoop() {
    onLoop(() -> { });
  }

  private void advance(long millis) {
    clock.advanceBy(millis, MILLISECONDS);
  }

  private TransportException awaitTransportError() {
    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).as("%s", close).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    assertThat(close.error).as("%s", close).isNotNull();
    return close.error;
  }

  /**
   * Absence can only be shown by waiting: gives stray I/O {@value #QUIET_MILLIS} ms to show up and
   * checks that no request reached the server and no event reached the listener meanwhile.
   */
  private void assertQuiet() {
    final int requests = engine.log().size();
    await().during(QUIET_MILLIS, MILLISECONDS).atMost(QUIET_MILLIS + 5_000, MILLISECONDS)
        .untilAsserted(() -> {
          recorder.assertNoMoreEvents();
          assertThat(engine.log()).hasSize(requests);
        });
  }

  /** The packets of a POST body, split on the record separator. */
  private static List<String> items(RecordedRequest post) {
    byte[] body = post.getBody().toByteArray();
    List<String> items = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == SEPARATOR) {
        items.add(new String(body, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    return items;
  }

  /** 9 × "€" (27 bytes, 9 chars) + a two-digit index: "4" + this is 30 UTF-8 bytes. */
  private static String thirtyByteMessage(int index) {
    return repeat("€", 9) + String.format("%02d", index);
  }

  private static String repeat(String s, int times) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < times; i++) out.append(s);
    return out.toString();
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }
}
