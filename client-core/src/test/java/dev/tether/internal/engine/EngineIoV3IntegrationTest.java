package dev.tether.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.internal.TetherRuntime;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineSocket} with {@link EngineIoV3} against the real legacy servers (docs/protocol.md §22):
 * socket.io 2.5.0, and socket.io 4.x started with {@code allowEIO3}. Both run a short heartbeat
 * (300 ms + 200 ms), so a client that did not ping would be dropped within half a second. Socket.IO
 * strings are written by hand: on both servers the root namespace is joined without asking, its
 * CONNECT ({@code 0}) arrives by itself.
 */
class EngineIoV3IntegrationTest {
  private static final String HEARTBEAT = "\"pingInterval\":300,\"pingTimeout\":200";
  private static final String UNICODE_ECHO = "2[\"echo\",\"é€😀\",{\"n\":[1,2]}]";
  private static final String BINARY_ECHO = "51-[\"echo\",{\"_placeholder\":true,\"num\":0}]";

  final TetherRuntime runtime = TetherRuntime.create(new TetherRuntime.Config());

  @AfterEach void closeRuntime() {
    runtime.close();
  }

  /** The same scenarios against each server. */
  abstract class Scenarios {
    private final SocketIoServer server;

    Scenarios(SocketIoServer server) {
      this.server = server;
    }

    EngineOptions.Builder options() {
      return EngineOptions.builder(HttpUrl.get(server.url())).protocol(EngineIoV3.INSTANCE);
    }

    /** Opens and waits for the root CONNECT the server sends by itself. */
    EngineClient open(EngineOptions options) {
      EngineClient client = new EngineClient(runtime, options).open();
      client.events.awaitOpen();
      assertThat(client.events.awaitText()).isEqualTo("0");
      return client;
    }

    abstract long expectedMaxPayload();

    @Test void opensOverPollingAndCarriesTextAndBinaryBothWays() {
      EngineClient client = open(options().transports(true, false).build());
      Handshake handshake = client.handshake();
      assertThat(handshake.upgrades()).containsExactly("websocket");
      assertThat(handshake.pingIntervalMillis()).isEqualTo(300);
      assertThat(handshake.maxPayload()).isEqualTo(expectedMaxPayload());
      assertThat(client.transportName()).isEqualTo("polling");

      client.send(UNICODE_ECHO);
      assertThat(client.events.awaitText()).isEqualTo(UNICODE_ECHO);
      // The server answers binary with a binary (XHR2) payload: this session did not ask for base64.
      client.send(BINARY_ECHO);
      client.sendBinary(new byte[] {1, 2, 3, 4});
      assertThat(client.events.awaitText()).isEqualTo(BINARY_ECHO);
      assertThat(client.events.awaitMessage().binary().toByteArray()).containsExactly(1, 2, 3, 4);

      client.close();
      assertThat(client.events.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    }

    @Test void opensOverWebSocketOnlyWithTypedBinaryFrames() {
      EngineClient client = open(options().transports(false, true).build());
      assertThat(client.handshake().upgrades()).isEmpty();
      assertThat(client.transportName()).isEqualTo("websocket");

      client.send(UNICODE_ECHO);
      assertThat(client.events.awaitText()).isEqualTo(UNICODE_ECHO);
      client.send(BINARY_ECHO);
      client.sendBinary(new byte[] {1, 2, 3, 4});
      assertThat(client.events.awaitText()).isEqualTo(BINARY_ECHO);
      assertThat(client.events.awaitMessage().binary().toByteArray()).containsExactly(1, 2, 3, 4);
      client.send("2[\"emit-binary\",3000]");
      assertThat(client.events.awaitText()).isEqualTo("51-[\"binary\",{\"_placeholder\":true,\"num\":0}]");
      byte[] data = client.events.awaitMessage().binary().toByteArray();
      assertThat(data).hasSize(3000);
      for (int i = 0; i < data.length; i++) assertThat(data[i] & 0xff).isEqualTo(i % 256);

      client.close();
      assertThat(client.events.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    }

    @Test void upgradesFromPollingToWebSocket() throws Exception {
      EngineClient client = open(options().build());
      assertThat(client.events.awaitUpgradeOutcome()).isEqualTo("websocket");
      assertThat(client.transportName()).isEqualTo("websocket");
      client.send(UNICODE_ECHO);
      assertThat(client.events.awaitText()).isEqualTo(UNICODE_ECHO);
      client.send("21[\"transport\"]");
      assertThat(client.events.awaitText()).isEqualTo("31[\"websocket\"]");
      client.close();
      client.events.awaitClose();
    }

    /** 8 events 200 ms apart: 1.6 s, more than three ping intervals and three times the server's patience. */
    private void staysAliveAcrossSeveralPingIntervals(EngineClient client) {
      client.send("2[\"emit-stream\",8,200]");
      for (int i = 0; i < 8; i++) assertThat(client.events.awaitText()).isEqualTo("2[\"streamed\"," + i + "]");
      assertThat(EngineTestSupport.call(client.loop, client.socket::isAlive)).isTrue();
      client.send(UNICODE_ECHO);
      assertThat(client.events.awaitText()).isEqualTo(UNICODE_ECHO);
      client.close();
      assertThat(client.events.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    }

    @Test void theHeartbeatKeepsAPollingSessionAlive() {
      staysAliveAcrossSeveralPingIntervals(open(options().transports(true, false).build()));
    }

    @Test void theHeartbeatKeepsAWebSocketSessionAlive() {
      staysAliveAcrossSeveralPingIntervals(open(options().transports(false, true).build()));
    }
  }

  @Nested
  @RealServer(value = "{" + HEARTBEAT + "}", version = RealServer.Version.SOCKET_IO_2)
  class AgainstSocketIo2 extends Scenarios {
    AgainstSocketIo2(SocketIoServer server) {
      super(server);
    }

    @Override long expectedMaxPayload() {
      return EngineIoV3.DEFAULT_MAX_PAYLOAD; // not announced: assumed
    }
  }

  @Nested
  @RealServer("{\"allowEIO3\":true,\"maxHttpBufferSize\":50000," + HEARTBEAT + "}")
  class AgainstSocketIo4WithAllowEio3 extends Scenarios {
    AgainstSocketIo4WithAllowEio3(SocketIoServer server) {
      super(server);
    }

    @Override long expectedMaxPayload() {
      return 50_000; // announced
    }
  }

  /** socket.io 2.x drops the connection (no 413) on a POST over its limit: batches must be cut to fit. */
  @Nested
  @RealServer(value = "{\"maxHttpBufferSize\":1000,\"tetherRejectWebsocket\":true}",
      version = RealServer.Version.SOCKET_IO_2)
  class AgainstSocketIo2WithASmallBufferAndNoWebSocket {
    private final SocketIoServer server;

    AgainstSocketIo2WithASmallBufferAndNoWebSocket(SocketIoServer server) {
      this.server = server;
    }

    private EngineClient open(EngineOptions options) {
      EngineClient client = new EngineClient(runtime, options).open();
      client.events.awaitOpen();
      assertThat(client.events.awaitText()).isEqualTo("0");
      return client;
    }

    @Test void batchesAreCutToTheAssumedMaxPayloadAndALargerPacketIsRefusedBeforeSending() {
      EngineClient client = open(EngineOptions.builder(HttpUrl.get(server.url()))
          .protocol(EngineIoV3.assumingMaxPayload(1000)).transports(true, false).build());
      assertThat(client.handshake().maxPayload()).isEqualTo(1000);
      List<String> events = new ArrayList<>();
      EngineTestSupport.onLoop(client.loop, () -> {
        for (int i = 0; i < 6; i++) {
          String event = "2[\"echo\"," + i + ",\"" + "€".repeat(130) + "\"]"; // 400+ bytes, 150 units
          events.add(event);
          client.socket.send(EnginePacket.message(event)); // queued together: several POSTs
        }
      });
      for (String event : events) assertThat(client.events.awaitText()).isEqualTo(event);

      assertThatThrownBy(() -> EngineTestSupport.onLoop(client.loop,
          () -> client.socket.send(EnginePacket.message("2[\"echo\",\"" + "x".repeat(1000) + "\"]"))))
          .isInstanceOfSatisfying(TransportException.class,
              e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.PAYLOAD_TOO_LARGE));
      client.send(UNICODE_ECHO);
      assertThat(client.events.awaitText()).isEqualTo(UNICODE_ECHO);
      client.close();
      assertThat(client.events.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    }

    @Test void aRefusedProbeLeavesTheSessionOnPolling() throws Exception {
      EngineClient client = open(EngineOptions.builder(HttpUrl.get(server.url())).protocol(EngineIoV3.INSTANCE).build());
      assertThat(client.events.awaitUpgradeOutcome()).isInstanceOf(TransportException.class);
      assertThat(client.transportName()).isEqualTo("polling");
      client.send(UNICODE_ECHO);
      assertThat(client.events.awaitText()).isEqualTo(UNICODE_ECHO);
      client.close();
      client.events.awaitClose();
    }
  }
}
