package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dialect option and what the socket.io 2.x dialect refuses at socket creation. No server: nothing connects. */
class DialectOptionsTest {
  private static final String URL = "http://localhost:1";
  private final Tether tether = Tether.create();

  @AfterEach void close() {
    tether.close();
  }

  private static SocketOptions.Builder v2() {
    return SocketOptions.builder().dialect(Dialect.SOCKET_IO_2);
  }

  @Test void theDialectIsPartOfTheConnectionsIdentity() {
    ConnectionOptions modern = ConnectionOptions.DEFAULT;
    ConnectionOptions legacy = ConnectionOptions.builder().dialect(Dialect.SOCKET_IO_2).build();
    assertThat(modern.dialect()).isEqualTo(Dialect.SOCKET_IO_3_4);
    assertThat(legacy).isNotEqualTo(modern).isEqualTo(v2().build().connection()).hasSameHashCodeAs(v2().build().connection());
    assertThat(legacy.newBuilder().build()).isEqualTo(legacy);
    assertThat(legacy.toString()).contains("dialect=SOCKET_IO_2");

    Socket a = tether.socket(URL + "/a", v2().build());
    Socket b = tether.socket(URL + "/b", v2().build());
    assertThat(a.manager()).isSameAs(b.manager());
    assertThatThrownBy(() -> tether.socket(URL + "/c", SocketOptions.builder().build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dialect=SOCKET_IO_2").hasMessageContaining("forceNew");
    Socket c = tether.socket(URL + "/c", SocketOptions.builder().forceNew(true).build());
    assertThat(c.manager()).isNotSameAs(a.manager());
    assertThat(a.manager().options().dialect()).isEqualTo(Dialect.SOCKET_IO_2);
  }

  @Test void maxPayloadDefaultsToTheSocketIo2ServersLimitOnlyForThatDialect() {
    assertThat(ConnectionOptions.DEFAULT.maxPayload()).isEqualTo(Long.MAX_VALUE);
    assertThat(v2().build().connection().maxPayload()).isEqualTo(1_000_000L);
    ConnectionOptions set = v2().maxPayload(100_000_000L).build().connection();
    assertThat(set.maxPayload()).isEqualTo(100_000_000L);
    assertThat(set).isNotEqualTo(v2().build().connection());
    assertThat(ConnectionOptions.builder().maxPayload(5).build().maxPayload()).isEqualTo(5);
    assertThatThrownBy(() -> ConnectionOptions.builder().maxPayload(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test void aPlainWebSocketHasNoDialect() {
    assertThatThrownBy(() -> ConnectionOptions.builder().plainWebSocket(Envelope.raw()).dialect(Dialect.SOCKET_IO_2).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain WebSocket");
  }

  @Test void authOfStringsIsAcceptedOnACustomNamespace() {
    Map<String, String> auth = new LinkedHashMap<>();
    auth.put("token", "x");
    assertThat(tether.socket(URL + "/chat", v2().auth(auth).build()).namespace()).isEqualTo("/chat");
    JsonObject json = new JsonObject();
    json.addProperty("token", "y");
    assertThat(tether.socket(URL + "/chat2", v2().auth(json).build()).namespace()).isEqualTo("/chat2");
    assertThat(tether.socket(URL + "/chat3", v2().auth((AuthProvider) () -> auth).build()).namespace()).isEqualTo("/chat3");
  }

  @Test void authThatCannotBeAQueryIsRefusedAtSocketCreation() {
    assertThatThrownBy(() -> tether.socket(URL + "/chat", v2().auth(Collections.singletonMap("n", 1)).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a string").hasMessageContaining("\"n\"");
    JsonObject nested = new JsonObject();
    nested.add("o", new JsonObject());
    assertThatThrownBy(() -> tether.socket(URL + "/chat", v2().auth(nested).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a string");
  }

  @Test void authOnTheDefaultNamespacePointsToTheConnectionQuery() {
    assertThatThrownBy(() -> tether.socket(URL, v2().auth(Collections.singletonMap("token", "x")).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SocketOptions.query");
    assertThatThrownBy(() -> tether.socket(URL + "/", v2().auth((AuthProvider) () -> null).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SocketOptions.query");
    // the modern dialect carries auth on "/"
    assertThat(tether.socket("http://localhost:2", SocketOptions.builder().auth(Collections.singletonMap("token", "x")).build())).isNotNull();
  }

  @Test void namesTheReferenceClientKeepsForItselfCannotBeEmitted() {
    Socket socket = tether.socket(URL + "/chat", v2().build());
    assertThatThrownBy(() -> socket.emit("error", "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> socket.emit("ping")).isInstanceOf(IllegalArgumentException.class);
    Socket modern = tether.socket(URL + "/chat", SocketOptions.builder().build());
    modern.emit("ping"); // buffered: only reserved in the 2.x dialect
  }
}
