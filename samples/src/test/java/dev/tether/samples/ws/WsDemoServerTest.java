package dev.tether.samples.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The plain WebSocket demo servers, talked to with a plain OkHttp WebSocket client. */
class WsDemoServerTest {

  private static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(0, TimeUnit.MILLISECONDS).build();

  @AfterAll
  static void shutDownOkHttp() {
    HTTP.dispatcher().executorService().shutdown();
    HTTP.connectionPool().evictAll();
  }

  @Test
  void textServerGreetsPushesAndLogsWhatTheClientSends() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (WsDemoServer server = WsDemoServer.startText(Duration.ofMillis(100), lines::add)) {
      assertThat(server.url()).isEqualTo("ws://127.0.0.1:" + server.port() + "/");
      Client client = Client.open(server.url());

      assertThat(client.next()).isEqualTo("welcome, client-1: a message from the server follows every 100 ms");
      assertThat(client.next()).isEqualTo("message #1 from the server");
      assertThat(client.next()).isEqualTo("message #2 from the server");

      client.webSocket.send("클라이언트에서 서버로 답장 — ünïcödé");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(lines).contains("received from client-1: 클라이언트에서 서버로 답장 — ünïcödé"));

      client.webSocket.close(1000, "bye");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(lines).contains("disconnected client-1: 1000 bye"));
      assertThat(lines.get(0)).startsWith("connected client-1 from ");
      assertThat(server.output()).startsWith("WS_TEXT_SERVER_LISTENING " + server.port());
    }
  }

  @Test
  void envelopeServerAnswersJoinAndSurvivesFramesThatAreNotEnvelopes() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (WsDemoServer server = WsDemoServer.startEnvelope(lines::add)) {
      Client client = Client.open(server.url());

      client.webSocket.send("this is not JSON");
      client.webSocket.send("[\"an array\"]");
      client.webSocket.send("{\"name\":\"join\",\"data\":{\"room\":\"général\"}}");
      client.webSocket.send("{\"name\":\"chat\",\"data\":\"hi\"}");

      String error = "{\"name\":\"error\",\"data\":{\"message\":\"not a JSON envelope {\\\"name\\\": ..., \\\"data\\\": ...}\"}}";
      assertThat(JsonParser.parseString(client.next())).isEqualTo(JsonParser.parseString(error));
      assertThat(JsonParser.parseString(client.next())).isEqualTo(JsonParser.parseString(error));
      assertThat(JsonParser.parseString(client.next()))
          .isEqualTo(JsonParser.parseString("{\"name\":\"hello\",\"data\":{\"a\":\"123\",\"b\":\"234\"}}"));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lines).contains(
          "unparsable frame from client-1: this is not JSON",
          "unparsable frame from client-1: [\"an array\"]",
          "message from client-1: join {\"room\":\"général\"}",
          "message from client-1: chat \"hi\""));

      // Still serving: another client is answered too.
      Client second = Client.open(server.url());
      second.webSocket.send("{\"name\":\"join\"}");
      assertThat(JsonParser.parseString(second.next()).getAsJsonObject().get("name").getAsString())
          .isEqualTo("hello");
      assertThat(server.isAlive()).isTrue();
    }
  }

  @Test
  void closeStopsTheServer() {
    WsDemoServer server = WsDemoServer.startEnvelope();
    assertThat(server.isAlive()).isTrue();
    assertThat(server.output()).contains("WS_ENVELOPE_SERVER_LISTENING " + server.port());

    server.close();
    server.close(); // idempotent

    assertThat(server.isAlive()).isFalse();
  }

  /** A WebSocket client that queues the text frames it gets. */
  private static final class Client extends WebSocketListener {
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final CompletableFuture<Response> opened = new CompletableFuture<>();
    WebSocket webSocket;

    static Client open(String url) throws Exception {
      Client client = new Client();
      client.webSocket = HTTP.newWebSocket(new Request.Builder().url(url).build(), client);
      client.opened.get(10, TimeUnit.SECONDS);
      return client;
    }

    String next() throws InterruptedException {
      String text = texts.poll(10, TimeUnit.SECONDS);
      assertThat(text).as("a text frame within 10 s").isNotNull();
      return text;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      opened.complete(response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      texts.add(text);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      opened.completeExceptionally(t);
    }
  }
}
