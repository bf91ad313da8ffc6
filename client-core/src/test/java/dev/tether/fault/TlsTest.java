package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ConnectError;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.Transport;
import dev.tether.TransportException;
import dev.tether.TransportMode;
import dev.tether.testserver.SocketIoServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.CertificatePinner;
import okhttp3.OkHttpClient;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real server behind TLS with a test CA: a working https/wss session when the application's
 * {@code OkHttpClient} trusts that CA, and a clear {@code TLS_FAILED} connect error for an untrusted
 * certificate (the default: Tether never turns verification off), a hostname the certificate does not
 * name, and a certificate pin that does not match.
 */
class TlsTest {
  private static TestTls tls;
  private static SocketIoServer server;
  private Tether tether;

  @BeforeAll static void startServer() {
    tls = TestTls.create();
    server = tls.startServer("{}");
  }

  @AfterAll static void stopServer() {
    if (server != null) server.close();
  }

  @AfterEach void closeTether() {
    if (tether != null) tether.close();
  }

  private Tether tether(OkHttpClient client) {
    tether = Tether.builder().okHttpClient(client).build();
    return tether;
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aSessionOverTlsWorksWhenTheApplicationsClientTrustsTheCa(TransportMode mode) throws Exception {
    assertThat(server.url()).startsWith("https://127.0.0.1:");
    List<Transport> upgrades = new CopyOnWriteArrayList<>();
    Socket socket = tether(tls.trustingClient().build()).socket(server.url(), mode.options());
    socket.manager().onUpgrade(upgrades::add);
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertThat(socket.emitWithAck("ack", "over tls", new byte[] {1, 2, 3}).await(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .arg(0)).isEqualTo("over tls");
    if (mode == TransportMode.UPGRADE) { // https polling, then wss
      eventually().untilAsserted(() -> assertThat(upgrades).containsExactly(Transport.WEBSOCKET));
      assertThat(socket.emitWithAck("transport").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0))
          .isEqualTo("websocket");
    }
    assertThat(socket.manager().transport())
        .isEqualTo(mode == TransportMode.POLLING ? Transport.POLLING : Transport.WEBSOCKET);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = {"POLLING", "WEBSOCKET"})
  void anUntrustedCertificateIsATlsErrorByDefault(TransportMode mode) {
    tether = Tether.create(); // the platform's trust store, which does not know the test CA
    TransportException error = tlsFailure(tether.socket(server.url(), once(mode)));
    assertThat(error.getCause()).isInstanceOf(SSLHandshakeException.class);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = {"POLLING", "WEBSOCKET"})
  void aHostnameTheCertificateDoesNotNameIsATlsError(TransportMode mode) {
    // The certificate names 127.0.0.1; "localhost" reaches the same server under another name.
    String url = server.url().replace("127.0.0.1", "localhost");
    TransportException error = tlsFailure(tether(tls.trustingClient().build()).socket(url, once(mode)));
    assertThat(error.getCause()).isInstanceOf(SSLPeerUnverifiedException.class);
    assertThat(error.getMessage()).contains("Hostname localhost not verified");
  }

  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = {"POLLING", "WEBSOCKET"})
  void aCertificatePinThatDoesNotMatchIsATlsError(TransportMode mode) {
    HeldCertificate other = new HeldCertificate.Builder().commonName("someone else").build();
    OkHttpClient pinned = tls.trustingClient().certificatePinner(new CertificatePinner.Builder()
        .add("127.0.0.1", CertificatePinner.pin(other.certificate())).build()).build();
    TransportException error = tlsFailure(tether(pinned).socket(server.url(), once(mode)));
    assertThat(error.getCause()).isInstanceOf(SSLPeerUnverifiedException.class);
    assertThat(error.getMessage()).contains("Certificate pinning failure");
  }

  @Test void aCertificatePinThatMatchesConnects() throws Exception {
    OkHttpClient pinned = tls.trustingClient().certificatePinner(new CertificatePinner.Builder()
        .add("127.0.0.1", CertificatePinner.pin(tls.authority.certificate())).build()).build();
    Socket socket = tether(pinned).socket(server.url(), TransportMode.UPGRADE.options());
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(socket.emitWithAck("ack", "pinned").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("pinned");
  }

  /** No reconnection: the one attempt's error is the answer. */
  private static SocketOptions once(TransportMode mode) {
    return mode.builder().reconnection(false).build();
  }

  /** Connects, expects exactly one connect error, and returns its {@code TLS_FAILED} cause. */
  private static TransportException tlsFailure(Socket socket) {
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    socket.onConnectError(errors::add);
    socket.connect();
    eventually().untilAsserted(() -> assertThat(errors).hasSize(1));
    Throwable cause = errors.get(0).cause();
    assertThat(cause).isInstanceOf(TransportException.class);
    TransportException error = (TransportException) cause;
    assertThat(error.kind()).as("kind of %s", error).isEqualTo(TransportException.Kind.TLS_FAILED);
    assertThat(socket.isConnected()).isFalse();
    return error;
  }
}
