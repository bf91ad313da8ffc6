package dev.tether.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.TransportException;
import org.junit.jupiter.api.Test;

/** Engine.IO's "Unsupported protocol version" answer names the dialect to use. */
class HttpFailuresDialectTest {
  @Test void code5NamesTheDialects() {
    TransportException e = HttpFailures.fromStatus("handshake with http://h/socket.io/", 400,
        "{\"code\":5,\"message\":\"Unsupported protocol version\"}");
    assertThat(e.kind()).isEqualTo(TransportException.Kind.BAD_REQUEST);
    assertThat(e.getMessage()).contains("Unsupported protocol version").contains("dialect(Dialect.SOCKET_IO_3_4)")
        .contains("allowEIO3");
  }

  @Test void otherCodesSayNothingOfDialects() {
    assertThat(HttpFailures.fromStatus("poll", 400, "{\"code\":3,\"message\":\"Bad request\"}").getMessage())
        .doesNotContain("dialect");
  }
}
