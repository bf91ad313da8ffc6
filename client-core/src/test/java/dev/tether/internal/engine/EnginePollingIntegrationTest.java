package dev.tether.internal.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.util.Utf8;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Engine.IO v4 over long-polling against the real socket.io 4.8.4 server (small heartbeat and
 * maxHttpBufferSize so heartbeat and batching are exercised quickly).
 */
@RealServer("{\"pingInterval\":300,\"pingTimeout\":200,\"maxHttpBufferSize\":1000}")
class EnginePollingIntegrationTest {
  private final SocketIoServer server;
  private final TetherRuntime runtime = TetherRuntime.create(new TetherRuntime.Config());
  private final OkHttpClient raw = new OkHttpClient();

  EnginePollingIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeRuntime() {
    runtime.close();
  }

  private EngineClient client() {
    return new EngineClient(runtime, EngineOptions.builder(HttpUrl.get(server.url())).transports(true, false).build());
  }

  @Test void handshakeReportsTheServersSettings() {
    EngineClient client = client().open();
    Handshake handshake = client.events.awaitOpen();
    assertThat(handshake.sid()).isNotEmpty();
    assertThat(handshake.upgrades()).containsExactly("websocket");
    assertThat(handshake.pingIntervalMillis()).isEqualTo(300);
    assertThat(handshake.pingTimeoutMillis()).isEqualTo(200);
    assertThat(handshake.maxPayload()).isEqualTo(1000);
    client.close();
    assertThat(client.events.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
  }

  @Test void exchangesEventsAndAcksWithTheServer() {
    EngineClient client = client().openAndConnectNamespace();
    client.send("2[\"echo\",\"hi\",1,{\"a\":null}]");
    assertThat(client.events.awaitText()).isEqualTo("2[\"echo\",\"hi\",1,{\"a\":null}]");
    client.send("21[\"ack\",\"x\",{\"a\":[1,2]}]");
    assertThat(client.events.awaitText()).isEqualTo("31[\"x\",{\"a\":[1,2]}]");
    client.send("20[\"ack\"]");
    assertThat(client.events.awaitText()).isEqualTo("30[]");
    client.close();
    client.events.awaitClose();
  }

  @Test void carriesBinaryAttachmentsBothWays() {
    EngineClient client = client().openAndConnectNamespace();
    client.send("52-[\"echo\",{\"_placeholder\":true,\"num\":0},{\"n\":{\"_placeholder\":true,\"num\":1}}]");
    client.sendBinary(new byte[] {1, 2, 3, 4});
    client.sendBinary(new byte[0]);
    assertThat(client.events.awaitText())
        .isEqualTo("52-[\"echo\",{\"_placeholder\":true,\"num\":0},{\"n\":{\"_placeholder\":true,\"num\":1}}]");
    assertThat(client.events.awaitMessage().binary().toByteArray()).containsExactly(1, 2, 3, 4);
    assertThat(client.events.awaitMessage().binary().toByteArray()).isEmpty();

    client.send("2[\"emit-binary\",600]");
    assertThat(client.events.awaitText()).isEqualTo("51-[\"binary\",{\"_placeholder\":true,\"num\":0}]");
    byte[] data = client.events.awaitMessage().binary().toByteArray();
    assertThat(data).hasSize(600);
    for (int i = 0; i < data.length; i++) assertThat(data[i] & 0xff).isEqualTo(i % 256);
    client.close();
    client.events.awaitClose();
  }

  @Test void answersEveryHeartbeatSoTheSessionOutlivesManyPingIntervals() throws Exception {
    EngineClient client = client().openAndConnectNamespace();
    // Without a pong the server drops the session 200 ms after its first ping (~500 ms in).
    client.events.awaitPings(6);
    client.send("2[\"echo\",\"still here\"]");
    assertThat(client.events.awaitText()).isEqualTo("2[\"echo\",\"still here\"]");
    client.close();
    assertThat(client.events.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
  }

  @Test void clientCloseTellsTheServerWhichForgetsTheSession() throws Exception {
    EngineClient client = client().openAndConnectNamespace();
    String sid = client.handshake().sid();
    client.send("2[\"echo\",\"last words\"]");
    client.close();
    EngineRecorder.Event close = client.events.awaitCloseSkippingMessages();
    assertThat(close.value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    assertThat(close.error).isNull();
    try (Response response = raw.newCall(new Request.Builder().url(pollingUrl(sid)).build()).execute()) {
      assertThat(response.code()).isEqualTo(400);
      assertThat(response.body().string()).contains("Session ID unknown");
    }
  }

  @Test void serverClosingTheSessionIsReportedAsTransportClose() {
    EngineClient client = client().openAndConnectNamespace();
    client.send("2[\"server-close\"]");
    assertThat(client.events.awaitText()).isEqualTo("1"); // Socket.IO DISCONNECT comes first
    EngineRecorder.Event close = client.events.awaitClose();
    assertThat(close.value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(close.error).isNull();
  }

  @Test void serverClosingTheEngineConnectionIsReportedAsTransportClose() {
    EngineClient client = client().openAndConnectNamespace();
    client.send("2[\"engine-close\"]");
    assertThat(client.events.awaitClose().value).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
  }

  @Test void sessionForgottenByTheServerIsATransportErrorOfKindSessionUnknown() throws Exception {
    EngineClient client = client().openAndConnectNamespace();
    String sid = client.handshake().sid();
    // Someone else closes the session under our feet; our next poll meets an unknown sid.
    RequestBody close = RequestBody.create("1", MediaType.get("text/plain;charset=UTF-8"));
    try (Response response = raw.newCall(new Request.Builder().url(pollingUrl(sid)).post(close).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    EngineRecorder.Event event = client.events.awaitClose();
    assertThat(event.value).isIn(DisconnectReason.TRANSPORT_ERROR, DisconnectReason.TRANSPORT_CLOSE);
    if (event.value == DisconnectReason.TRANSPORT_ERROR) {
      assertThat(event.error.kind()).isEqualTo(TransportException.Kind.SESSION_UNKNOWN);
      assertThat(event.error.httpStatus()).isEqualTo(400);
      assertThat(event.error.serverMessage()).isEqualTo("Session ID unknown");
      assertThat(event.error.getMessage()).doesNotContain(sid);
    }
  }

  @Test void batchesABurstIntoPostsThatRespectMaxPayloadInUtf8Bytes() {
    EngineClient client = client().openAndConnectNamespace();
    String euros = "€".repeat(30); // 30 chars, 90 bytes
    int count = 60; // about 6 KB in all: at least 6 POSTs under the 1000-byte limit
    EngineTestSupport.onLoop(client.loop, () -> {
      for (int i = 0; i < count; i++) client.socket.send(EnginePacket.message("2[\"echo\"," + i + ",\"" + euros + "\"]"));
    });
    for (int i = 0; i < count; i++) {
      assertThat(client.events.awaitText()).isEqualTo("2[\"echo\"," + i + ",\"" + euros + "\"]");
    }
    client.close();
    assertThat(client.events.awaitClose().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
  }

  @Test void aPacketOfExactlyMaxPayloadBytesIsSentAndOneByteMoreIsRefusedLocally() {
    EngineClient client = client().openAndConnectNamespace();
    String prefix = "2[\"echo\",\"";
    String suffix = "\"]";
    // framed size = 1 (type) + prefix + n * 3 bytes + padding + suffix, made exactly 1000
    int fixed = 1 + prefix.length() + suffix.length();
    int euros = (1000 - fixed) / 3;
    String exact = prefix + "€".repeat(euros) + "a".repeat(1000 - fixed - euros * 3) + suffix;
    assertThat(Utf8.size(exact) + 1).isEqualTo(1000);
    assertThat(exact.length()).isLessThan(1000);
    client.send(exact);
    assertThat(client.events.awaitText()).isEqualTo(exact);

    String tooBig = prefix + "€".repeat(euros) + "a".repeat(1000 - fixed - euros * 3 + 1) + suffix;
    assertThatThrownBy(() -> client.send(tooBig))
        .isInstanceOfSatisfying(TransportException.class,
            e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.PAYLOAD_TOO_LARGE));
    client.send("2[\"echo\",\"still open\"]");
    assertThat(client.events.awaitText()).isEqualTo("2[\"echo\",\"still open\"]");
    client.close();
    client.events.awaitClose();
  }

  @Test void utf8TextAndEscapedLoneSurrogatesSurviveTheRoundTrip() {
    EngineClient client = client().openAndConnectNamespace();
    client.send("2[\"echo\",\"é€😀\"]");
    assertThat(client.events.awaitText()).isEqualTo("2[\"echo\",\"é€😀\"]");

    String json = Utf8.escapeLoneSurrogates("[\"echo\",\"\ud83d\",\"x\udc00y\"]");
    client.send("2" + json);
    JsonArray echoed = JsonParser.parseString(client.events.awaitText().substring(1)).getAsJsonArray();
    assertThat(echoed.get(1).getAsString()).isEqualTo("\ud83d");
    assertThat(echoed.get(2).getAsString()).isEqualTo("x\udc00y");
    client.close();
    client.events.awaitClose();
  }

  @Test void serverPacketsQueuedWhileNoPollWasPendingAllArriveInOrder() {
    EngineClient client = client().openAndConnectNamespace();
    client.send("2[\"emit-count\",200,\"payload-é\"]");
    List<String> received = new ArrayList<>();
    for (int i = 0; i < 200; i++) received.add(client.events.awaitText());
    for (int i = 0; i < 200; i++) assertThat(received.get(i)).isEqualTo("2[\"counted\"," + i + ",\"payload-é\"]");
    client.close();
    client.events.awaitClose();
  }

  private HttpUrl pollingUrl(String sid) {
    return HttpUrl.get(server.url()).newBuilder().encodedPath("/socket.io/")
        .addQueryParameter("EIO", "4").addQueryParameter("transport", "polling")
        .addQueryParameter("sid", sid).build();
  }

  static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }
}
