package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@RealServer
class SocketSmokeTest {
  private final SocketIoServer server;
  private final Tether tether = Tether.create();

  SocketSmokeTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void close() {
    tether.close();
  }

  @Test void connectsEchoesAndAcks() throws Exception {
    Socket socket = tether.socket(server.url());
    socket.connect();
    socket.awaitConnected(10, TimeUnit.SECONDS);
    assertThat(socket.id()).isNotNull();
    socket.emit("echo", "hi", 5, new byte[] {1, 2, 3});
    Event echo = socket.awaitEvent("echo", 10, TimeUnit.SECONDS);
    assertThat(echo.arg(0, String.class)).isEqualTo("hi");
    assertThat(echo.arg(1)).isEqualTo(5L);
    assertThat(echo.arg(2, byte[].class)).containsExactly(1, 2, 3);
    Args reply = socket.emitWithAck("ack", "x", 1).await(10, TimeUnit.SECONDS);
    assertThat(reply.arg(0, String.class)).isEqualTo("x");
    socket.disconnect();
  }
}
