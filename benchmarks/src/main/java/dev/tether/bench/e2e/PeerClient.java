package dev.tether.bench.e2e;

import dev.tether.bench.Msg;
import dev.tether.bench.Tick;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.Polling;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.json.JSONObject;

/**
 * The peer, io.socket:socket.io-client 2.1.2, configured as its README tells a careful user to: one
 * shared OkHttpClient (here OkHttp 5.5.1, as Tether, instead of the 3.12 it declares) with a one-minute read
 * timeout for long-polling, and a Dispatcher without the default limits of 64 requests, 5 per host
 * (each long-poll and each WebSocket holds one request for its whole life). Payloads are org.json
 * objects, its API's natural form.
 */
final class PeerClient implements Client {
  static final int MAX_REQUESTS = 1 << 20;

  private final OkHttpClient http;

  PeerClient() {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(MAX_REQUESTS);
    dispatcher.setMaxRequestsPerHost(MAX_REQUESTS);
    http = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .readTimeout(1, TimeUnit.MINUTES)
        .build();
  }

  @Override public Conn open(String url, Transports transports) {
    IO.Options options = new IO.Options();
    options.forceNew = true;
    options.reconnection = false;
    options.callFactory = http;
    options.webSocketFactory = http;
    if (transports == Transports.WEBSOCKET) options.transports = new String[] {WebSocket.NAME};
    if (transports == Transports.POLLING) options.transports = new String[] {Polling.NAME};
    Socket socket = IO.socket(URI.create(url), options);
    return new Conn() {
      @Override public void onEcho(Consumer<Msg> listener) {
        socket.on("echo", args -> {
          if (args[0] instanceof JSONObject) listener.accept(Msg.fromJson((JSONObject) args[0]));
        });
      }

      @Override public void onBinaryEcho(Consumer<byte[]> listener) {
        socket.on("echo", args -> {
          if (args[0] instanceof byte[]) listener.accept((byte[]) args[0]);
        });
      }

      @Override public void onTick(Consumer<Tick> listener) {
        socket.on("tick", args -> listener.accept(new Tick(((JSONObject) args[0]).optInt("i"))));
      }

      @Override public void connect(Runnable connected, Consumer<String> failed) {
        socket.on(Socket.EVENT_CONNECT, args -> connected.run());
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> failed.accept("connect error: "
            + (args.length > 0 ? args[0] : "")));
        socket.connect();
      }

      @Override public void emitEcho(Msg msg) {
        socket.emit("echo", msg.toJson());
      }

      @Override public void emitBinaryEcho(byte[] payload) {
        socket.emit("echo", (Object) payload);
      }

      @Override public void emitAck(Msg msg, Consumer<Msg> acked) {
        socket.emit("ack", new Object[] {msg.toJson()}, args -> acked.accept(Msg.fromJson((JSONObject) args[0])));
      }

      @Override public void requestBurst(int count) {
        socket.emit("bench-burst", count);
      }

      @Override public void close() {
        socket.close();
      }
    };
  }

  @Override public void close() {
    http.dispatcher().cancelAll();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
