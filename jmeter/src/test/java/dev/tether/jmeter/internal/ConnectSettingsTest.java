package dev.tether.jmeter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.Dialect;
import dev.tether.Envelope;
import dev.tether.PlainWebSocket;
import dev.tether.SocketOptions;
import dev.tether.Transport;
import org.junit.jupiter.api.Test;

class ConnectSettingsTest {
  private static SocketOptions options(String server, String idKey, String auth, String transports, String headers) {
    return ConnectSettings.options(server, "name", "data", idKey, auth, transports, headers, 5000, false);
  }

  @Test void eachKindOfServerMapsToItsOptions() {
    assertThat(options("socket.io", "", "", "", "").connection().dialect()).isEqualTo(Dialect.SOCKET_IO_3_4);
    assertThat(options("", "", "", "", "").connection().dialect()).as("the default").isEqualTo(Dialect.SOCKET_IO_3_4);
    assertThat(options(" Socket.IO-2 ", "", "", "", "").connection().dialect()).isEqualTo(Dialect.SOCKET_IO_2);
    assertThat(options("websocket-raw", "", "", "", "").connection().plainWebSocket())
        .isEqualTo(PlainWebSocket.of(Envelope.raw()));
    assertThat(options("websocket-json", "", "", "", "").connection().plainWebSocket())
        .isEqualTo(PlainWebSocket.of(Envelope.json("name", "data")));
    assertThat(options("websocket-json", "id", "", "", "").connection().plainWebSocket())
        .isEqualTo(PlainWebSocket.of(Envelope.json("name", "data", "id")));
    assertThatThrownBy(() -> options("mqtt", "", "", "", ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown server kind 'mqtt'");
  }

  @Test void transportsAuthAndHeaders() {
    SocketOptions options = options("socket.io", "", "{\"token\": \"t-1\"}", "websocket",
        "X-Team: load\n\nX-Run:  42 \r\nX-Team: bots");
    assertThat(options.connection().transports()).containsExactly(Transport.WEBSOCKET);
    assertThat(options.connection().extraHeaders().get("X-Team")).containsExactly("load", "bots");
    assertThat(options.connection().extraHeaders().get("X-Run")).containsExactly("42");
    assertThat(options("socket.io", "", "", "polling", "").connection().transports())
        .containsExactly(Transport.POLLING);
  }

  @Test void mistakesAreNamed() {
    assertThatThrownBy(() -> options("socket.io", "", "{\"token\":", "", ""))
        .hasMessageStartingWith("auth is not JSON");
    assertThatThrownBy(() -> options("socket.io", "", "[1]", "", ""))
        .hasMessageStartingWith("auth must be a JSON object");
    assertThatThrownBy(() -> options("websocket-raw", "", "{\"a\":\"b\"}", "", ""))
        .hasMessageStartingWith("auth is for socket.io servers");
    assertThatThrownBy(() -> options("socket.io", "", "", "carrier-pigeon", ""))
        .hasMessageContaining("unknown transports 'carrier-pigeon'");
    assertThatThrownBy(() -> options("socket.io", "", "", "", "no colon here"))
        .hasMessage("header line 1 is not 'Name: value': no colon here");
    assertThatThrownBy(() -> ConnectSettings.options("socket.io", "", "", "", "", "", "", 0, false))
        .hasMessageContaining("connect timeout");
  }
}
