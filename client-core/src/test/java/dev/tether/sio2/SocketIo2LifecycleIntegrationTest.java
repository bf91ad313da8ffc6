package dev.tether.sio2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ConnectError;
import dev.tether.ConnectionState;
import dev.tether.Dialect;
import dev.tether.DisconnectReason;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.TransportMode;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The socket.io 2.x dialect over a connection's life: client heartbeats, a server restart, a wrong server. */
class SocketIo2LifecycleIntegrationTest {
  private final Tether tether = Tether.create();

  @AfterEach void close() {
    tether.close();
  }

  private static SocketOptions.Builder v2(TransportMode mode) {
    return mode.builder().dialect(Dialect.SOCKET_IO_2).reconnectionDelay(100, 200, TimeUnit.MILLISECONDS);
  }

  /** A 2.x server drops a client that does not ping within pingInterval + pingTimeout (500 ms here). */
  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void clientHeartbeatsKeepTheSessionAlive(TransportMode mode) throws Exception {
    try (SocketIoServer server = SocketIoServer.startV2("{\"pingInterval\":300,\"pingTimeout\":200}")) {
      Socket root = tether.socket(server.url(), v2(mode).build()).connect();
      root.awaitConnected(10, TimeUnit.SECONDS);
      String id = root.id();
      List<ConnectionState> states = new CopyOnWriteArrayList<>();
      root.onStateChange(states::add);
      Awaitility.await().during(Duration.ofMillis(2_000)).atMost(Duration.ofSeconds(5)).until(root::isConnected);
      assertThat(states).isEmpty();
      assertThat(root.id()).isEqualTo(id);
    }
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aServerRestartIsFollowedByAReconnectionWithANewId(TransportMode mode) throws Exception {
    SocketIoServer first = SocketIoServer.startV2("{}");
    int port = first.port();
    Socket chat = tether.socket(first.url() + "/chat", v2(mode).auth(java.util.Collections.singletonMap("t", "1")).build()).connect();
    chat.awaitConnected(10, TimeUnit.SECONDS);
    String before = chat.id();
    first.close();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !chat.isConnected());
    try (SocketIoServer second = SocketIoServer.startV2("{}", port)) {
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(chat::isConnected);
      assertThat(chat.id()).startsWith("/chat#").isNotEqualTo(before);
      assertThat(chat.recovered()).isFalse();
      assertThat(chat.emitWithAck("ack", "back").await(10, TimeUnit.SECONDS).arg(0, String.class)).isEqualTo("back");
    }
  }

  /** A frozen 2.x server answers no ping: the client's own heartbeat finds it, then it reconnects after the thaw. */
  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = {"POLLING", "WEBSOCKET"})
  void aServerThatStopsAnsweringPingsIsAPingTimeoutAndTheSocketReconnects(TransportMode mode) throws Exception {
    try (SocketIoServer server = SocketIoServer.startV2("{\"pingInterval\":300,\"pingTimeout\":300}")) {
      Socket root = tether.socket(server.url(), v2(mode).build()).connect();
      root.awaitConnected(10, TimeUnit.SECONDS);
      List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
      root.onDisconnect(reasons::add);
      signal(server.pid(), "STOP");
      try {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !reasons.isEmpty());
        assertThat(reasons).containsExactly(DisconnectReason.PING_TIMEOUT);
      } finally {
        signal(server.pid(), "CONT");
      }
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(root::isConnected);
      assertThat(root.emitWithAck("ack", "alive").await(10, TimeUnit.SECONDS).arg(0, String.class)).isEqualTo("alive");
    }
  }

  private static void signal(long pid, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
    assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  @Test void theSocketIo2DialectAgainstASocketIo4ServerWithoutAllowEio3NamesTheDefaultDialect() throws Exception {
    try (SocketIoServer server = SocketIoServer.start("{}")) {
      Socket socket = tether.socket(server.url(), SocketOptions.builder().dialect(Dialect.SOCKET_IO_2).reconnection(false).build());
      List<ConnectError> errors = new CopyOnWriteArrayList<>();
      socket.onConnectError(errors::add);
      socket.connect();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !errors.isEmpty());
      assertThat(errors.get(0).message()).contains("dialect(Dialect.SOCKET_IO_3_4)").contains("allowEIO3");
    }
  }
}
