package dev.tether.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * A plain OkHttp WebSocket client that records what it gets, for the harness's own tests (Tether's
 * client is what the harness exists for, so it is not used to test it).
 */
final class WsClient extends WebSocketListener {

    static final long TIMEOUT_SECONDS = 10;

    /** How the server closed: its close frame. */
    record Close(int code, String reason) {}

    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>(); // String or ByteString
    final CompletableFuture<Response> opened = new CompletableFuture<>();
    final CompletableFuture<Close> closing = new CompletableFuture<>();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    final CompletableFuture<Response> failureResponse = new CompletableFuture<>();
    WebSocket webSocket;

    static WsClient connect(OkHttpClient http, String url) {
        return connect(http, url, Map.of());
    }

    static WsClient connect(OkHttpClient http, String url, Map<String, String> headers) {
        WsClient client = new WsClient();
        Request.Builder request = new Request.Builder().url(url);
        headers.forEach(request::header);
        client.webSocket = http.newWebSocket(request.build(), client);
        return client;
    }

    /** Connects and waits until the handshake succeeded. */
    static WsClient open(OkHttpClient http, String url) throws Exception {
        WsClient client = connect(http, url);
        client.awaitOpen();
        return client;
    }

    void awaitOpen() throws Exception {
        CompletableFuture.anyOf(opened, failure).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(failure).as("the handshake failed").isNotDone();
    }

    String nextText() throws InterruptedException {
        Object message = next();
        assertThat(message).as("a text frame").isInstanceOf(String.class);
        return (String) message;
    }

    ByteString nextBinary() throws InterruptedException {
        Object message = next();
        assertThat(message).as("a binary frame").isInstanceOf(ByteString.class);
        return (ByteString) message;
    }

    Object next() throws InterruptedException {
        Object message = messages.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(message).as("a frame within %d s", TIMEOUT_SECONDS).isNotNull();
        return message;
    }

    Close awaitClosing() throws Exception {
        return closing.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    Throwable awaitFailure() throws Exception {
        return failure.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    void send(String text) {
        assertThat(webSocket.send(text)).as("queued " + text).isTrue();
    }

    void send(ByteString bytes) {
        assertThat(webSocket.send(bytes)).as("queued %d bytes", bytes.size()).isTrue();
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
        opened.complete(response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
        messages.add(text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
        messages.add(bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
        closing.complete(new Close(code, reason));
        webSocket.close(code == 1005 ? 1000 : code, null); // answer the close frame
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
        closed.complete(new Close(code, reason));
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        failure.complete(t);
        if (response != null) {
            failureResponse.complete(response);
        }
    }
}
