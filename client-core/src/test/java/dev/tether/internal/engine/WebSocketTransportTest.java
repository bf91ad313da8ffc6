package dev.tether.internal.engine;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.engine.EngineSocket.State;
import dev.tether.internal.engine.WebSocketTransportRawServer.Frame;
import dev.tether.internal.loop.FakeTaskScheduler;
import dev.tether.internal.loop.SerialExecutor;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.ByteString;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EngineSocket} in WebSocket-only mode over {@link WebSocketTransport}, against scripted
 * servers: OkHttp's MockWebServer for the frame-level behaviour, and a raw socket server
 * ({@link WebSocketTransportRawServer}) for what MockWebServer cannot do — a close frame without
 * status, a server that stops reading.
 *
 * <p>Timers run on a {@link FakeTaskScheduler} (they fire only when a test advances the clock), so
 * a close that arrives while the clock stands still can only come from the wire. The backpressure
 * tests use real time: the transport polls OkHttp's queue with a timer. Network I/O is awaited with
 * deadlines ({@link EngineRecorder}, {@link ServerSide}, the raw server's socket timeouts).
 */
class WebSocketTransportTest {
  static final String OPEN = "0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000,"
      + "\"pingTimeout\":20000,\"maxPayload\":1000000}";
  /** 25 000 + 20 000: the heartbeat deadline of {@link #OPEN}. */
  static final long HEARTBEAT_MILLIS = 45_000;
  /** How long a check that something does NOT happen gives stray I/O to show up. */
  static final long QUIET_MILLIS = 200;

  final FakeTaskScheduler clock = new FakeTaskScheduler();
  final MockWebServer server = new MockWebServer();
  final ServerSide serverSide = new ServerSide();
  final EngineRecorder recorder = new EngineRecorder();
  TetherRuntime runtime;
  SerialExecutor loop;
  EngineSocket socket;

  @BeforeEach void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    useRuntime(TetherRuntime.create(new TetherRuntime.Config().scheduler(clock)));
  }

  @AfterEach void stop() throws IOException {
    try {
      runtime.close();
    } finally {
      server.close();
    }
  }

  // ---- 1. frames ---------------------------------------------------------------------------------

  @Test void opensWithAnUpgradeRequestForEio4WebSocketWithoutSidOrCacheBuster() throws Exception {
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(serverSide).build());
    open(EngineOptions.builder(url("/?token=secret123")).extraHeaders(Headers.of("X-Test", "1"))
        .transports(false, true).build());

    Handshake handshake = recorder.awaitOpen();
    RecordedRequest upgrade = server.takeRequest(10, TimeUnit.SECONDS);
    assertThat(upgrade).isNotNull();
    assertThat(upgrade.getMethod()).isEqualTo("GET");
    HttpUrl url = upgrade.getUrl();
    assertThat(url.encodedPath()).isEqualTo("/socket.io/");
    assertThat(url.queryParameter("EIO")).isEqualTo("4");
    assertThat(url.queryParameter("transport")).isEqualTo("websocket");
    assertThat(url.queryParameter("token")).isEqualTo("secret123");
    assertThat(url.queryParameterNames()).doesNotContain("sid", "t");
    assertThat(upgrade.getHeaders().get("Upgrade")).isEqualToIgnoringCase("websocket");
    assertThat(upgrade.getHeaders().get("X-Test")).isEqualTo("1");

    assertThat(handshake.sid()).isEqualTo("abc");
    assertThat(handshake.upgrades()).isEmpty();
    assertThat(handshake.maxPayload()).isEqualTo(1_000_000);
    assertThat(call(socket::transportName)).isEqualTo("websocket");
    assertThat(server.getRequestCount()).as("no polling request at all").isEqualTo(1);
  }

  @Test void sendsEveryPacketInItsOwnTextFrameInOrderWithoutRecordSeparators() throws Exception {
    openSession();
    onLoop(() -> { // one loop task: a polling transport would batch all of these into one body
      socket.send(EnginePacket.message("one"));
      socket.send(EnginePacket.message("2[\"two\"]"));
      socket.send(EnginePacket.message("thr€e 😀"));
      socket.send(EnginePacket.message(""));
    });

    assertThat(serverSide.next()).isEqualTo("text 4one");
    assertThat(serverSide.next()).isEqualTo("text 42[\"two\"]");
    assertThat(serverSide.next()).isEqualTo("text 4thr€e 😀");
    assertThat(serverSide.next()).isEqualTo("text 4");
    serverSide.assertQuiet();
  }

  @Test void sendsBinaryMessagesAsBinaryFramesWithTheRawBytesAndNoTypePrefixOrBase64() throws Exception {
    openSession();
    onLoop(() -> {
      socket.send(EnginePacket.message("51-[\"x\",{\"_placeholder\":true,\"num\":0}]"));
      socket.send(EnginePacket.binary(new byte[] {1, 2, 3, 4}));
      socket.send(EnginePacket.binary(new byte[0]));
      socket.send(EnginePacket.binary(new byte[] {'4', 0x1e, (byte) 0xff}));
      socket.send(EnginePacket.message("after"));
    });

    assertThat(serverSide.next()).isEqualTo("text 451-[\"x\",{\"_placeholder\":true,\"num\":0}]");
    assertThat(serverSide.next()).isEqualTo("binary 01020304");
    assertThat(serverSide.next()).isEqualTo("binary ");
    assertThat(serverSide.next()).isEqualTo("binary 341eff");
    assertThat(serverSide.next()).isEqualTo("text 4after");
  }

  @Test void receivesTextAndBinaryFramesAsMessagesInOrderAndSkipsNoops() throws Exception {
    openSession();
    WebSocket ws = serverSide.awaitOpened();
    ws.send("4hello");
    ws.send(ByteString.of((byte) 1, (byte) 2, (byte) 3));
    ws.send("6");
    ws.send("4€😀");
    ws.send(ByteString.EMPTY);
    ws.send("4");

    assertThat(recorder.awaitText()).isEqualTo("hello");
    assertThat(recorder.awaitMessage().binary().toByteArray()).containsExactly(1, 2, 3);
    assertThat(recorder.awaitText()).isEqualTo("€😀");
    assertThat(recorder.awaitMessage().binary().toByteArray()).isEmpty();
    EnginePacket bare = recorder.awaitMessage();
    assertThat(bare.isBinary()).isFalse();
    assertThat(bare.text()).isNull();
  }

  @Test void closeSendsNoClosePacketButACloseFrame1000AfterTheFramesQueuedBeforeIt() throws Exception {
    openSession();
    onLoop(() -> {
      socket.send(EnginePacket.message("a"));
      socket.send(EnginePacket.binary(new byte[] {7}));
      socket.send(EnginePacket.message("b"));
      socket.close();
    });

    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    assertThat(close.error).isNull();
    assertThat(serverSide.next()).isEqualTo("text 4a");
    assertThat(serverSide.next()).isEqualTo("binary 07");
    assertThat(serverSide.next()).isEqualTo("text 4b");
    assertThat(serverSide.next()).as("no \"1\" packet: the socket is just closed").isEqualTo("closing 1000");
    assertThat(call(socket::state)).isEqualTo(State.CLOSED);
  }

  @Test void sendingAfterCloseIsRefusedAndCloseIsIdempotent() throws Exception {
    openSession();
    onLoop(socket::close);
    onLoop(socket::close);
    assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    assertThatThrownBy(() -> onLoop(() -> socket.send(EnginePacket.message("late"))))
        .isInstanceOf(IllegalStateException.class);
    assertThat(serverSide.next()).isEqualTo("closing 1000");
    serverSide.assertQuiet();
    assertQuiet();
  }

  @Test void theApplicationJarsCookiesAreSentOnTheUpgradeAndItsSetCookieReachesTheJar() throws Exception {
    List<Cookie> saved = Collections.synchronizedList(new ArrayList<Cookie>());
    CookieJar jar = new CookieJar() {
      @Override public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {
        saved.addAll(cookies);
      }

      @Override public List<Cookie> loadForRequest(HttpUrl url) {
        return Collections.singletonList(new Cookie.Builder().name("lb").value("node1").domain(url.host()).build());
      }
    };
    runtime.close();
    useRuntime(TetherRuntime.create(new TetherRuntime.Config().scheduler(clock)
        .okHttpClient(new OkHttpClient.Builder().cookieJar(jar).build())));
    server.enqueue(new MockResponse.Builder().addHeader("Set-Cookie", "io=xyz; Path=/").webSocketUpgrade(serverSide).build());
    open(websocketOnly().build());
    recorder.awaitOpen();

    RecordedRequest upgrade = server.takeRequest(10, TimeUnit.SECONDS);
    assertThat(upgrade.getHeaders().get("Cookie")).isEqualTo("lb=node1");
    assertThat(saved).extracting(Cookie::name).containsExactly("io");
  }

  // ---- 2. the server closes ----------------------------------------------------------------------

  @ParameterizedTest(name = "close frame {0} is a TRANSPORT_CLOSE without error")
  @ValueSource(ints = {1000, 1001})
  void aNormalCloseFrameFromTheServerIsATransportClose(int code) throws Exception {
    openSession();
    serverSide.awaitOpened().close(code, "");

    // The clock stands still: the heartbeat cannot have fired, only the close frame explains this.
    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(close.error).isNull();
    assertThat(call(socket::state)).isEqualTo(State.CLOSED);
  }

  @Test void aCloseFrame1009FromTheServerIsATransportErrorPayloadTooLarge() throws Exception {
    openSession();
    serverSide.awaitOpened().close(1009, "");

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.PAYLOAD_TOO_LARGE);
    assertThat(error.getMessage()).contains("1009");
  }

  @Test void aCloseFrameWithAnotherCodeIsConnectionLostNamingTheCodeAndReason() throws Exception {
    openSession();
    serverSide.awaitOpened().close(4000, "bye");

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.CONNECTION_LOST);
    assertThat(error.getMessage()).contains("4000").contains("bye");
  }

  @Test void aCloseFrameWithoutStatusIsATransportClosePromptly() throws Exception {
    try (WebSocketTransportRawServer raw = new WebSocketTransportRawServer(0)) {
      openRaw(raw, OPEN);
      raw.sendCloseWithoutStatus(); // what engine.io sends on server close and ping timeout (1005)

      EngineRecorder.Event close = recorder.awaitClose();
      assertThat(close.value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
      assertThat(close.error).isNull();
    }
  }

  @RepeatedTest(20)
  void theServersCloseFrameIsAnsweredWithACloseFrameBeforeTheConnectionIsDropped() throws Exception {
    try (WebSocketTransportRawServer raw = new WebSocketTransportRawServer(0)) {
      openRaw(raw, OPEN);
      raw.sendCloseWithoutStatus();
      assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);

      Frame reply;
      try {
        reply = raw.readFrame();
      } catch (IOException e) {
        throw new AssertionError("the client dropped the connection without answering the close frame", e);
      }
      assertThat(reply.opcode).isEqualTo(WebSocketTransportRawServer.OPCODE_CLOSE);
      assertThat(reply.closeCode()).isEqualTo(1000);
    }
  }

  @Test void aTcpCutWithoutCloseFrameIsATransportErrorConnectionLost() throws Exception {
    try (WebSocketTransportRawServer raw = new WebSocketTransportRawServer(0)) {
      openRaw(raw, OPEN);
      raw.cut();

      TransportException error = awaitTransportError();
      assertThat(error.kind()).isEqualTo(Kind.CONNECTION_LOST);
    }
  }

  @Test void aCloseMessageFromTheServerOverWebSocketIsATransportClose() throws Exception {
    openSession();
    serverSide.awaitOpened().send("1"); // engine.io never does this, but it means "closed"

    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(serverSide.next()).as("the client closes its socket").isEqualTo("closing 1000");
  }

  // ---- 3. heartbeat ------------------------------------------------------------------------------

  @Test void aPingTextFrameIsAnsweredWithAPongTextFrame() throws Exception {
    openSession();
    serverSide.awaitOpened().send("2");

    assertThat(serverSide.next()).isEqualTo("text 3");
    recorder.awaitPings(1);
    serverSide.awaitOpened().send("2");
    assertThat(serverSide.next()).isEqualTo("text 3");
    recorder.awaitPings(1);
    recorder.assertNoMoreEvents();
  }

  @Test void withoutAPingForPingIntervalPlusPingTimeoutTheSessionClosesWithPingTimeout() throws Exception {
    openSession();

    advance(HEARTBEAT_MILLIS - 1);
    assertThat(call(socket::state)).isEqualTo(State.OPEN);
    recorder.assertNoMoreEvents();

    advance(1);
    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.PING_TIMEOUT);
    assertThat(close.error).isNull();
    assertThat(serverSide.next()).as("the dead socket is closed").isEqualTo("closing 1000");
  }

  @Test void aPingRearmsTheDeadline() throws Exception {
    openSession();
    advance(30_000);
    serverSide.awaitOpened().send("2");
    assertThat(serverSide.next()).isEqualTo("text 3");
    recorder.awaitPings(1); // reported after the deadline was re-armed, in the same loop task

    advance(HEARTBEAT_MILLIS - 1); // well past the original deadline at 45 s
    assertThat(call(socket::state)).isEqualTo(State.OPEN);
    recorder.assertNoMoreEvents();

    advance(1);
    assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.PING_TIMEOUT);
  }

  @Test void otherTrafficDoesNotRearmTheDeadline() throws Exception {
    openSession();
    advance(30_000);
    serverSide.awaitOpened().send("4still here");
    assertThat(recorder.awaitText()).isEqualTo("still here");
    send(EnginePacket.message("me too"));
    assertThat(serverSide.next()).isEqualTo("text 4me too");

    advance(HEARTBEAT_MILLIS - 30_000);
    assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.PING_TIMEOUT);
  }

  @Test void withoutAnOpenPacketTheHandshakeTimesOutAndTheSocketIsClosed() throws Exception {
    serverSide.openPacket = null;
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(serverSide).build());
    open(websocketOnly().handshakeTimeout(5, TimeUnit.SECONDS).build());
    serverSide.awaitOpened();
    drainLoop(); // the transport's onOpen has reached the loop

    advance(4_999);
    assertThat(call(socket::state)).isEqualTo(State.OPENING);
    recorder.assertNoMoreEvents();

    advance(1);
    assertThat(recorder.awaitOpenFailed().kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(serverSide.next()).isEqualTo("closing 1000");
  }

  // ---- 4. garbage --------------------------------------------------------------------------------

  @ParameterizedTest(name = "text frame [{0}] is a TRANSPORT_ERROR PROTOCOL_ERROR")
  @ValueSource(strings = {"x", "", "7", "b!!not base64", "0" + "{\"sid\":\"again\"}", "5"})
  void aGarbageTextFrameIsATransportErrorProtocolError(String frame) throws Exception {
    openSession();
    serverSide.awaitOpened().send(frame);

    TransportException error = awaitTransportError();
    assertThat(error.kind()).as("%s", error).isEqualTo(Kind.PROTOCOL_ERROR);
    assertThat(serverSide.next()).as("the client closes its socket").startsWith("closing ");
  }

  @ParameterizedTest(name = "first frame [{0}] fails to open with PROTOCOL_ERROR")
  @ValueSource(strings = {
      "4hello",
      "2",
      "x",
      "",
      "0not json",
      "0{\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000}",
      "0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000}",
  })
  void aFirstFrameThatIsNotAValidOpenPacketFailsToOpenWithProtocolError(String frame) throws Exception {
    serverSide.openPacket = frame;
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(serverSide).build());
    open(websocketOnly().build());

    TransportException error = recorder.awaitOpenFailed();
    assertThat(error.kind()).as("%s", error).isEqualTo(Kind.PROTOCOL_ERROR);
    assertThat(call(socket::state)).isEqualTo(State.CLOSED);
    assertThat(serverSide.next()).startsWith("closing ");
    assertQuiet();
  }

  @Test void aBinaryFirstFrameFailsToOpenWithProtocolError() throws Exception {
    serverSide.openPacket = null;
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(serverSide).build());
    open(websocketOnly().build());
    serverSide.awaitOpened().send(ByteString.encodeUtf8(OPEN));

    assertThat(recorder.awaitOpenFailed().kind()).isEqualTo(Kind.PROTOCOL_ERROR);
  }

  @Test void aServerCloseBeforeTheOpenPacketFailsToOpen() throws Exception {
    serverSide.openPacket = null;
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(serverSide).build());
    open(websocketOnly().build());
    serverSide.awaitOpened().close(1000, "");

    // EngineSocket's contract: onOpenFailed if the handshake failed; onClose only for a session
    // that opened (or that the application itself closed).
    EngineRecorder.Event event = recorder.next();
    assertThat(event.kind).as("%s", event).isEqualTo("openFailed");
    assertThat(event.error).isNotNull();
  }

  @Test void theApplicationClosingBeforeTheOpenPacketIsAClientDisconnect() throws Exception {
    serverSide.openPacket = null;
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(serverSide).build());
    open(websocketOnly().build());
    serverSide.awaitOpened();
    onLoop(socket::close);

    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    assertThat(close.error).isNull();
    assertThat(serverSide.next()).isEqualTo("closing 1000");
  }

  @Test void bytesThatAreNotWebSocketFramesAfterThe101FailToOpenWithProtocolError() throws Exception {
    // docs/protocol.md §19 item 9: with a bad EIO the server completes the 101, then writes an HTTP 400 as text.
    try (WebSocketTransportRawServer raw = new WebSocketTransportRawServer(0)) {
      open(websocketOnly(raw.url()).build());
      raw.accept();
      raw.writeRaw("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n".getBytes("US-ASCII"));

      assertThat(recorder.awaitOpenFailed().kind()).isEqualTo(Kind.PROTOCOL_ERROR);
    }
  }

  // ---- 5. the upgrade request is refused ---------------------------------------------------------

  @ParameterizedTest(name = "HTTP {0} [{1}] fails to open with {2}")
  @CsvSource(delimiter = '|', value = {
      "400 | Session ID unknown | SESSION_UNKNOWN",
      "400 | Forbidden          | FORBIDDEN",
      "400 | Transport unknown  | BAD_REQUEST",
      "400 | Bad request        | BAD_REQUEST",
      "403 | Forbidden          | FORBIDDEN",
      "503 | ''                 | SERVER_ERROR",
      "502 | <html>Bad Gateway</html> | SERVER_ERROR",
      "404 | Not found          | HTTP_ERROR",
  })
  void aRefusedUpgradeFailsToOpenWithTheKindTheStatusAndBodySay(int status, String body, Kind kind)
      throws Exception {
    server.enqueue(new MockResponse.Builder().code(status)
        .setHeader("Content-Type", "text/html").body(body).build());
    open(EngineOptions.builder(url("/?token=secret123")).transports(false, true).build());

    TransportException error = recorder.awaitOpenFailed();
    assertThat(error.kind()).as("%s", error).isEqualTo(kind);
    assertThat(error.httpStatus()).isEqualTo(status);
    if (!body.isEmpty()) assertThat(error.serverMessage()).isEqualTo(body);
    assertThat(error.getMessage()).as("redacted").doesNotContain("secret123");
    assertThat(call(socket::state)).isEqualTo(State.CLOSED);
    assertQuiet();
    assertThat(server.getRequestCount()).as("no retry, no fallback to polling").isEqualTo(1);
  }

  // ---- 6. backpressure ---------------------------------------------------------------------------

  /**
   * Real time here: while OkHttp's queue is above the high-water mark the transport re-checks it
   * with a timer, which virtual time would never fire.
   */
  @Nested
  class Backpressure {
    static final String BIG_OPEN = "0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000,"
        + "\"pingTimeout\":20000,\"maxPayload\":100000000}";
    static final int PACKETS = 200;
    static final int PACKET_CHARS = 64 * 1024;
    static final int SOCKET_BUFFER = 64 * 1024;

    final Gate gate = new Gate();

    @BeforeEach void realTime() {
      runtime.close();
      useRuntime(TetherRuntime.create(new TetherRuntime.Config()));
    }

    @AfterEach void openGate() {
      gate.open();
    }

    /**
     * Fixed 64 KiB socket buffers on both ends, so that what the kernel absorbs (a few hundred KiB)
     * does not depend on the machine's TCP autotuning limits.
     */
    void useSmallSocketBuffers() {
      runtime.close();
      useRuntime(TetherRuntime.create(new TetherRuntime.Config().okHttpClient(new OkHttpClient.Builder()
          .socketFactory(new GatedSocketFactory(gate, SOCKET_BUFFER)).build())));
    }

    @Test void aServerThatStopsReadingMakesTheEngineBufferAndEveryFrameArrivesInOrderOnceItReads()
        throws Exception {
      useSmallSocketBuffers();
      try (WebSocketTransportRawServer raw = new WebSocketTransportRawServer(SOCKET_BUFFER)) {
        openRaw(raw, BIG_OPEN);
        onLoop(() -> {
          for (int i = 0; i < PACKETS; i++) socket.send(EnginePacket.message(indexed(i, PACKET_CHARS)));
        });

        // 200 × 64 KiB = 12.5 MiB: far more than the socket buffers, far below OkHttp's 16 MiB.
        // Were it all handed to OkHttp, its queue would hold most of it; the engine holds it instead.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          assertThat(call(socket::bufferedPackets)).as("packets in the engine's buffer").isPositive();
          assertThat(call(socket::isWritableNow)).as("writable now").isFalse();
          assertThat(call(socket::state)).isEqualTo(State.OPEN);
          recorder.assertNoMoreEvents();
        });
        // What left the engine sits in OkHttp's queue (about HIGH_WATER) and in the two 64 KiB
        // socket buffers (which the kernel may double): well under 1 MiB, not the whole 12.5 MiB.
        long handedOver = (long) (PACKETS - call(socket::bufferedPackets)) * (1 + PACKET_CHARS);
        assertThat(handedOver).as("bytes handed to OkHttp while the server does not read")
            .isLessThan(WebSocketTransport.HIGH_WATER + 1024 * 1024);

        for (int i = 0; i < PACKETS; i++) {
          Frame frame = raw.readFrame(16);
          assertThat(frame.opcode).as("frame %s", i).isEqualTo(WebSocketTransportRawServer.OPCODE_TEXT);
          assertThat(frame.fin).isTrue();
          assertThat(frame.length).as("frame %s", i).isEqualTo(1 + PACKET_CHARS);
          assertThat(frame.text()).as("frame %s", i).startsWith("4" + String.format("%06d:", i));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          assertThat(call(socket::bufferedPackets)).isZero();
          assertThat(call(socket::isWritableNow)).isTrue();
        });
        recorder.assertNoMoreEvents();

        onLoop(socket::close);
        assertThat(raw.readFrame().closeCode()).isEqualTo(1000);
        assertThat(recorder.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
      }
    }

    @Test void closeWhilePacketsWaitInTheEngineBufferWritesThemAllAndThenTheCloseFrame() throws Exception {
      int packets = 100;
      useSmallSocketBuffers();
      try (WebSocketTransportRawServer raw = new WebSocketTransportRawServer(SOCKET_BUFFER)) {
        openRaw(raw, BIG_OPEN);
        onLoop(() -> {
          for (int i = 0; i < packets; i++) socket.send(EnginePacket.message(indexed(i, PACKET_CHARS)));
        });
        assertThat(call(socket::bufferedPackets)).isPositive();
        onLoop(socket::close);
        assertThat(call(socket::state)).as("waiting for the buffer to drain").isEqualTo(State.CLOSING);

        for (int i = 0; i < packets; i++) {
          Frame frame = raw.readFrame(16);
          assertThat(frame.opcode).as("frame %s", i).isEqualTo(WebSocketTransportRawServer.OPCODE_TEXT);
          assertThat(frame.text()).as("frame %s", i).startsWith("4" + String.format("%06d:", i));
        }
        assertThat(raw.readFrame().closeCode()).isEqualTo(1000);
        EngineRecorder.Event close = recorder.awaitClose();
        assertThat(close.value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
        assertThat(close.error).isNull();
      }
    }

    @Test void aPacketAsLargeAsTheFrameLimitNeverOverflowsOkHttpsQueueEvenBehindABacklog() throws Exception {
      runtime.close();
      useRuntime(TetherRuntime.create(new TetherRuntime.Config()
          .okHttpClient(new OkHttpClient.Builder().socketFactory(new GatedSocketFactory(gate, 0)).build())));
      try (WebSocketTransportRawServer raw = new WebSocketTransportRawServer(0)) {
        openRaw(raw, BIG_OPEN);
        int bigChars = (int) WebSocketTransport.MAX_FRAME - 1; // "4" + text: exactly the largest frame
        String big = indexed(1, bigChars);

        // The network takes nothing (the client's socket writes block): what OkHttp queues, stays.
        gate.close();
        onLoop(() -> {
          socket.send(EnginePacket.message(indexed(0, 100 * 1024)));
          socket.send(EnginePacket.message(big)); // accepted: within maxPacketSize
        });

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
          recorder.assertNoMoreEvents();
          assertThat(call(socket::state)).isEqualTo(State.OPEN);
        });

        gate.open();
        Frame first = raw.readFrame(16);
        assertThat(first.text()).startsWith("4" + String.format("%06d:", 0));
        Frame second = raw.readFrame(16);
        assertThat(second.opcode).isEqualTo(WebSocketTransportRawServer.OPCODE_TEXT);
        assertThat(second.length).isEqualTo(1 + bigChars);
        assertThat(second.text()).startsWith("4" + String.format("%06d:", 1));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(call(socket::bufferedPackets)).isZero());
        recorder.assertNoMoreEvents();
      }
    }
  }

  @Test void theRawServerComputesTheRfc6455AcceptKey() {
    // RFC 6455 section 1.3: the sample nonce and its accept value.
    assertThat(WebSocketTransportRawServer.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="))
        .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  }

  // ---- helpers -----------------------------------------------------------------------------------

  void useRuntime(TetherRuntime next) {
    runtime = next;
    loop = runtime.newLoop("test");
  }

  HttpUrl url(String pathAndQuery) {
    // An IP literal: one route, so OkHttp has no second address to fall back to.
    return server.url(pathAndQuery).newBuilder().host("127.0.0.1").build();
  }

  EngineOptions.Builder websocketOnly() {
    return websocketOnly(url("/"));
  }

  static EngineOptions.Builder websocketOnly(HttpUrl url) {
    return EngineOptions.builder(url).transports(false, true);
  }

  void open(EngineOptions options) {
    socket = new EngineSocket(options, loop, runtime, recorder);
    onLoop(socket::open);
  }

  /** Opens a WebSocket-only session on MockWebServer, whose listener sends {@link #OPEN}. */
  Handshake openSession() {
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(serverSide).build());
    open(websocketOnly().build());
    Handshake handshake = recorder.awaitOpen();
    assertThat(handshake.sid()).isEqualTo("abc");
    return handshake;
  }

  /** Opens a WebSocket-only session on the raw server, which answers the upgrade and sends {@code open}. */
  Handshake openRaw(WebSocketTransportRawServer raw, String openPacket) throws IOException {
    open(websocketOnly(raw.url()).build());
    raw.accept();
    assertThat(raw.requestLine()).startsWith("GET /socket.io/?EIO=4&transport=websocket");
    raw.sendText(openPacket);
    return recorder.awaitOpen();
  }

  void send(EnginePacket packet) {
    onLoop(() -> socket.send(packet));
  }

  void onLoop(EngineTestSupport.ThrowingRunnable action) {
    EngineTestSupport.onLoop(loop, action);
  }

  <T> T call(Callable<T> action) {
    return EngineTestSupport.call(loop, action);
  }

  /** Returns once the loop has run everything submitted to it so far. */
  void drainLoop() {
    onLoop(() -> { });
  }

  void advance(long millis) {
    clock.advanceBy(millis, MILLISECONDS);
  }

  TransportException awaitTransportError() {
    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).as("%s", close).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    assertThat(close.error).as("%s", close).isNotNull();
    assertThat(call(socket::state)).isEqualTo(State.CLOSED);
    return close.error;
  }

  /** Gives stray I/O {@value #QUIET_MILLIS} ms to show up and checks that no event came. */
  void assertQuiet() {
    await().during(QUIET_MILLIS, MILLISECONDS).atMost(QUIET_MILLIS + 5_000, MILLISECONDS)
        .untilAsserted(recorder::assertNoMoreEvents);
  }

  /** {@code "%06d:"} of the index, then filler up to {@code chars} characters. */
  static String indexed(int index, int chars) {
    StringBuilder text = new StringBuilder(chars).append(String.format("%06d:", index));
    while (text.length() < chars) text.append((char) ('a' + text.length() % 26));
    return text.toString();
  }

  /** The server end of MockWebServer's WebSocket: records every event, in order, as a short string. */
  static final class ServerSide extends WebSocketListener {
    /** Sent as soon as the socket opens; null sends nothing. */
    volatile @Nullable String openPacket = OPEN;
    private final BlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private volatile @Nullable WebSocket current;

    @Override public void onOpen(WebSocket ws, Response response) {
      current = ws;
      opened.add(ws);
      String open = openPacket;
      if (open != null) ws.send(open);
    }

    @Override public void onMessage(WebSocket ws, String text) {
      events.add("text " + text);
    }

    @Override public void onMessage(WebSocket ws, ByteString bytes) {
      events.add("binary " + bytes.hex());
    }

    @Override public void onClosing(WebSocket ws, int code, String reason) {
      events.add("closing " + code + (reason.isEmpty() ? "" : " " + reason));
      ws.close(1000, null);
    }

    @Override public void onFailure(WebSocket ws, Throwable t, @Nullable Response response) {
      events.add("failure " + t);
    }

    /** The server's socket, once the client's upgrade was accepted. */
    WebSocket awaitOpened() throws InterruptedException {
      WebSocket ws = current;
      if (ws != null) return ws;
      ws = opened.poll(EngineRecorder.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (ws == null) fail("no WebSocket opened within " + EngineRecorder.TIMEOUT_SECONDS + " s");
      return ws;
    }

    String next() throws InterruptedException {
      String event = events.poll(EngineRecorder.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (event == null) fail("no server event within " + EngineRecorder.TIMEOUT_SECONDS + " s");
      return event;
    }

    void assertQuiet() {
      await().during(QUIET_MILLIS, MILLISECONDS).atMost(QUIET_MILLIS + 5_000, MILLISECONDS)
          .untilAsserted(() -> assertThat(events).isEmpty());
    }
  }

  /** Holds back every write of the client's sockets while closed: a network that takes nothing. */
  static final class Gate {
    private boolean open = true;

    synchronized void close() {
      open = false;
    }

    synchronized void open() {
      open = true;
      notifyAll();
    }

    synchronized void pass() throws InterruptedIOException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      try {
        while (!open) {
          long left = deadline - System.nanoTime();
          if (left <= 0) throw new InterruptedIOException("gate stayed closed");
          wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted at the gate");
      }
    }
  }

  /**
   * Plain sockets whose output passes through a {@link Gate}, optionally with a fixed send buffer.
   * OkHttp only calls {@link #createSocket()}.
   */
  static final class GatedSocketFactory extends SocketFactory {
    private final Gate gate;
    private final int sendBufferSize;

    /** @param sendBufferSize SO_SNDBUF, or 0 for the system default (and its autotuning). */
    GatedSocketFactory(Gate gate, int sendBufferSize) {
      this.gate = gate;
      this.sendBufferSize = sendBufferSize;
    }

    @Override public Socket createSocket() throws IOException {
      Socket socket = newGatedSocket();
      if (sendBufferSize > 0) socket.setSendBufferSize(sendBufferSize);
      return socket;
    }

    private Socket newGatedSocket() {
      return new Socket() {
        private @Nullable OutputStream gated;

        @Override public synchronized OutputStream getOutputStream() throws IOException {
          if (gated == null) {
            gated = new FilterOutputStream(super.getOutputStream()) {
              @Override public void write(int b) throws IOException {
                gate.pass();
                out.write(b);
              }

              @Override public void write(byte[] b, int off, int len) throws IOException {
                gate.pass();
                out.write(b, off, len);
              }
            };
          }
          return gated;
        }
      };
    }

    @Override public Socket createSocket(String host, int port) {
      throw new UnsupportedOperationException();
    }

    @Override public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
      throw new UnsupportedOperationException();
    }

    @Override public Socket createSocket(InetAddress host, int port) {
      throw new UnsupportedOperationException();
    }

    @Override public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
      throw new UnsupportedOperationException();
    }
  }
}
