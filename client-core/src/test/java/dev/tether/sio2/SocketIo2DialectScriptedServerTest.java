package dev.tether.sio2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.ConnectError;
import dev.tether.Dialect;
import dev.tether.EmitError;
import dev.tether.Event;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.TetherException;
import dev.tether.Transport;
import dev.tether.TransportException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The socket.io 2.x dialect end to end through the public API, against a scripted server on a
 * WebSocket-only connection (its text frames are the same in Engine.IO v3 and v4): the server joins
 * {@code /} by itself, custom namespaces carry auth as their query, ids are derived, ERROR packets
 * refuse a join or reach a joined socket as {@link Socket#SERVER_ERROR}.
 */
class SocketIo2DialectScriptedServerTest {
  private static final String OPEN = "0{\"sid\":\"S2sid\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000}";

  private final MockWebServer server = new MockWebServer();
  private final Tether tether = Tether.create();
  /** Every text frame the server received, in order. */
  private final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeEach void start() throws Exception {
    server.setDispatcher(new Dispatcher() {
      @Override public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().webSocketUpgrade(new Script()).build();
      }
    });
    server.start();
  }

  @AfterEach void stop() throws Exception {
    tether.close();
    server.close();
  }

  /** socket.io 2.x as seen on the wire: {@code 40} right after the open packet, answers by rule. */
  private final class Script extends WebSocketListener {
    @Override public void onOpen(WebSocket webSocket, Response response) {
      webSocket.send(OPEN);
      webSocket.send("40");
    }

    @Override public void onClosing(WebSocket webSocket, int code, String reason) {
      webSocket.close(code, null);
    }

    @Override public void onMessage(WebSocket webSocket, String text) {
      received.add(text);
      if (text.startsWith("40/chat?")) {
        webSocket.send("40/chat,");
      } else if (text.equals("40/secure,")) {
        webSocket.send("44/secure,\"not authorized\"");
      } else if (text.equals("42[\"hello\"]")) {
        webSocket.send("42[\"hi\",1]");
      } else if (text.equals("42/chat,[\"forbidden\"]")) {
        webSocket.send("44/chat,{\"reason\":\"event refused\"}");
      } else if (text.equals("42/chat,[\"kick me\"]")) {
        webSocket.send("41/chat,");
      }
    }
  }

  private String url(String namespace) {
    return "http://" + server.getHostName() + ":" + server.getPort() + namespace;
  }

  private static SocketOptions.Builder v2() {
    return SocketOptions.builder().dialect(Dialect.SOCKET_IO_2).transports(Transport.WEBSOCKET).reconnection(false);
  }

  @Test void theDefaultNamespaceIsJoinedByTheServerAndKeepsTheEngineSidAsItsId() throws Exception {
    Socket root = tether.socket(url("/"), v2().build()).connect();
    root.awaitConnected(10, TimeUnit.SECONDS);
    assertThat(root.id()).isEqualTo("S2sid");
    assertThat(root.recovered()).isFalse();
    root.emit("hello");
    Event hi = root.awaitEvent("hi", 10, TimeUnit.SECONDS);
    assertThat(hi.json(0).getAsInt()).isEqualTo(1);
    assertThat(received).containsExactly("42[\"hello\"]"); // never a CONNECT for "/"
  }

  @Test void aCustomNamespaceSendsItsAuthAsTheQueryAndGetsADerivedId() throws Exception {
    Socket chat = tether.socket(url("/chat"), v2().auth(Collections.singletonMap("token", "a b,c")).build()).connect();
    chat.awaitConnected(10, TimeUnit.SECONDS);
    assertThat(chat.id()).isEqualTo("/chat#S2sid");
    assertThat(received).containsExactly("40/chat?token=a%20b%2Cc,");
  }

  @Test void anErrorWhileJoiningIsAConnectErrorWithTheServersPayload() throws Exception {
    Socket secure = tether.socket(url("/secure"), v2().build());
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    secure.onConnectError(errors::add);
    secure.connect();
    assertThatThrownBy(() -> secure.awaitConnected(10, TimeUnit.SECONDS))
        .isInstanceOf(TetherException.class).hasMessageContaining("not authorized");
    waitUntil(() -> !errors.isEmpty());
    assertThat(errors).singleElement().satisfies(e -> {
      assertThat(e.message()).isEqualTo("not authorized");
      assertThat(e.data()).isEqualTo("not authorized");
      assertThat(e.isServerRefusal()).isTrue();
    });
  }

  @Test void anErrorAfterTheJoinIsAServerErrorEventAndTheSocketStaysConnected() throws Exception {
    Socket chat = tether.socket(url("/chat"), v2().auth(Collections.singletonMap("token", "x")).build()).connect();
    chat.awaitConnected(10, TimeUnit.SECONDS);
    chat.emit("forbidden");
    Event error = chat.awaitEvent(Socket.SERVER_ERROR, 10, TimeUnit.SECONDS);
    assertThat(error.json(0).getAsJsonObject().get("reason").getAsString()).isEqualTo("event refused");
    assertThat(chat.isConnected()).isTrue();
    chat.emit("kick me");
    waitUntil(() -> !chat.isActive());
    assertThat(chat.isConnected()).isFalse();
  }

  @Test void anEmitOverTheAssumedMaxPayloadFailsTypedAndTheConnectionStays() throws Exception {
    Socket root = tether.socket(url("/"), v2().maxPayload(100).build()).connect();
    root.awaitConnected(10, TimeUnit.SECONDS);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    root.emitWithAck("big", repeat('x', 200)).then(args -> { }, failures::add);
    List<EmitError> emitErrors = new CopyOnWriteArrayList<>();
    root.onEmitError(emitErrors::add);
    root.emit("big", repeat('y', 200));
    waitUntil(() -> failures.size() == 1 && emitErrors.size() == 1);
    for (Throwable failure : java.util.Arrays.asList(failures.get(0), emitErrors.get(0).cause())) {
      assertThat(failure).isInstanceOf(TransportException.class);
      assertThat(((TransportException) failure).kind()).isEqualTo(TransportException.Kind.PAYLOAD_TOO_LARGE);
    }
    root.emit("hello");
    root.awaitEvent("hi", 10, TimeUnit.SECONDS);
    assertThat(root.isConnected()).isTrue();
    assertThat(received).containsExactly("42[\"hello\"]"); // nothing of the large ones reached the server
  }

  private static String repeat(char c, int count) {
    char[] chars = new char[count];
    java.util.Arrays.fill(chars, c);
    return new String(chars);
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) {
    org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(condition::getAsBoolean);
  }

}
