package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a plain WebSocket cannot honour fails when the options or the socket are made, never later. */
class PlainWebSocketOptionsTest {
  private final Tether tether = Tether.create();

  @AfterEach void close() {
    tether.close();
  }

  @Test void socketIoEndpointOptionsCannotBeCombinedWithAPlainWebSocket() {
    assertThatThrownBy(() -> SocketOptions.builder().path("/ws").plainWebSocket(Envelope.raw()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("path");
    assertThatThrownBy(() -> SocketOptions.builder().plainWebSocket(Envelope.raw()).transports(Transport.POLLING).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transports(POLLING)");
    assertThatThrownBy(() -> ConnectionOptions.builder().upgrade(false).rememberUpgrade(true)
        .plainWebSocket(Envelope.raw()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upgrade").hasMessageContaining("rememberUpgrade");
    // WebSocket only is what a plain WebSocket is anyway.
    ConnectionOptions ok = ConnectionOptions.builder().transports(Transport.WEBSOCKET).plainWebSocket(Envelope.raw()).build();
    assertThat(ok.transports()).containsExactly(Transport.WEBSOCKET);
    assertThat(ok.upgrade()).isFalse();
  }

  @Test void theKindOfServerIsPartOfTheSameConnectionRule() {
    ConnectionOptions seed = ConnectionOptions.builder().plainWebSocket(Envelope.json("name", "data")).build();
    assertThat(seed).isEqualTo(ConnectionOptions.builder().plainWebSocket(Envelope.json("name", "data")).build());
    assertThat(seed).isNotEqualTo(ConnectionOptions.DEFAULT);
    assertThat(seed).isNotEqualTo(ConnectionOptions.builder().plainWebSocket(Envelope.json("event", "data")).build());
    assertThat(seed).isNotEqualTo(ConnectionOptions.builder().plainWebSocket(
        PlainWebSocket.builder(Envelope.json("name", "data")).pingInterval(5, TimeUnit.SECONDS).build()).build());
    assertThat(seed.newBuilder().build()).isEqualTo(seed);
    assertThat(seed.toString()).contains("Envelope.json(\"name\", \"data\")").contains("1008,4000-4999");
  }

  @Test void closeCodesAndPingIntervalHaveDocumentedDefaults() {
    PlainWebSocket defaults = PlainWebSocket.of(Envelope.raw());
    assertThat(defaults.pingIntervalMillis()).isEqualTo(10_000);
    assertThat(defaults.reconnectsAfterClose(1000)).isTrue();
    assertThat(defaults.reconnectsAfterClose(1001)).isTrue();
    assertThat(defaults.reconnectsAfterClose(1011)).isTrue();
    assertThat(defaults.reconnectsAfterClose(1008)).isFalse();
    assertThat(defaults.reconnectsAfterClose(4000)).isFalse();
    assertThat(defaults.reconnectsAfterClose(4999)).isFalse();
    assertThat(defaults.reconnectsAfterClose(3000)).isTrue();

    PlainWebSocket custom = defaults.newBuilder().reconnectOnAnyClose().noReconnectOnClose(4001)
        .noReconnectOnClose(3000, 3099).pingInterval(0, TimeUnit.SECONDS).build();
    assertThat(custom.reconnectsAfterClose(1008)).isTrue();
    assertThat(custom.reconnectsAfterClose(4002)).isTrue();
    assertThat(custom.reconnectsAfterClose(4001)).isFalse();
    assertThat(custom.reconnectsAfterClose(3050)).isFalse();
    assertThat(custom.pingIntervalMillis()).isZero();
    assertThatThrownBy(() -> PlainWebSocket.builder(Envelope.raw()).noReconnectOnClose(999))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test void aNamespaceOrAuthFailsWhenTheSocketIsMade() {
    SocketOptions plain = SocketOptions.builder().plainWebSocket(Envelope.raw()).build();
    Socket socket = tether.socket("ws://127.0.0.1:1/feed", plain);
    assertThat(socket.namespace()).isEqualTo("/"); // the path is the endpoint, not a namespace
    assertThatThrownBy(() -> socket.manager().socket("/chat", plain))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no namespaces");
    assertThatThrownBy(() -> tether.socket("ws://127.0.0.1:1/feed",
        plain.newBuilder().auth(Collections.singletonMap("token", "t")).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auth");
  }

  @Test void plainWebSocketsNeverShareAConnection() {
    SocketOptions plain = SocketOptions.builder().plainWebSocket(Envelope.raw()).build();
    Socket first = tether.socket("ws://127.0.0.1:1/feed", plain);
    Socket second = tether.socket("ws://127.0.0.1:1/feed", plain);
    assertThat(first.manager()).isNotSameAs(second.manager());
  }

  @Test void anEmitThePlainWebSocketCannotCarryFailsOnTheCallersThread() {
    Socket raw = tether.socket("ws://127.0.0.1:1/", SocketOptions.builder().plainWebSocket(Envelope.raw()).build());
    assertThatThrownBy(() -> raw.emit("chat", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> raw.emitWithAck("message", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no correlation id");
    assertThatThrownBy(() -> raw.emit("message", Collections.singletonMap("file", new byte[] {1})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole argument");
    raw.emit("message", new byte[] {1}); // a whole binary argument is fine

    Socket json = tether.socket("ws://127.0.0.1:1/", SocketOptions.builder().plainWebSocket(Envelope.json("name", "data")).build());
    assertThatThrownBy(() -> json.emit("file", (Object) new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON has no binary");
    assertThatThrownBy(() -> json.emitWithAck("get", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> json.emit(Socket.UNPARSED, 1)).isInstanceOf(IllegalArgumentException.class);
    json.emit("any-name", 1, 2); // several arguments become one array: fine
  }
}
