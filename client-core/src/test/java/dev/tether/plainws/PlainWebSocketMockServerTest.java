package dev.tether.plainws;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ConnectError;
import dev.tether.Envelope;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.TransportException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import okhttp3.OkHttpClient;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Transport edge cases of plain WebSockets on MockWebServer: the URL forms, cookies across
 * reconnections, TLS through the application's {@code OkHttpClient}.
 */
class PlainWebSocketMockServerTest {
  static final SocketOptions RAW = SocketOptions.builder().plainWebSocket(Envelope.raw())
      .reconnectionDelay(20, 50, MILLISECONDS).build();

  final MockWsServer ws;
  Tether tether = Tether.create();

  PlainWebSocketMockServerTest() throws Exception {
    ws = new MockWsServer();
  }

  @AfterEach void close() throws Exception {
    tether.close();
    ws.close();
  }

  @Test void theUrlIsUsedAsGivenWhateverItsScheme() throws Exception {
    for (String scheme : new String[] {"ws", "http"}) {
      ws.acceptUpgrade();
      String url = scheme + "://" + ws.server.getHostName() + ":" + ws.server.getPort() + "/api/v2/stream?room=a&x=";
      Socket socket = tether.socket(url, RAW);
      socket.connect().awaitConnected(10, SECONDS);
      RecordedRequest upgrade = ws.takeRequest();
      assertThat(upgrade.getTarget()).isEqualTo("/api/v2/stream?room=a&x=");
      assertThat(upgrade.getHeaders().get("Upgrade")).isEqualToIgnoringCase("websocket");
      socket.disconnect();
      assertThat(ws.nextSocket().awaitClientClose()).isEqualTo(1000);
    }
  }

  @Test void cookiesSetOnAnUpgradeGoBackOnTheNextOne() throws Exception {
    MockWsServer.ServerSide first = ws.acceptUpgrade(new MockResponse.Builder().addHeader("Set-Cookie", "lb=node7; Path=/"));
    ws.acceptUpgrade();
    Socket socket = tether.socket(ws.url("/feed"), RAW);
    socket.connect().awaitConnected(10, SECONDS);
    assertThat(ws.takeRequest().getHeaders().get("Cookie")).isNull();

    first.close(1001, "restarting"); // a load balancer draining the node: reconnect, to the same node
    RecordedRequest again = ws.takeRequest();
    assertThat(again.getHeaders().get("Cookie")).isEqualTo("lb=node7");
  }

  @Test void reconnectNowSkipsTheBackoffDelay() throws Exception {
    MockWsServer.ServerSide first = ws.acceptUpgrade();
    ws.acceptUpgrade();
    Socket socket = tether.socket(ws.url("/feed"), RAW.newBuilder().reconnectionDelay(60, 60, SECONDS).build());
    BlockingQueue<Integer> attempts = new LinkedBlockingQueue<>();
    socket.manager().onReconnectAttempt(attempts::add);
    socket.connect().awaitConnected(10, SECONDS);

    first.close(1011, "internal error");
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> socket.state() == dev.tether.ConnectionState.RECONNECTING);
    socket.manager().reconnectNow(); // instead of a minute's wait
    assertThat(attempts.poll(10, SECONDS)).isEqualTo(1);
    socket.awaitConnected(10, SECONDS);
  }

  @Test void wssUsesTheApplicationsClientForTls() throws Exception {
    HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName(ws.server.getHostName()).build();
    HandshakeCertificates serverCerts = new HandshakeCertificates.Builder().heldCertificate(certificate).build();
    ws.server.useHttps(serverCerts.sslSocketFactory());
    HandshakeCertificates clientCerts = new HandshakeCertificates.Builder().addTrustedCertificate(certificate.certificate()).build();
    OkHttpClient trusting = new OkHttpClient.Builder()
        .sslSocketFactory(clientCerts.sslSocketFactory(), clientCerts.trustManager()).build();
    String wss = "wss://" + ws.server.getHostName() + ":" + ws.server.getPort() + "/secure";

    // Without the application's trust, the handshake fails: a TLS_FAILED connect error.
    ws.acceptUpgrade();
    Socket untrusted = tether.socket(wss, RAW.newBuilder().reconnection(false).build());
    BlockingQueue<ConnectError> errors = new LinkedBlockingQueue<>();
    untrusted.onConnectError(errors::add);
    untrusted.connect();
    ConnectError error = errors.poll(10, SECONDS);
    assertThat(error).isNotNull();
    assertThat(((TransportException) error.cause()).kind()).isEqualTo(TransportException.Kind.TLS_FAILED);

    tether.close();
    tether = Tether.builder().okHttpClient(trusting).build();
    Socket socket = tether.socket(wss, RAW);
    socket.connect().awaitConnected(10, SECONDS);
    MockWsServer.ServerSide side = ws.nextSocket();
    socket.emit("message", "over TLS");
    assertThat(side.nextText()).isEqualTo("over TLS");
  }
}
