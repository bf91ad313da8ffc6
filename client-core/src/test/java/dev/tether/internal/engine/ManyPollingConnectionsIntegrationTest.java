package dev.tether.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.DisconnectReason;
import dev.tether.internal.TetherRuntime;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/**
 * Many long-polling sessions on one runtime: Tether's own threads (event loops, timer) do not grow
 * with the number of connections. OkHttp's blocking I/O holds one thread per request in flight, so
 * the I/O threads track the number of held long-polls, and all of them go away on close.
 */
@RealServer
class ManyPollingConnectionsIntegrationTest {
  private static final int CONNECTIONS = 500;
  private final SocketIoServer server;

  ManyPollingConnectionsIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @Test void fiveHundredConnectionsShareAFixedSetOfTetherThreads() {
    TetherRuntime runtime = TetherRuntime.create(new TetherRuntime.Config().loopThreads(4));
    EngineOptions options = EngineOptions.builder(HttpUrl.get(server.url())).transports(true, false).build();

    List<EngineClient> clients = new ArrayList<>();
    for (int i = 0; i < 10; i++) clients.add(new EngineClient(runtime, options).open());
    for (EngineClient client : clients) client.events.awaitOpen();
    Map<String, Integer> atTen = threadsByPool();

    for (int i = 10; i < CONNECTIONS; i++) clients.add(new EngineClient(runtime, options).open());
    for (int i = 10; i < CONNECTIONS; i++) clients.get(i).events.awaitOpen();
    for (EngineClient client : clients) client.send("0");
    for (EngineClient client : clients) assertThat(client.events.awaitText()).startsWith("0{\"sid\":");
    for (EngineClient client : clients) client.send("2[\"echo\",\"ping\"]");
    for (EngineClient client : clients) assertThat(client.events.awaitText()).isEqualTo("2[\"echo\",\"ping\"]");
    Map<String, Integer> atFiveHundred = threadsByPool();
    System.out.printf("threads with 10 connections: %s; with %d: %s%n", atTen, CONNECTIONS, atFiveHundred);

    assertThat(atFiveHundred.getOrDefault("tether-loop", 0)).isLessThanOrEqualTo(4);
    assertThat(atFiveHundred.getOrDefault("tether-timer", 0)).isEqualTo(1);
    assertThat(atTen.getOrDefault("tether-timer", 0)).isEqualTo(1);
    // OkHttp: one thread per held GET, plus one per POST in flight; nothing else per connection.
    // On Java 21+ those are virtual threads, which this count of platform threads does not see.
    if (runtime.virtualIoThreads()) {
      assertThat(atFiveHundred.getOrDefault("tether-io", 0)).isZero();
    } else {
      assertThat(atFiveHundred.getOrDefault("tether-io", 0)).isBetween(CONNECTIONS / 2, 2 * CONNECTIONS);
    }

    for (EngineClient client : clients) client.close();
    for (EngineClient client : clients) {
      assertThat(client.events.awaitCloseSkippingMessages().value).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT);
    }
    runtime.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(threadsByPool()).isEmpty());
  }

  /**
   * Live threads of the runtime, counted per pool. OkHttp renames an I/O thread to
   * {@code OkHttp <url>} while it runs a call, so those count as {@code tether-io} too.
   */
  private static Map<String, Integer> threadsByPool() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String name = thread.getName();
      if (!thread.isAlive()) continue;
      String pool = null;
      for (String prefix : new String[] {"tether-loop-", "tether-timer-", "tether-io-"}) {
        if (name.startsWith(prefix)) pool = prefix.substring(0, prefix.length() - 1);
      }
      if (name.startsWith("OkHttp http://127.0.0.1")) pool = "tether-io";
      if (pool != null) counts.merge(pool, 1, Integer::sum);
    }
    return counts;
  }
}
