package dev.tether.consumers;

import static dev.tether.consumers.Consumers.assertFromStaging;
import static dev.tether.consumers.Consumers.assertNewsExchange;
import static dev.tether.consumers.Consumers.plus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.consumers.Consumers.Built;
import dev.tether.consumers.Consumers.Exchange;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * An app pinned to OkHttp 4.12.0 (it excludes Tether's okhttp-jvm 5 and declares okhttp 4.12.0 with
 * its okio 3.6.0). Tether is built against OkHttp 5.5.1 but calls only API that 4.12 has too (the
 * okhttp3.* API is the same across 4.x and 5.x): it compiles, links and does the exchange, polling
 * and the WebSocket upgrade included. What this does NOT show: Tether's own test suite has never run on
 * 4.12 (TLS, proxies, the fault tests): it is not a supported combination, merely one that works here.
 */
class OkHttp4IT {

  @Test
  void tetherRunsOnOkHttp412() {
    Built app = Consumers.build("okhttp4-app");
    assertFromStaging(app.jar("client-core"), "client-core");
    List<String> jars = app.classpath().stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());
    assertThat(jars).contains("okhttp-4.12.0.jar", "okio-jvm-3.6.0.jar")
        .noneMatch(name -> name.startsWith("okhttp-jvm-"));

    Exchange exchange = assertNewsExchange(plus(app.classes(), app.classpath()), "app.NewsApp", "okhttp4-app");
    assertThat(exchange.output()).contains("okhttp 4.12.0");
    assertThat(exchange.serverLines()).as("the server saw the client's disconnect")
        .anyMatch(line -> line.startsWith("disconnected " + exchange.socketId() + ": "));
  }
}
