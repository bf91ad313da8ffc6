package dev.tether.plainws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * MockWebServer answering WebSocket upgrades, for transport edge cases of plain WebSockets: each
 * {@link #acceptUpgrade()} queues one answer, whose server side arrives in {@link #nextSocket()}.
 * Thread-safe: OkHttp's server threads record, the test thread reads with deadlines.
 */
final class MockWsServer implements AutoCloseable {
  static final long TIMEOUT_SECONDS = 10;

  final MockWebServer server = new MockWebServer();
  private final BlockingQueue<ServerSide> sockets = new LinkedBlockingQueue<>();

  MockWsServer() throws IOException {
    server.start();
  }

  /** {@code ws://127.0.0.1:port} + {@code path}. */
  String url(String path) {
    return "ws://" + server.getHostName() + ":" + server.getPort() + path;
  }

  ServerSide acceptUpgrade() {
    return acceptUpgrade(new MockResponse.Builder());
  }

  /** Queues an upgrade answered with {@code response}'s headers; returns its server side. */
  ServerSide acceptUpgrade(MockResponse.Builder response) {
    ServerSide side = new ServerSide();
    server.enqueue(response.webSocketUpgrade(side).build());
    return side;
  }

  ServerSide nextSocket() throws InterruptedException {
    ServerSide side = sockets.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(side).as("a WebSocket opened on the server").isNotNull();
    return side;
  }

  RecordedRequest takeRequest() throws InterruptedException {
    RecordedRequest request = server.takeRequest(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(request).as("a request reached the server").isNotNull();
    return request;
  }

  @Override public void close() throws IOException {
    server.close();
  }

  /** The server's end of one WebSocket: what it received, and the means to send and close. */
  final class ServerSide extends WebSocketListener {
    private final CountDownLatch opened = new CountDownLatch(1);
    private volatile @Nullable WebSocket ws;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<Integer> closeCodes = new LinkedBlockingQueue<>();

    @Override public void onOpen(WebSocket webSocket, Response response) {
      ws = webSocket;
      opened.countDown();
      sockets.add(this);
    }

    @Override public void onMessage(WebSocket webSocket, String text) {
      received.add(text);
    }

    @Override public void onMessage(WebSocket webSocket, ByteString bytes) {
      received.add(bytes);
    }

    @Override public void onClosing(WebSocket webSocket, int code, String reason) {
      closeCodes.add(code);
      webSocket.close(1000, null);
    }

    WebSocket ws() throws InterruptedException {
      assertThat(opened.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("server side open").isTrue();
      return ws;
    }

    void send(String text) throws InterruptedException {
      assertThat(ws().send(text)).isTrue();
    }

    void send(ByteString bytes) throws InterruptedException {
      assertThat(ws().send(bytes)).isTrue();
    }

    void close(int code, String reason) throws InterruptedException {
      ws().close(code, reason);
    }

    Object next() throws InterruptedException {
      Object message = received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(message).as("a message from the client").isNotNull();
      return message;
    }

    String nextText() throws InterruptedException {
      return (String) next();
    }

    ByteString nextBytes() throws InterruptedException {
      return (ByteString) next();
    }

    /** The code of the client's close frame. */
    int awaitClientClose() throws InterruptedException {
      Integer code = closeCodes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(code).as("the client closed").isNotNull();
      return code;
    }
  }
}
