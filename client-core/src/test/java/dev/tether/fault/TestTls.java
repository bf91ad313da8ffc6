package dev.tether.fault;

import dev.tether.testserver.SocketIoServer;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A test certificate authority and a server certificate it signed for {@code 127.0.0.1} (the host of
 * {@link SocketIoServer#url()}), made fresh for each test class. Applications pass trust the way a user
 * of Tether does: an {@code OkHttpClient} of their own, here one that trusts only this CA.
 *
 * <p>Immutable and thread-safe.
 */
final class TestTls {
  final HeldCertificate authority;
  final HeldCertificate server;
  /** Trusts {@link #authority} and nothing else. */
  final HandshakeCertificates clientTrust;

  private TestTls() {
    authority = new HeldCertificate.Builder().certificateAuthority(0).commonName("Tether Test CA").build();
    server = new HeldCertificate.Builder().commonName("127.0.0.1").addSubjectAlternativeName("127.0.0.1")
        .signedBy(authority).build();
    clientTrust = new HandshakeCertificates.Builder().addTrustedCertificate(authority.certificate()).build();
  }

  static TestTls create() {
    return new TestTls();
  }

  /** The real server over HTTPS/WSS with {@link #server}'s certificate (and the CA's, as its chain). */
  SocketIoServer startServer(String optionsJson) {
    return SocketIoServer.startTls(optionsJson, server.certificatePem() + authority.certificatePem(),
        server.privateKeyPkcs8Pem());
  }

  /** A client that trusts the test CA only, to build on (proxy, pins...). */
  OkHttpClient.Builder trustingClient() {
    return new OkHttpClient.Builder().sslSocketFactory(clientTrust.sslSocketFactory(), clientTrust.trustManager());
  }
}
