package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one "same connection" rule, and reading a Manager's options back. No server: nothing connects. */
class ConnectionOptionsTest {
  private final Tether tether = Tether.create();

  @AfterEach void close() {
    tether.close();
  }

  @Test void equalOptionsDescribeTheSameConnection() {
    ConnectionOptions a = ConnectionOptions.builder().path("/io").query("k", "v").extraHeader("X-A", "1")
        .transports(Transport.WEBSOCKET).reconnectionAttempts(3).build();
    ConnectionOptions b = ConnectionOptions.builder().path("/io/").query("k", "v").extraHeader("X-A", "1")
        .transports(Transport.WEBSOCKET).reconnectionAttempts(3).build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.newBuilder().build()).isEqualTo(a);
    assertThat(a.newBuilder().reconnectionAttempts(4).build()).isNotEqualTo(a);
    assertThat(a.newBuilder().randomizationFactor(0.25).build()).isNotEqualTo(a);
    assertThat(a.newBuilder().timeout(1, TimeUnit.SECONDS).build()).isNotEqualTo(a);
    assertThat(a.crossOriginRedirects()).isFalse();
    assertThat(a.newBuilder().crossOriginRedirects(true).build()).isNotEqualTo(a)
        .satisfies(o -> assertThat(o.crossOriginRedirects()).isTrue())
        .satisfies(o -> assertThat(o.toString()).contains("crossOriginRedirects=true"))
        .isEqualTo(SocketOptions.builder().connection(a).crossOriginRedirects(true).build().connection());
  }

  @Test void theShortcutsOfSocketOptionsSetTheConnectionOptions() {
    SocketOptions options = SocketOptions.builder().path("/io").transports(Transport.WEBSOCKET)
        .reconnectionDelay(2, 3, TimeUnit.SECONDS).auth(java.util.Collections.singletonMap("t", "x")).build();
    assertThat(options.connection()).isEqualTo(ConnectionOptions.builder().path("/io").transports(Transport.WEBSOCKET)
        .reconnectionDelay(2, 3, TimeUnit.SECONDS).build());
    ConnectionOptions whole = ConnectionOptions.builder().query("a", "b").build();
    assertThat(options.newBuilder().connection(whole).build().connection()).isEqualTo(whole);
  }

  @Test void maxIncomingMessageBytesDefaultsTo64MiBIsPartOfTheConnectionAndMustBePositive() {
    assertThat(ConnectionOptions.DEFAULT.maxIncomingMessageBytes()).isEqualTo(64L * 1024 * 1024)
        .isEqualTo(ConnectionOptions.DEFAULT_MAX_INCOMING_MESSAGE_BYTES);
    ConnectionOptions small = ConnectionOptions.builder().maxIncomingMessageBytes(1024).build();
    assertThat(small.maxIncomingMessageBytes()).isEqualTo(1024);
    assertThat(small).isNotEqualTo(ConnectionOptions.DEFAULT);
    assertThat(small.newBuilder().build()).isEqualTo(small).hasSameHashCodeAs(small);
    assertThat(small.toString()).contains("maxIncomingMessageBytes=1024");
    assertThat(SocketOptions.builder().maxIncomingMessageBytes(1024).build().connection()).isEqualTo(small);
    assertThatThrownBy(() -> ConnectionOptions.builder().maxIncomingMessageBytes(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxIncomingMessageBytes");
  }

  @Test void toStringLeavesOutQueryAndHeaderValues() {
    String text = ConnectionOptions.builder().query("token", "s3cret").extraHeader("X-Api-Key", "k3y").build().toString();
    assertThat(text).contains("token", "X-Api-Key").doesNotContain("s3cret", "k3y");
  }

  @Test void aManagerReadsItsOptionsBackWithTheUrlQuery() {
    Socket socket = tether.socket("http://localhost:1/chat?room=1",
        SocketOptions.builder().reconnectionAttempts(2).build());
    ConnectionOptions options = socket.manager().options();
    assertThat(options.reconnectionAttempts()).isEqualTo(2);
    assertThat(options.query()).containsEntry("room", "1");
    assertThat(socket.namespace()).isEqualTo("/chat");
  }

  @Test void sharingAConnectionWithOtherReconnectionSettingsFailsThroughTetherAndThroughTheManager() {
    Socket first = tether.socket("http://localhost:1/a", SocketOptions.builder().reconnectionAttempts(2).build());
    SocketOptions other = SocketOptions.builder().reconnectionAttempts(3).build();

    assertThatThrownBy(() -> tether.socket("http://localhost:1/b", other))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempts 2").hasMessageContaining("forceNew");
    assertThatThrownBy(() -> first.manager().socket("/b", other))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempts 2");

    SocketOptions same = SocketOptions.builder().connection(first.manager().options()).ackTimeout(1, TimeUnit.SECONDS).build();
    Socket second = first.manager().socket("/b", same);
    assertThat(second.manager()).isSameAs(first.manager());
    assertThat(tether.socket("http://localhost:1/c", SocketOptions.builder().reconnectionAttempts(2).build()).manager())
        .isSameAs(first.manager());
    assertThat(tether.socket("http://localhost:1/d", other.newBuilder().forceNew(true).build()).manager())
        .isNotSameAs(first.manager());
  }

  @Test void aNamespaceAskedForAgainGetsAnotherConnection() {
    Socket first = tether.socket("http://localhost:1/a");
    Socket again = tether.socket("http://localhost:1/a");
    assertThat(again).isNotSameAs(first);
    assertThat(again.manager()).isNotSameAs(first.manager());
    assertThat(first.manager().socket("/a")).isSameAs(first);
  }

  @Test void queryNamesEngineIoUsesItselfAreRefusedWhenTheSocketIsMade() {
    assertThatThrownBy(() -> tether.socket("http://localhost:1/?EIO=3"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'EIO' is reserved");
    assertThatThrownBy(() -> tether.socket("http://localhost:1/", SocketOptions.builder().query("t", "1").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'t' is reserved");
    // Nothing was registered by the failed calls: a valid socket for the same server still works.
    assertThat(tether.socket("http://localhost:1/", SocketOptions.builder().query("token", "1").build())
        .manager().options().query()).containsEntry("token", "1");
  }

  @Test void invalidSocketOptionsAreRefusedByTheBuilder() {
    assertThatThrownBy(() -> SocketOptions.builder().eventHistory(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SocketOptions.builder().eventHistory(0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SocketOptions.builder().connection(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("connection == null");
    assertThatThrownBy(() -> ConnectionOptions.builder().path("no-slash")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConnectionOptions.builder().timeout(0, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be at least 1 ms");
  }

  @Test void aHeaderNameOrValueOkHttpWouldRefuseIsRefusedByTheBuilder() {
    assertThatThrownBy(() -> ConnectionOptions.builder().extraHeader("Bad Name", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConnectionOptions.builder().addExtraHeader("X-A", "line\nbreak"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
