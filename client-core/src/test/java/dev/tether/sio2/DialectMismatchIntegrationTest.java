package dev.tether.sio2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ConnectError;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.Transport;
import dev.tether.TransportException;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The default dialect against the real socket.io 2.5.0: the connect fails with an error that names the right dialect. */
@RealServer(version = RealServer.Version.SOCKET_IO_2)
class DialectMismatchIntegrationTest {
  private final SocketIoServer server;
  private final Tether tether = Tether.create();

  DialectMismatchIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void close() {
    tether.close();
  }

  private ConnectError firstConnectError(SocketOptions options) {
    Socket socket = tether.socket(server.url(), options);
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    socket.onConnectError(errors::add);
    socket.connect();
    Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> !errors.isEmpty());
    socket.disconnect();
    return errors.get(0);
  }

  @Test void pollingHandshakeAnsweredInEngineIo3FramingNamesTheDialect() {
    ConnectError error = firstConnectError(SocketOptions.builder().reconnection(false).build());
    assertThat(error.cause()).isInstanceOf(TransportException.class);
    assertThat(((TransportException) error.cause()).kind()).isEqualTo(TransportException.Kind.PROTOCOL_ERROR);
    assertThat(error.message()).contains("socket.io 2.x").contains("dialect(Dialect.SOCKET_IO_2)");
  }

  @Test void webSocketConnectReplyWithoutSidNamesTheDialect() {
    ConnectError error = firstConnectError(SocketOptions.builder().reconnection(false).transports(Transport.WEBSOCKET).build());
    assertThat(error.message()).contains("socket.io 2.x").contains("dialect(Dialect.SOCKET_IO_2)");
  }
}
