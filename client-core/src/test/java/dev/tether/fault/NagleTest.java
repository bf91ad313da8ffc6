package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.TransportMode;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nagle's algorithm against the server's delayed ACK: OkHttp never sets {@code TCP_NODELAY}, so a
 * small write that follows an unacknowledged one (an emit right after an emit the server does not
 * answer, a close frame right after the DISCONNECT packet) waits in the client's kernel until the
 * server's delayed ACK, about 40 ms on Linux. Browsers disable Nagle for WebSockets.
 *
 * <p>Measured: {@code emit("noop"); emitWithAck("ack")} on loopback, the time to the ack.
 */
@RealServer
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NagleTest {
  private static final int ROUNDS = 21;

  private final SocketIoServer server;
  private Tether tether;

  NagleTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void tearDown() {
    if (tether != null) tether.close();
  }

  @Test
  void anEmitRightAfterAnotherIsNotHeldBackByNagle() throws Exception {
    tether = Tether.create();
    long median = medianMillis(tether);
    System.out.printf("NAGLE default OkHttp: emit + emitWithAck median %d ms%n", median);
    assertThat(median).as("median ms of emit + emitWithAck on loopback").isLessThan(20);
  }

  /** The same with TCP_NODELAY set through a user-supplied OkHttpClient: the expected behaviour. */
  @Test void withTcpNoDelayTheSecondEmitGoesOutAtOnce() throws Exception {
    tether = Tether.builder().okHttpClient(new OkHttpClient.Builder().socketFactory(new NoDelaySocketFactory()).build())
        .build();
    long median = medianMillis(tether);
    System.out.printf("NAGLE TCP_NODELAY: emit + emitWithAck median %d ms%n", median);
    assertThat(median).as("median ms of emit + emitWithAck on loopback").isLessThan(20);
  }

  private long medianMillis(Tether tether) throws Exception {
    Socket socket = tether.socket(server.url(), TransportMode.WEBSOCKET.builder().build());
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    long[] millis = new long[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      long start = System.nanoTime();
      socket.emit("noop", i); // the server has no handler: it answers nothing, so its ACK is delayed
      socket.emitWithAck("ack", i).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      millis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
    Arrays.sort(millis);
    return millis[ROUNDS / 2];
  }

  /** Plain sockets with Nagle's algorithm off. */
  static final class NoDelaySocketFactory extends SocketFactory {
    private final SocketFactory delegate = SocketFactory.getDefault();

    private static java.net.Socket noDelay(java.net.Socket socket) throws IOException {
      socket.setTcpNoDelay(true);
      return socket;
    }

    @Override public java.net.Socket createSocket() throws IOException {
      return noDelay(delegate.createSocket());
    }

    @Override public java.net.Socket createSocket(String host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override public java.net.Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override public java.net.Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override public java.net.Socket createSocket(InetAddress address, int port, InetAddress localAddress,
        int localPort) throws IOException {
      return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }
  }
}
