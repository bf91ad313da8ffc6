package dev.tether.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.http.IncomingLimitException;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each failure class gets a clear, typed error and never a hang. HTTP failures come from the real
 * server's process (its /errors/ endpoints sit beside socket.io on the same HTTP server).
 */
@RealServer
class EnginePollingErrorsIntegrationTest {
  private final SocketIoServer server;
  private final TetherRuntime runtime = TetherRuntime.create(new TetherRuntime.Config());

  EnginePollingErrorsIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeRuntime() {
    runtime.close();
  }

  private EngineClient client(String url, String path) {
    return new EngineClient(runtime, EngineOptions.builder(HttpUrl.get(url)).path(path)
        .transports(true, false).handshakeTimeout(2, TimeUnit.SECONDS).build());
  }

  @ParameterizedTest(name = "HTTP {0} on the handshake -> {1}")
  @CsvSource({"400,BAD_REQUEST", "403,FORBIDDEN", "404,HTTP_ERROR", "413,PAYLOAD_TOO_LARGE",
      "500,SERVER_ERROR", "502,SERVER_ERROR", "503,SERVER_ERROR"})
  void httpErrorStatusesFailTheHandshakeWithTheirKind(int status, Kind kind) {
    EngineClient client = client(server.url(), "/errors/status/" + status + "/socket.io/").open();
    TransportException error = client.events.awaitOpenFailed();
    assertThat(error.kind()).isEqualTo(kind);
    assertThat(error.httpStatus()).isEqualTo(status);
    assertThat(error.serverMessage()).isEqualTo("status " + status);
    assertThat(error.getMessage()).contains("HTTP " + status);
  }

  @Test void realServerRefusesAnUnsupportedProtocolVersionAsBadRequest() {
    EngineProtocol version3 = new ForwardingProtocol(EngineIoV4.INSTANCE) {
      @Override public String version() {
        return "3";
      }
    };
    EngineClient client = new EngineClient(runtime,
        EngineOptions.builder(HttpUrl.get(server.url())).transports(true, false).protocol(version3).build()).open();
    TransportException error = client.events.awaitOpenFailed();
    assertThat(error.kind()).isEqualTo(Kind.BAD_REQUEST);
    assertThat(error.serverMessage()).isEqualTo("Unsupported protocol version");
  }

  @Test void garbageInsteadOfAHandshakeIsAProtocolError() {
    EngineClient client = client(server.url(), "/errors/garbage/socket.io/").open();
    assertThat(client.events.awaitOpenFailed().kind()).isEqualTo(Kind.PROTOCOL_ERROR);
  }

  @Test void anEmptyHandshakeBodyIsAProtocolError() {
    EngineClient client = client(server.url(), "/errors/empty/socket.io/").open();
    assertThat(client.events.awaitOpenFailed().kind()).isEqualTo(Kind.PROTOCOL_ERROR);
  }

  @Test void garbageInALaterPollIsATransportErrorOfKindProtocolError() {
    EngineClient client = client(server.url(), "/errors/handshake-then-garbage/socket.io/").open();
    client.events.awaitOpen();
    EngineRecorder.Event close = client.events.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    assertThat(close.error.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
  }

  @Test void aCloseInALaterPollIsATransportClose() {
    EngineClient client = client(server.url(), "/errors/handshake-then-close/socket.io/").open();
    client.events.awaitOpen();
    EngineRecorder.Event close = client.events.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(close.error).isNull();
  }

  @Test void aConnectionDroppedWithoutAnswerIsConnectionLost() {
    EngineClient client = client(server.url(), "/errors/reset/socket.io/").open();
    assertThat(client.events.awaitOpenFailed().kind()).isEqualTo(Kind.CONNECTION_LOST);
  }

  @Test void aServerThatNeverAnswersTheHandshakeTimesOut() {
    EngineClient client = client(server.url(), "/errors/hang/socket.io/").open();
    TransportException error = client.events.awaitOpenFailed();
    assertThat(error.kind()).isEqualTo(Kind.TIMEOUT);
  }

  @Test void aClosedPortIsConnectFailed() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    EngineClient client = client("http://127.0.0.1:" + port, "/socket.io/").open();
    assertThat(client.events.awaitOpenFailed().kind()).isEqualTo(Kind.CONNECT_FAILED);
  }

  @Test void tlsToAPlainHttpServerIsTlsFailed() {
    EngineClient client = client("https://127.0.0.1:" + server.port(), "/socket.io/").open();
    assertThat(client.events.awaitOpenFailed().kind()).isEqualTo(Kind.TLS_FAILED);
  }

  @Test void errorsNeverRevealTheSessionIdOrQueryValues() {
    EngineClient client = client(server.url() + "/?token=s3cret", "/errors/handshake-then-garbage/socket.io/").open();
    client.events.awaitOpen();
    TransportException error = client.events.awaitClose().error;
    assertThat(error.getMessage()).doesNotContain("s3cret").doesNotContain("sid=fake").contains("token=…");
  }

  /** Delegates everything; tests override the one method they want to change. */
  static class ForwardingProtocol implements EngineProtocol {
    private final EngineProtocol delegate;

    ForwardingProtocol(EngineProtocol delegate) {
      this.delegate = delegate;
    }

    @Override public String version() {
      return delegate.version();
    }

    @Override public byte[] encodePayload(java.util.List<EnginePacket> packets) {
      return delegate.encodePayload(packets);
    }

    @Override public long framedSize(EnginePacket packet, boolean first) {
      return delegate.framedSize(packet, first);
    }

    @Override public java.util.List<EnginePacket> decodePayload(byte[] body, int maxPackets)
        throws MalformedPacketException, IncomingLimitException {
      return delegate.decodePayload(body, maxPackets);
    }

    @Override public String encodeTextFrame(EnginePacket packet) {
      return delegate.encodeTextFrame(packet);
    }

    @Override public okio.ByteString encodeBinaryFrame(EnginePacket packet) {
      return delegate.encodeBinaryFrame(packet);
    }

    @Override public long frameSize(EnginePacket packet) {
      return delegate.frameSize(packet);
    }

    @Override public EnginePacket decodeTextFrame(String text) throws MalformedPacketException {
      return delegate.decodeTextFrame(text);
    }

    @Override public EnginePacket decodeBinaryFrame(okio.ByteString bytes) throws MalformedPacketException {
      return delegate.decodeBinaryFrame(bytes);
    }

    @Override public Handshake decodeHandshake(EnginePacket open) throws MalformedPacketException {
      return delegate.decodeHandshake(open);
    }

    @Override public Heartbeat newHeartbeat(Heartbeat.Host host) {
      return delegate.newHeartbeat(host);
    }
  }
}
