package dev.tether.sio2;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;

/** The same client code as {@link SocketIo2IntegrationTest}, against socket.io 4.8.4 with {@code allowEIO3: true}. */
@RealServer(value = "{\"allowEIO3\":true}", version = RealServer.Version.SOCKET_IO_4)
class SocketIo4AllowEio3IntegrationTest extends SocketIo2IntegrationTest {
  SocketIo4AllowEio3IntegrationTest(SocketIoServer server) {
    super(server);
  }
}
