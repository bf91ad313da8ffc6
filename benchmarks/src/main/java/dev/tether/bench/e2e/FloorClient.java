package dev.tether.bench.e2e;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.tether.bench.Msg;
import dev.tether.bench.Tick;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.SocketFactory;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * The floor: the least a correct client must do, written by hand on raw OkHttp. It speaks just the
 * Engine.IO v4 / Socket.IO v5 frames the scenarios use (root namespace, events, acks, one binary
 * attachment), answers pings, parses each incoming event with Gson into a tree and binds it to
 * {@link Msg}, and writes events by concatenating {@code Gson.toJson}. No buffering while
 * disconnected, no reconnection, no timeouts, no validation beyond what it needs: whatever a real
 * client adds on top costs something, and the floor shows how much.
 *
 * <p>Listeners run directly on OkHttp's reader thread (no hand-off). WebSocket, or long-polling with
 * one GET and at most one POST in flight (packets queued meanwhile go in the next POST). With the
 * default transports the floor stays on polling: every client is connected over polling before an
 * upgrade starts, so the connect time is comparable.
 *
 * <p>Same OkHttp set-up as the peer, plus TCP_NODELAY, as Tether has.
 */
final class FloorClient implements Client {
  private static final MediaType TEXT = MediaType.get("text/plain; charset=UTF-8");
  private static final String BINARY_HEADER = "451-[\"echo\",{\"_placeholder\":true,\"num\":0}]";

  private final OkHttpClient http;
  private final Gson gson = new GsonBuilder().disableHtmlEscaping().create();

  FloorClient() {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(PeerClient.MAX_REQUESTS);
    dispatcher.setMaxRequestsPerHost(PeerClient.MAX_REQUESTS);
    http = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .readTimeout(1, TimeUnit.MINUTES)
        .socketFactory(new NoDelaySocketFactory())
        .build();
  }

  @Override public Conn open(String url, Transports transports) {
    HttpUrl base = HttpUrl.get(url).newBuilder().encodedPath("/socket.io/")
        .addQueryParameter("EIO", "4")
        .build();
    return transports == Transports.WEBSOCKET ? new WebSocketConn(base) : new PollingConn(base);
  }

  @Override public void close() {
    http.dispatcher().cancelAll();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** Socket.IO on top of some Engine.IO transport. */
  private abstract class FloorConn implements Conn {
    private final Map<Integer, Consumer<Msg>> acks = new ConcurrentHashMap<>();
    private final AtomicInteger nextAckId = new AtomicInteger();
    private volatile Consumer<Msg> echo = msg -> { };
    private volatile Consumer<byte[]> binaryEcho = bytes -> { };
    private volatile Consumer<Tick> tick = t -> { };
    private volatile Runnable connected = () -> { };
    private volatile Consumer<String> failed = reason -> { };
    /** Reader thread only: a binary event waits for its attachment. */
    private boolean awaitingAttachment;

    /** Sends one Engine.IO packet (type digit first). */
    abstract void sendText(String packet);

    abstract void sendBinary(byte[] data);

    abstract void start();

    abstract void stop();

    @Override public void onEcho(Consumer<Msg> listener) {
      echo = listener;
    }

    @Override public void onBinaryEcho(Consumer<byte[]> listener) {
      binaryEcho = listener;
    }

    @Override public void onTick(Consumer<Tick> listener) {
      tick = listener;
    }

    @Override public void connect(Runnable connected, Consumer<String> failed) {
      this.connected = connected;
      this.failed = failed;
      start();
    }

    @Override public void emitEcho(Msg msg) {
      sendText("42[\"echo\"," + gson.toJson(msg) + "]");
    }

    @Override public synchronized void emitBinaryEcho(byte[] payload) {
      // synchronized: the header and its attachment must not interleave with another emit
      sendText(BINARY_HEADER);
      sendBinary(payload);
    }

    @Override public void emitAck(Msg msg, Consumer<Msg> acked) {
      int id = nextAckId.getAndIncrement();
      acks.put(id, acked);
      sendText("42" + id + "[\"ack\"," + gson.toJson(msg) + "]");
    }

    @Override public void requestBurst(int count) {
      sendText("42[\"bench-burst\"," + count + "]");
    }

    @Override public void close() {
      sendText("41"); // leave the namespace, as the libraries do
      stop();
    }

    void fail(String reason) {
      failed.accept(reason);
    }

    /** One Engine.IO packet as text. */
    void onPacket(String packet) {
      switch (packet.charAt(0)) {
        case '0': // open: join the root namespace
          onOpen(packet);
          sendText("40");
          break;
        case '2': // ping
          sendText("3");
          break;
        case '4':
          onMessage(packet);
          break;
        case 'b': // binary over polling
          onBinary(Base64.getDecoder().decode(packet.substring(1)));
          break;
        default: // close, noop: nothing to do here
          break;
      }
    }

    void onOpen(String packet) {
    }

    /** {@code 4} + a Socket.IO packet. */
    private void onMessage(String packet) {
      switch (packet.charAt(1)) {
        case '0': // CONNECT: joined
          connected.run();
          break;
        case '2': { // EVENT
          JsonArray array = JsonParser.parseString(packet.substring(2)).getAsJsonArray();
          String name = array.get(0).getAsString();
          if ("echo".equals(name)) echo.accept(gson.fromJson(array.get(1), Msg.class));
          if ("tick".equals(name)) tick.accept(gson.fromJson(array.get(1), Tick.class));
          break;
        }
        case '3': { // ACK: 43<id>[args]
          int bracket = packet.indexOf('[', 2);
          int id = Integer.parseInt(packet.substring(2, bracket));
          JsonArray array = JsonParser.parseString(packet.substring(bracket)).getAsJsonArray();
          Consumer<Msg> callback = acks.remove(id);
          if (callback != null) callback.accept(gson.fromJson(array.get(0), Msg.class));
          break;
        }
        case '4': // CONNECT_ERROR
          fail("connect error: " + packet.substring(2));
          break;
        case '5': { // BINARY_EVENT 451-["echo",{placeholder}]: one attachment follows
          int dash = packet.indexOf('-');
          JsonArray array = JsonParser.parseString(packet.substring(dash + 1)).getAsJsonArray();
          if (!"echo".equals(array.get(0).getAsString()) || !packet.startsWith("451-")) {
            throw new IllegalStateException("unexpected binary event " + packet);
          }
          awaitingAttachment = true;
          break;
        }
        default:
          break;
      }
    }

    void onBinary(byte[] data) {
      if (!awaitingAttachment) throw new IllegalStateException("unexpected binary frame");
      awaitingAttachment = false;
      binaryEcho.accept(data);
    }
  }

  /** Engine.IO over one OkHttp WebSocket; listeners run on its reader thread. */
  private final class WebSocketConn extends FloorConn {
    private final HttpUrl url;
    private volatile @Nullable WebSocket webSocket;

    WebSocketConn(HttpUrl base) {
      url = base.newBuilder().addQueryParameter("transport", "websocket").build();
    }

    @Override void start() {
      webSocket = http.newWebSocket(new Request.Builder().url(url).build(), new WebSocketListener() {
        // The reader thread can deliver the OPEN packet (and we answer it) before newWebSocket has
        // returned and set the field: take the WebSocket from onOpen, which comes first.
        @Override public void onOpen(WebSocket ws, Response response) {
          webSocket = ws;
        }

        @Override public void onMessage(WebSocket ws, String text) {
          onPacket(text);
        }

        @Override public void onMessage(WebSocket ws, ByteString bytes) {
          onBinary(bytes.toByteArray());
        }

        @Override public void onFailure(WebSocket ws, Throwable t, @Nullable Response response) {
          fail("websocket failure: " + t);
        }
      });
    }

    @Override void sendText(String packet) {
      WebSocket ws = webSocket;
      if (ws != null) ws.send(packet);
    }

    @Override void sendBinary(byte[] data) {
      WebSocket ws = webSocket;
      if (ws != null) ws.send(ByteString.of(data));
    }

    @Override void stop() {
      WebSocket ws = webSocket;
      if (ws != null) ws.close(1000, null);
    }
  }

  /**
   * Engine.IO over HTTP long-polling: one GET pending at all times, at most one POST in flight; what
   * is sent meanwhile is queued and goes, joined by 0x1E, in the next POST (as engine.io expects).
   */
  private final class PollingConn extends FloorConn {
    private final HttpUrl handshakeUrl;
    private volatile @Nullable HttpUrl sessionUrl;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Object sendLock = new Object();
    private final List<String> outbox = new ArrayList<>(); // guarded by sendLock
    private boolean posting; // guarded by sendLock

    PollingConn(HttpUrl base) {
      handshakeUrl = base.newBuilder().addQueryParameter("transport", "polling").build();
    }

    @Override void start() {
      get(handshakeUrl);
    }

    @Override void onOpen(String packet) {
      String sid = JsonParser.parseString(packet.substring(1)).getAsJsonObject().get("sid").getAsString();
      sessionUrl = handshakeUrl.newBuilder().addQueryParameter("sid", sid).build();
    }

    private void get(HttpUrl url) {
      http.newCall(new Request.Builder().url(url).build()).enqueue(new Callback() {
        @Override public void onResponse(Call call, Response response) throws IOException {
          byte[] body;
          try (ResponseBody responseBody = response.body()) {
            if (!response.isSuccessful()) {
              fail("poll: HTTP " + response.code());
              return;
            }
            body = responseBody.bytes();
          }
          int start = 0;
          for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == 0x1e) {
              onPacket(new String(body, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
              start = i + 1;
            }
          }
          HttpUrl next = sessionUrl;
          if (!stopped.get() && next != null) get(next);
        }

        @Override public void onFailure(Call call, IOException e) {
          if (!stopped.get()) fail("poll failed: " + e);
        }
      });
    }

    @Override void sendText(String packet) {
      List<String> batch;
      synchronized (sendLock) {
        outbox.add(packet);
        if (posting || sessionUrl == null) return;
        posting = true;
        batch = drain();
      }
      post(batch);
    }

    @Override void sendBinary(byte[] data) {
      sendText("b" + Base64.getEncoder().encodeToString(data));
    }

    /** Caller holds sendLock. */
    private List<String> drain() {
      List<String> batch = new ArrayList<>(outbox);
      outbox.clear();
      return batch;
    }

    private void post(List<String> batch) {
      HttpUrl url = sessionUrl;
      if (url == null) throw new IllegalStateException("no session");
      http.newCall(new Request.Builder().url(url).post(RequestBody.create(String.join("\u001e", batch), TEXT)).build())
          .enqueue(new Callback() {
            @Override public void onResponse(Call call, Response response) {
              response.close();
              List<String> next;
              synchronized (sendLock) {
                if (outbox.isEmpty()) {
                  posting = false;
                  return;
                }
                next = drain();
              }
              post(next);
            }

            @Override public void onFailure(Call call, IOException e) {
              if (!stopped.get()) fail("post failed: " + e);
            }
          });
    }

    @Override void stop() {
      sendText("1"); // Engine.IO close: the server ends the session (and answers the pending poll)
      stopped.set(true);
    }
  }

  /** Sockets with Nagle's algorithm off, as Tether's (small frames must not wait for an ACK). */
  static final class NoDelaySocketFactory extends SocketFactory {
    private final SocketFactory delegate = SocketFactory.getDefault();

    private static Socket noDelay(Socket socket) throws IOException {
      socket.setTcpNoDelay(true);
      return socket;
    }

    @Override public Socket createSocket() throws IOException {
      return noDelay(delegate.createSocket());
    }

    @Override public Socket createSocket(String host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override public Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }
  }
}
