package dev.tether.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.engine.EnginePollingErrorsIntegrationTest.ForwardingProtocol;
import dev.tether.internal.http.IncomingLimitException;
import dev.tether.internal.loop.FakeTaskScheduler;
import dev.tether.internal.loop.SerialExecutor;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import mockwebserver3.MockWebServer;
import okio.ByteString;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No failure on one of OkHttp's threads may vanish ({@link IoFailures}): an exception or an
 * {@link Error} thrown while a response or a frame is handled — by Tether's decoding, or inside OkHttp
 * itself — ends the session at once with {@code transport error} and the failure as its cause.
 *
 * <p>Timers run on a {@link FakeTaskScheduler} that is never advanced: no heartbeat can time out, so
 * a close can only come from the failure being reported. Before this rule, each of these sessions
 * stayed open with a dead thread until the next ping timeout.
 */
class IoFailuresTest {
  final FakeTaskScheduler clock = new FakeTaskScheduler();
  final EngineRecorder recorder = new EngineRecorder();
  final MockWebServer http = new MockWebServer();
  final MockEngineServer engine = new MockEngineServer();
  @Nullable TetherRuntime runtime;

  @AfterEach void stop() throws IOException {
    try {
      engine.release();
      if (runtime != null) runtime.close();
    } finally {
      http.close();
    }
  }

  // ---- polling -----------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"RuntimeException", "AssertionError", "OutOfMemoryError", "StackOverflowError"})
  void whatTheDecodingOfAPollThrowsEndsTheSessionAtOnce(String thrown) throws Exception {
    EngineProtocol throwing = new ForwardingProtocol(EngineIoV4.INSTANCE) {
      @Override public List<EnginePacket> decodePayload(byte[] body, int maxPackets)
          throws MalformedPacketException, IncomingLimitException {
        if (new String(body, java.nio.charset.StandardCharsets.UTF_8).equals("4boom")) {
          Throwable t = throwable(thrown);
          if (t instanceof Error) throw (Error) t;
          throw (RuntimeException) t;
        }
        return super.decodePayload(body, maxPackets);
      }
    };
    openPolling(new OkHttpClient(), throwing);
    engine.respondToPoll("4boom");

    TransportException error = awaitTransportError();
    assertThat(error.kind()).isEqualTo(Kind.CONNECTION_LOST);
    assertThat(error.getMessage()).startsWith("poll to http://127.0.0.1:").contains(thrown);
    assertThat(error.getCause()).isInstanceOf(throwable(thrown).getClass());
  }

  @Test void anErrorThrownInsideOkHttpDuringAPollEndsTheSessionAtOnce() throws Exception {
    AtomicBoolean fail = new AtomicBoolean();
    // OkHttp catches it, cancels its own call, then reports "canceled" to the callback: a failure of
    // a call OkHttp cancelled, not Tether, must not be taken for Tether's own cancellation.
    OkHttpClient application = new OkHttpClient.Builder().addInterceptor(chain -> {
      if (fail.get() && chain.request().url().queryParameter("sid") != null) throw new AssertionError("interceptor bug");
      return chain.proceed(chain.request());
    }).build();
    openPolling(application, EngineIoV4.INSTANCE);
    fail.set(true);
    engine.respondToPoll("6"); // the held poll returns; the next one fails inside OkHttp

    TransportException error = awaitTransportError();
    assertThat(error.getMessage()).contains("interceptor bug");
  }

  // ---- WebSocket ---------------------------------------------------------------------------------

  @Test void anErrorThrownWhileAFrameIsDecodedEndsTheSessionAtOnce() throws Exception {
    EngineProtocol throwing = new ForwardingProtocol(EngineIoV4.INSTANCE) {
      @Override public EnginePacket decodeTextFrame(String text) throws MalformedPacketException {
        if (text.equals("4boom")) throw new AssertionError("decoder bug");
        return super.decodeTextFrame(text);
      }
    };
    try (WebSocketTransportRawServer raw = new WebSocketTransportRawServer(0)) {
      openWebSocket(raw, new OkHttpClient(), throwing);
      raw.sendText("4boom");

      TransportException error = awaitTransportError();
      assertThat(error.getMessage()).startsWith("websocket to http://127.0.0.1:").contains("decoder bug");
    }
  }

  @Test void anErrorEscapingOkHttpsOwnFrameReadingEndsTheSessionAtOnce() throws Exception {
    // A read that throws an Error once the test says so: inside OkHttp's reader loop, which catches
    // only Exceptions, between two calls of Tether's listener.
    AtomicBoolean fail = new AtomicBoolean();
    OkHttpClient application = new OkHttpClient.Builder()
        .socketFactory(new FailingReadsSocketFactory(() -> fail.get() ? new OutOfMemoryError("simulated") : null))
        .build();
    try (WebSocketTransportRawServer raw = new WebSocketTransportRawServer(0)) {
      openWebSocket(raw, application, EngineIoV4.INSTANCE);
      fail.set(true);
      raw.sendText("4next"); // wakes the reader up

      TransportException error = awaitTransportError();
      assertThat(error.getMessage()).startsWith("websocket to http://127.0.0.1:").contains("java.lang.OutOfMemoryError: simulated");
      assertThat(error.getCause()).isInstanceOf(OutOfMemoryError.class);
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  static Throwable throwable(String name) {
    switch (name) {
      case "RuntimeException": return new IllegalStateException("RuntimeException from the decoder");
      case "AssertionError": return new AssertionError("AssertionError from the decoder");
      case "OutOfMemoryError": return new OutOfMemoryError("OutOfMemoryError from the decoder");
      case "StackOverflowError": return new StackOverflowError("StackOverflowError from the decoder");
      default: throw new IllegalArgumentException(name);
    }
  }

  void openPolling(OkHttpClient application, EngineProtocol protocol) throws Exception {
    http.setDispatcher(engine);
    http.start(InetAddress.getByName("127.0.0.1"), 0);
    runtime = TetherRuntime.create(new TetherRuntime.Config().scheduler(clock).okHttpClient(application));
    SerialExecutor loop = runtime.newLoop("test");
    EngineOptions options = EngineOptions.builder(http.url("/").newBuilder().host("127.0.0.1").build())
        .transports(true, false).protocol(protocol).build();
    EngineSocket socket = new EngineSocket(options, loop, runtime, recorder);
    EngineTestSupport.onLoop(loop, socket::open);
    recorder.awaitOpen();
    engine.takePoll(); // the session's first poll is held by the server
  }

  void openWebSocket(WebSocketTransportRawServer raw, OkHttpClient application, EngineProtocol protocol)
      throws IOException {
    runtime = TetherRuntime.create(new TetherRuntime.Config().scheduler(clock).okHttpClient(application));
    SerialExecutor loop = runtime.newLoop("test");
    EngineOptions options = EngineOptions.builder(raw.url()).transports(false, true).protocol(protocol).build();
    EngineSocket socket = new EngineSocket(options, loop, runtime, recorder);
    EngineTestSupport.onLoop(loop, socket::open);
    raw.accept();
    raw.sendText(WebSocketTransportTest.OPEN);
    recorder.awaitOpen();
  }

  TransportException awaitTransportError() {
    EngineRecorder.Event close = recorder.awaitClose();
    assertThat(close.value).as("%s", close).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    assertThat(close.error).as("%s", close).isNotNull();
    return close.error;
  }

  /** Plain sockets whose reads throw what {@code failure} returns, once it returns something. */
  static final class FailingReadsSocketFactory extends SocketFactory {
    private final Supplier<@Nullable Error> failure;

    FailingReadsSocketFactory(Supplier<@Nullable Error> failure) {
      this.failure = failure;
    }

    @Override public Socket createSocket() {
      return new Socket() {
        private @Nullable InputStream input;

        @Override public synchronized InputStream getInputStream() throws IOException {
          if (input == null) {
            input = new FilterInputStream(super.getInputStream()) {
              @Override public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                Error error = failure.get();
                if (error != null) throw error;
                return n;
              }
            };
          }
          return input;
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
