package dev.tether.internal.engine;

import static dev.tether.internal.http.IncomingMessageGuardTest.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.engine.WebSocketTransportRawServer.Frame;
import dev.tether.internal.loop.FakeTaskScheduler;
import dev.tether.internal.loop.SerialExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import okhttp3.CertificatePinner;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link EngineOptions#maxIncomingMessageBytes()} on WebSockets, over {@code ws://} and {@code wss://}
 * (a local TLS server with a throwaway CA), directly and through an HTTP proxy: a message over the limit
 * ends the session with {@code INCOMING_TOO_LARGE} as soon as its header arrives, and the server gets
 * close code 1009; a message of exactly the limit passes. The application's OkHttp settings (trust,
 * pins, proxy and its authenticator, interceptors) still apply.
 *
 * <p>Timers run on a {@link FakeTaskScheduler} that never advances: a close can only come from the wire.
 */
class IncomingLimitTest {
  static final int LIMIT = 64 * 1024;
  static final String OPEN = WebSocketTransportTest.OPEN;

  static final HeldCertificate SERVER_CERTIFICATE = new HeldCertificate.Builder()
      .addSubjectAlternativeName("127.0.0.1").commonName("127.0.0.1").build();
  static final HandshakeCertificates SERVER_TLS = new HandshakeCertificates.Builder()
      .heldCertificate(SERVER_CERTIFICATE).build();
  static final HandshakeCertificates CLIENT_TLS = new HandshakeCertificates.Builder()
      .addTrustedCertificate(SERVER_CERTIFICATE.certificate()).build();

  enum Scheme { WS, WSS }

  final FakeTaskScheduler clock = new FakeTaskScheduler();
  final EngineRecorder recorder = new EngineRecorder();
  @Nullable TetherRuntime runtime;
  @Nullable SerialExecutor loop;
  @Nullable EngineSocket socket;

  @AfterEach void stop() {
    if (runtime != null) runtime.close();
  }

  // ---- the limit ---------------------------------------------------------------------------------

  @ParameterizedTest @EnumSource(Scheme.class)
  void aMessageAnnouncedOverTheLimitEndsTheSessionAtItsHeaderAndTheServerGetsClose1009(Scheme scheme)
      throws Exception {
    try (WebSocketTransportRawServer raw = server(scheme)) {
      openRaw(raw, client(scheme).build());
      assertThat(raw.requestHeader("Sec-WebSocket-Extensions")).as("compression is not offered").isNull();

      raw.writeRaw(header(0x82, 1L << 30)); // announces 1 GiB, sends none of it

      TransportException error = awaitTransportError();
      assertThat(error.kind()).isEqualTo(Kind.INCOMING_TOO_LARGE);
      assertThat(error.getMessage()).contains("websocket message of 1073741824 bytes exceeds "
          + "maxIncomingMessageBytes (" + LIMIT + " bytes)");
      Frame close = raw.readFrame();
      assertThat(close.opcode).isEqualTo(WebSocketTransportRawServer.OPCODE_CLOSE);
      assertThat(close.closeCode()).isEqualTo(1009);
    }
  }

  @ParameterizedTest @EnumSource(Scheme.class)
  void messagesOfExactlyTheLimitPassAndOneByteMoreEndsTheSession(Scheme scheme) throws Exception {
    try (WebSocketTransportRawServer raw = server(scheme)) {
      openRaw(raw, client(scheme).build());
      raw.sendText("4" + repeat('a', LIMIT - 1)); // LIMIT bytes with the type prefix
      assertThat(recorder.awaitText()).hasSize(LIMIT - 1);
      raw.sendBinary(new byte[LIMIT]);
      assertThat(recorder.awaitMessage().binary().toByteArray()).hasSize(LIMIT);

      whileTheClientMayClose(() -> raw.sendText("4" + repeat('a', LIMIT)));
      TransportException error = awaitTransportError();
      assertThat(error.kind()).isEqualTo(Kind.INCOMING_TOO_LARGE);
      assertThat(error.getMessage()).contains((LIMIT + 1) + " bytes");
    }
  }

  @Test void aMultiByteTextMessageIsCountedInBytesNotChars() throws Exception {
    try (WebSocketTransportRawServer raw = server(Scheme.WS)) {
      openRaw(raw, client(Scheme.WS).build());
      raw.sendText("4" + repeat('€', LIMIT / 3)); // 1 + 3 × 21845 = 65536 bytes: exactly the limit
      assertThat(recorder.awaitText()).hasSize(LIMIT / 3);
      whileTheClientMayClose(() -> raw.sendText("4" + repeat('€', LIMIT / 3) + "x"));
      assertThat(awaitTransportError().kind()).isEqualTo(Kind.INCOMING_TOO_LARGE);
    }
  }

  @ParameterizedTest @EnumSource(Scheme.class)
  void fragmentsUnderTheLimitThatSumOverItEndTheSession(Scheme scheme) throws Exception {
    try (WebSocketTransportRawServer raw = server(scheme)) {
      openRaw(raw, client(scheme).build());
      byte[] half = new byte[LIMIT / 2];
      Arrays.fill(half, (byte) 'a');
      half[0] = '4';
      raw.sendFrameWithFirstByte(0x01, half);       // text, not final
      raw.sendFrameWithFirstByte(0x89, new byte[0]); // a ping in between
      raw.sendFrameWithFirstByte(0x00, Arrays.copyOfRange(half, 1, half.length)); // continuation
      // final continuation: LIMIT + 1 in sum
      whileTheClientMayClose(() -> raw.sendFrameWithFirstByte(0x80, new byte[] {'b', 'c'}));

      TransportException error = awaitTransportError();
      assertThat(error.kind()).isEqualTo(Kind.INCOMING_TOO_LARGE);
      assertThat(error.getMessage()).contains("at least " + (LIMIT + 1) + " bytes");
    }
  }

  @ParameterizedTest @EnumSource(Scheme.class)
  void aCompressedFrameIsRefusedAsAProtocolError(Scheme scheme) throws Exception {
    try (WebSocketTransportRawServer raw = server(scheme)) {
      openRaw(raw, client(scheme).build());
      raw.sendFrameWithFirstByte(0xc1, new byte[] {0x4a, 0x02, 0x00}); // RSV1: "compressed"

      TransportException error = awaitTransportError();
      assertThat(error.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
      assertThat(error.getMessage()).contains("compressed");
    }
  }

  // ---- through an HTTP proxy ---------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(Scheme.class)
  void throughAnHttpProxyThatAsksForCredentialsTheLimitHolds(Scheme scheme) throws Exception {
    String credentials = Credentials.basic("user", "secret");
    try (WebSocketTransportRawServer raw = server(scheme);
         TestHttpProxy proxy = new TestHttpProxy(new InetSocketAddress("127.0.0.1", raw.url().port()), credentials)) {
      // Answers real challenges only (not OkHttp's preemptive one for CONNECT): the first request goes
      // without credentials and gets 407 on a connection the proxy keeps open.
      OkHttpClient.Builder client = client(scheme).proxy(proxy.proxy())
          .proxyAuthenticator((route, response) -> "OkHttp-Preemptive".equals(response.header("Proxy-Authenticate"))
              ? null : response.request().newBuilder().header("Proxy-Authorization", credentials).build());
      openRaw(raw, client.build());
      assertThat(proxy.requestLines.get(0))
          .startsWith(scheme == Scheme.WSS ? "CONNECT 127.0.0.1:" : "GET http://127.0.0.1:");
      assertThat(proxy.requestLines).as("asked once without, then with credentials").hasSize(2);
      // A CONNECT is asked again on the same connection; a forwarded request is not (its answer might
      // have carried bytes past the check), so OkHttp opens a fresh one.
      assertThat(proxy.connections.get()).isEqualTo(scheme == Scheme.WSS ? 1 : 2);

      raw.sendText("4hello");
      assertThat(recorder.awaitText()).isEqualTo("hello");
      raw.writeRaw(header(0x81, LIMIT + 1));

      assertThat(awaitTransportError().kind()).isEqualTo(Kind.INCOMING_TOO_LARGE);
      assertThat(raw.readFrame().closeCode()).isEqualTo(1009);
    }
  }

  // ---- the application's OkHttp settings ---------------------------------------------------------

  /** A guard: the TLS socket under the limit is still the application's (here, the platform's) trust. */
  @Test void anUntrustedCertificateStillFailsTheTlsHandshake() throws Exception {
    try (WebSocketTransportRawServer raw = server(Scheme.WSS)) {
      open(raw, new OkHttpClient.Builder().build()); // the platform's trust store: not our throwaway CA
      acceptQuietly(raw);
      assertThat(recorder.awaitOpenFailed().kind()).isEqualTo(Kind.TLS_FAILED);
    }
  }

  @Test void theApplicationsCertificatePinsStillApply() throws Exception {
    try (WebSocketTransportRawServer raw = server(Scheme.WSS)) {
      CertificatePinner wrongPin = new CertificatePinner.Builder()
          .add("127.0.0.1", "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").build();
      open(raw, client(Scheme.WSS).certificatePinner(wrongPin).build());
      acceptQuietly(raw);
      TransportException error = recorder.awaitOpenFailed();
      assertThat(error.kind()).isEqualTo(Kind.TLS_FAILED);
      assertThat(error.getMessage()).contains("Certificate pinning failure");
    }
    try (WebSocketTransportRawServer raw = server(Scheme.WSS)) {
      CertificatePinner rightPin = new CertificatePinner.Builder()
          .add("127.0.0.1", CertificatePinner.pin(SERVER_CERTIFICATE.certificate())).build();
      openRaw(raw, client(Scheme.WSS).certificatePinner(rightPin).build());
      raw.writeRaw(header(0x82, LIMIT + 1));
      assertThat(awaitTransportError().kind()).as("and the limit holds").isEqualTo(Kind.INCOMING_TOO_LARGE);
    }
  }

  @ParameterizedTest @EnumSource(Scheme.class)
  void theApplicationsInterceptorsSeeTheUpgradeRequest(Scheme scheme) throws Exception {
    try (WebSocketTransportRawServer raw = server(scheme)) {
      openRaw(raw, client(scheme).addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
          .header("X-App", "seen").build())).build());
      assertThat(raw.requestHeader("X-App")).isEqualTo("seen");
      raw.writeRaw(header(0x82, LIMIT + 1));
      assertThat(awaitTransportError().kind()).as("and the limit holds").isEqualTo(Kind.INCOMING_TOO_LARGE);
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  static WebSocketTransportRawServer server(Scheme scheme) throws IOException {
    return new WebSocketTransportRawServer(0,
        scheme == Scheme.WSS ? SERVER_TLS.sslContext().getServerSocketFactory() : null);
  }

  static OkHttpClient.Builder client(Scheme scheme) {
    OkHttpClient.Builder builder = new OkHttpClient.Builder();
    if (scheme == Scheme.WSS) builder.sslSocketFactory(CLIENT_TLS.sslSocketFactory(), CLIENT_TLS.trustManager());
    return builder;
  }

  void open(WebSocketTransportRawServer raw, OkHttpClient application) {
    if (runtime != null) runtime.close();
    runtime = TetherRuntime.create(new TetherRuntime.Config().scheduler(clock).okHttpClient(application));
    loop = runtime.newLoop("test");
    EngineOptions options = EngineOptions.builder(raw.url()).transports(false, true)
        .maxIncomingMessageBytes(LIMIT).build();
    EngineSocket engine = new EngineSocket(options, loop, runtime, recorder);
    socket = engine;
    EngineTestSupport.onLoop(loop, engine::open);
  }

  Handshake openRaw(WebSocketTransportRawServer raw, OkHttpClient application) throws IOException {
    open(raw, application);
    raw.accept();
    assertThat(raw.requestLine()).contains("/socket.io/?EIO=4&transport=websocket");
    raw.sendText(OPEN);
    return recorder.awaitOpen();
  }

  /** Accepts the connection; a TLS handshake the client gives up on fails the server's side too. */
  static void acceptQuietly(WebSocketTransportRawServer raw) {
    try {
      raw.acceptRequest();
    } catch (IOException expected) {
      // the client refused the server
    }
  }

  /**
   * Sends something over the limit: the client refuses it at its header and may close before the rest
   * is written, which is the point, so a failed write is fine.
   */
  static void whileTheClientMayClose(EngineTestSupport.ThrowingRunnable send) throws Exception {
    try {
      send.run();
    } catch (IOException closedByTheClient) {
      // expected sometimes
    }
  }

  TransportException awaitTransportError() {
    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).as("%s", close).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    assertThat(close.error).as("%s", close).isNotNull();
    return close.error;
  }

  static String repeat(char c, int times) {
    char[] chars = new char[times];
    Arrays.fill(chars, c);
    return new String(chars);
  }
}
