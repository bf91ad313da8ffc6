package dev.tether.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.TransportException.Kind;
import dev.tether.internal.TetherRuntime;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Engine.IO v4 over WebSocket and the polling → WebSocket upgrade, against the real server. */
class EngineWebSocketIntegrationTest {
  final TetherRuntime runtime = TetherRuntime.create(new TetherRuntime.Config());

  @AfterEach void closeRuntime() {
    runtime.close();
  }

  static EngineOptions.Builder options(SocketIoServer server) {
    return EngineOptions.builder(HttpUrl.get(server.url()));
  }

  static EngineOptions.Builder websocketOnly(SocketIoServer server) {
    return options(server).transports(false, true);
  }

  @Nested
  @RealServer("{\"tetherLogRequests\":true,\"cookie\":true,\"maxHttpBufferSize\":10000}")
  class AgainstADefaultServer {
    private final SocketIoServer server;

    AgainstADefaultServer(SocketIoServer server) {
      this.server = server;
    }

    @Test void opensASessionOverWebSocketOnly() throws IOException {
      EngineClient client = new EngineClient(runtime, websocketOnly(server).build()).openAndConnectNamespace();
      Handshake handshake = client.handshake();
      assertThat(handshake.upgrades()).isEmpty();
      assertThat(client.transportName()).isEqualTo("websocket");
      client.send("2[\"echo\",\"over ws\",{\"n\":[1,2]}]");
      assertThat(client.events.awaitText()).isEqualTo("2[\"echo\",\"over ws\",{\"n\":[1,2]}]");
      client.close();
      assertThat(client.events.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
      assertThat(requests(handshake.sid())).noneMatch(r -> r.get("transport").getAsString().equals("polling"));
    }

    @Test void carriesBinaryInBinaryFramesBothWays() {
      EngineClient client = new EngineClient(runtime, websocketOnly(server).build()).openAndConnectNamespace();
      client.send("52-[\"echo\",{\"_placeholder\":true,\"num\":0},{\"x\":{\"_placeholder\":true,\"num\":1}}]");
      client.sendBinary(new byte[] {1, 2, 3, 4});
      client.sendBinary(new byte[0]);
      assertThat(client.events.awaitText()).startsWith("52-[\"echo\"");
      assertThat(client.events.awaitMessage().binary().toByteArray()).containsExactly(1, 2, 3, 4);
      assertThat(client.events.awaitMessage().binary().toByteArray()).isEmpty();
      client.send("2[\"emit-binary\",5000]");
      assertThat(client.events.awaitText()).isEqualTo("51-[\"binary\",{\"_placeholder\":true,\"num\":0}]");
      byte[] data = client.events.awaitMessage().binary().toByteArray();
      assertThat(data).hasSize(5000);
      for (int i = 0; i < data.length; i++) assertThat(data[i] & 0xff).isEqualTo(i % 256);
      client.close();
      client.events.awaitClose();
    }

    @Test void upgradesUnderTrafficInBothDirectionsWithoutLossOrReordering() throws Exception {
      EngineClient client = new EngineClient(runtime, options(server).build());
      int total = 300;
      int[] sent = {0};
      int[] firstOverWebSocket = {-1};
      // On the loop, one echo per millisecond from the moment the session opens: the upgrade
      // happens somewhere inside this stream, whatever the timing of the machine.
      Runnable[] tick = new Runnable[1];
      tick[0] = () -> {
        try {
          if (client.socket.state() == EngineSocket.State.OPEN) {
            if (sent[0] == 0) {
              client.socket.send(EnginePacket.message("0"));
              client.socket.send(EnginePacket.message("2[\"emit-stream\",150,2]"));
            }
            if (firstOverWebSocket[0] < 0 && "websocket".equals(client.socket.transportName())) {
              firstOverWebSocket[0] = sent[0];
            }
            client.socket.send(EnginePacket.message("2[\"echo\"," + sent[0]++ + "]"));
          }
          if (sent[0] < total && client.socket.state() != EngineSocket.State.CLOSED) {
            client.loop.schedule(tick[0], 1, TimeUnit.MILLISECONDS);
          }
        } catch (TransportException e) {
          throw new AssertionError(e);
        }
      };
      client.open();
      client.loop.execute(tick[0]);
      client.events.awaitOpen();
      assertThat(client.events.awaitText()).startsWith("0{\"sid\":");

      int nextEcho = 0;
      int nextStreamed = 0;
      while (nextEcho < total || nextStreamed < 150) {
        JsonArray event = JsonParser.parseString(client.events.awaitText().substring(1)).getAsJsonArray();
        String name = event.get(0).getAsString();
        int n = event.get(1).getAsInt();
        if (name.equals("echo")) {
          assertThat(n).as("echo order").isEqualTo(nextEcho++);
        } else {
          assertThat(name).isEqualTo("streamed");
          assertThat(n).as("stream order").isEqualTo(nextStreamed++);
        }
      }
      assertThat(client.events.awaitUpgradeOutcome()).isEqualTo("websocket");
      int switchedAt = EngineTestSupport.call(client.loop, () -> firstOverWebSocket[0]);
      assertThat(switchedAt).as("echoes sent before the switch").isBetween(1, total - 1);
      client.close();
      assertThat(client.events.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    }

    @Test void serverClosingTheWebSocketIsNoticedAtOnceNotAtTheNextHeartbeat() {
      // Default heartbeat: 25 s + 20 s. Only the close frame itself can explain a quick close.
      EngineClient client = new EngineClient(runtime, websocketOnly(server).build()).openAndConnectNamespace();
      long start = System.nanoTime();
      client.send("2[\"engine-close\"]");
      EngineRecorder.Event close = client.events.awaitClose();
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(close.value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
      assertThat(close.error).isNull();
      assertThat(elapsedMillis).isLessThan(1000);
    }

    @Test void serverClosingTheSessionDeliversItsDisconnectFirst() {
      EngineClient client = new EngineClient(runtime, websocketOnly(server).build()).openAndConnectNamespace();
      client.send("2[\"server-close\"]");
      assertThat(client.events.awaitText()).isEqualTo("1");
      assertThat(client.events.awaitClose().value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    }

    @Test void sendsTheServersCookieOnEveryPollingRequestAndOnTheUpgrade() throws Exception {
      EngineClient client = new EngineClient(runtime, options(server).build()).openAndConnectNamespace();
      assertThat(client.events.awaitUpgradeOutcome()).isEqualTo("websocket");
      client.send("2[\"echo\",\"after upgrade\"]");
      assertThat(client.events.awaitText()).isEqualTo("2[\"echo\",\"after upgrade\"]");
      String sid = client.handshake().sid();
      List<JsonObject> requests = requests(sid);
      assertThat(requests).hasSizeGreaterThan(2);
      assertThat(requests).extracting(r -> r.get("transport").getAsString()).contains("polling", "websocket");
      assertThat(requests).allSatisfy(r ->
          assertThat(r.get("cookie").isJsonNull() ? "" : r.get("cookie").getAsString()).contains("io=" + sid));
      client.close();
      client.events.awaitClose();
    }

    @Test void rememberUpgradeStartsTheNextSessionOnWebSocket() throws Exception {
      TransportMemory memory = new TransportMemory();
      EngineOptions remember = options(server).rememberUpgrade(true).build();
      EngineClient first = new EngineClient(runtime, remember, memory).openAndConnectNamespace();
      assertThat(first.events.awaitUpgradeOutcome()).isEqualTo("websocket");
      first.close();
      first.events.awaitCloseSkippingMessages();

      EngineClient second = new EngineClient(runtime, remember, memory).openAndConnectNamespace();
      assertThat(second.transportName()).isEqualTo("websocket");
      assertThat(requests(second.handshake().sid()))
          .noneMatch(r -> r.get("transport").getAsString().equals("polling"));
      second.close();
      second.events.awaitClose();
    }

    @Test void aPacketTooLargeForTheServerIsRefusedBeforeItIsSent() {
      EngineClient client = new EngineClient(runtime, websocketOnly(server).build()).openAndConnectNamespace();
      String exact = "2[\"echo\",\"" + "a".repeat(10000 - 1 - 12) + "\"]"; // frame of 10000 bytes
      client.send(exact);
      assertThat(client.events.awaitText()).isEqualTo(exact);
      assertThatThrownBy(() -> client.send(exact + " "))
          .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PAYLOAD_TOO_LARGE));
      client.close();
      client.events.awaitClose();
    }

    @Test void aFrameTheServerFindsTooLargeIsATransportErrorOfKindPayloadTooLarge() {
      // A server that announces more than it accepts: its 1009 close must surface as such.
      EngineProtocol lying = new EnginePollingErrorsIntegrationTest.ForwardingProtocol(EngineIoV4.INSTANCE) {
        @Override public Handshake decodeHandshake(EnginePacket open) throws MalformedPacketException {
          Handshake real = super.decodeHandshake(open);
          return new Handshake(real.sid(), real.upgrades(), real.pingIntervalMillis(), real.pingTimeoutMillis(),
              real.maxPayload() * 10);
        }
      };
      EngineClient client = new EngineClient(runtime, websocketOnly(server).protocol(lying).build())
          .openAndConnectNamespace();
      client.send("2[\"echo\",\"" + "a".repeat(20000) + "\"]");
      EngineRecorder.Event close = client.events.awaitClose();
      assertThat(close.value).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
      assertThat(close.error.kind()).isEqualTo(Kind.PAYLOAD_TOO_LARGE);
    }

    @Test void aWebSocketSpeakingTheWrongProtocolVersionIsAProtocolError() {
      // The server completes the 101, then writes an HTTP error onto the socket: not WebSocket framing.
      EngineProtocol version3 = new EnginePollingErrorsIntegrationTest.ForwardingProtocol(EngineIoV4.INSTANCE) {
        @Override public String version() {
          return "3";
        }
      };
      EngineClient client = new EngineClient(runtime, websocketOnly(server).protocol(version3).build()).open();
      TransportException error = client.events.awaitOpenFailed();
      assertThat(error.kind()).isIn(Kind.PROTOCOL_ERROR, Kind.CONNECTION_LOST);
    }

    @Test void loneSurrogatesInEngineTextAreSentAsReplacementCharactersOnBothTransports() {
      for (EngineOptions options : List.of(websocketOnly(server).build(), options(server).transports(true, false).build())) {
        EngineClient client = new EngineClient(runtime, options).openAndConnectNamespace();
        client.send("2[\"echo\",\"x\ud83dy\"]");
        assertThat(client.events.awaitText()).isEqualTo("2[\"echo\",\"x\ufffdy\"]");
        client.close();
        client.events.awaitClose();
      }
    }

    @Test void httpErrorsOnTheWebSocketHandshakeAreTyped() {
      EngineClient refused = new EngineClient(runtime,
          websocketOnly(server).path("/errors/status/400/socket.io/").build()).open();
      TransportException error = refused.events.awaitOpenFailed();
      assertThat(error.kind()).isEqualTo(Kind.BAD_REQUEST);
      assertThat(error.httpStatus()).isEqualTo(400);

      EngineClient unavailable = new EngineClient(runtime,
          websocketOnly(server).path("/errors/status/503/socket.io/").build()).open();
      assertThat(unavailable.events.awaitOpenFailed().kind()).isEqualTo(Kind.SERVER_ERROR);

      EngineClient reset = new EngineClient(runtime,
          websocketOnly(server).path("/errors/reset/socket.io/").build()).open();
      assertThat(reset.events.awaitOpenFailed().kind()).isEqualTo(Kind.CONNECTION_LOST);
    }

    private List<JsonObject> requests(String sid) throws IOException {
      HttpUrl url = HttpUrl.get(server.url()).newBuilder().encodedPath("/__requests").addQueryParameter("sid", sid).build();
      try (Response response = new OkHttpClient().newCall(new Request.Builder().url(url).build()).execute()) {
        List<JsonObject> result = new ArrayList<>();
        for (JsonElement element : JsonParser.parseString(response.body().string()).getAsJsonArray()) {
          result.add(element.getAsJsonObject());
        }
        return result;
      }
    }
  }

  @Nested
  @RealServer("{\"allowUpgrades\":false}")
  class AgainstAServerThatAllowsNoUpgrade {
    private final SocketIoServer server;

    AgainstAServerThatAllowsNoUpgrade(SocketIoServer server) {
      this.server = server;
    }

    @Test void staysOnPollingWithoutProbing() {
      EngineClient client = new EngineClient(runtime, options(server).build()).openAndConnectNamespace();
      assertThat(client.handshake().upgrades()).isEmpty();
      client.send("2[\"echo\",1]");
      assertThat(client.events.awaitText()).isEqualTo("2[\"echo\",1]");
      assertThat(client.transportName()).isEqualTo("polling");
      assertThat(client.events.hasUpgradeOutcome()).isFalse();
      client.close();
      client.events.awaitClose();
    }
  }

  @Nested
  @RealServer("{\"tetherRejectWebsocket\":true}")
  class AgainstAServerThatRefusesWebSockets {
    private final SocketIoServer server;

    AgainstAServerThatRefusesWebSockets(SocketIoServer server) {
      this.server = server;
    }

    @Test void aRefusedUpgradeIsReportedAndTheSessionCarriesOnOverPolling() throws Exception {
      EngineClient client = new EngineClient(runtime, options(server).build()).openAndConnectNamespace();
      Object outcome = client.events.awaitUpgradeOutcome();
      assertThat(outcome).isInstanceOfSatisfying(TransportException.class,
          e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST));
      client.send("2[\"echo\",\"still polling\"]");
      assertThat(client.events.awaitText()).isEqualTo("2[\"echo\",\"still polling\"]");
      assertThat(client.transportName()).isEqualTo("polling");
      client.close();
      assertThat(client.events.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    }

    @Test void websocketOnlyFailsToOpenWithTheRefusal() {
      EngineClient client = new EngineClient(runtime, websocketOnly(server).build()).open();
      TransportException error = client.events.awaitOpenFailed();
      assertThat(error.kind()).isEqualTo(Kind.BAD_REQUEST);
      assertThat(error.serverMessage()).isEqualTo("Bad request");
    }

    @Test void aRememberedUpgradeThatNoLongerWorksFallsBackToPolling() throws Exception {
      TransportMemory memory = new TransportMemory();
      memory.websocketWorked(true);
      EngineClient client = new EngineClient(runtime, options(server).rememberUpgrade(true).build(), memory)
          .openAndConnectNamespace();
      assertThat(client.transportName()).isEqualTo("polling");
      assertThat(memory.websocketWorked()).isFalse();
      client.close();
      client.events.awaitCloseSkippingMessages();
    }
  }

  @Nested
  @RealServer("{\"transports\":[\"polling\"]}")
  class AgainstAPollingOnlyServer {
    private final SocketIoServer server;

    AgainstAPollingOnlyServer(SocketIoServer server) {
      this.server = server;
    }

    @Test void websocketOnlyFailsFastWhenTheServerDropsTheUpgrade() {
      EngineClient client = new EngineClient(runtime, websocketOnly(server).build()).open();
      assertThat(client.events.awaitOpenFailed().kind()).isEqualTo(Kind.CONNECTION_LOST);
    }

    @Test void theDefaultModeStaysOnPolling() {
      EngineClient client = new EngineClient(runtime, options(server).build()).openAndConnectNamespace();
      assertThat(client.handshake().upgrades()).isEmpty();
      assertThat(client.transportName()).isEqualTo("polling");
      client.close();
      client.events.awaitClose();
    }
  }
}
