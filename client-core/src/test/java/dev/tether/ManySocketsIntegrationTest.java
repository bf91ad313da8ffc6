package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many sockets from one Tether, each on its own connection ({@code forceNew}): all connect, echo and
 * disconnect, and once the Tether is closed every thread it started is gone. Prints the wall times and
 * the thread counts it observed.
 */
@RealServer
class ManySocketsIntegrationTest {
  private static final long STEP_SECONDS = 30;
  private final SocketIoServer server;

  ManySocketsIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @Test @Timeout(value = 55, unit = TimeUnit.SECONDS)
  void aThousandWebSocketConnectionsFromOneTether() throws Exception {
    run(1_000, TransportMode.WEBSOCKET);
  }

  @Test @Timeout(value = 55, unit = TimeUnit.SECONDS)
  void twoHundredPollingConnectionsThatUpgradeFromOneTether() throws Exception {
    run(200, TransportMode.UPGRADE);
  }

  private void run(int count, TransportMode mode) throws Exception {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    Map<String, Integer> baseline = threadsByPool(before);
    long start = System.nanoTime();
    Tether tether = Tether.create();
    try {
      SocketOptions options = mode.builder().forceNew(true).build();
      List<Socket> sockets = new ArrayList<>(count);
      CountDownLatch connected = new CountDownLatch(count);
      CountDownLatch echoed = new CountDownLatch(count);
      CountDownLatch disconnected = new CountDownLatch(count);
      AtomicInteger connectErrors = new AtomicInteger();
      Map<Integer, Object> echoes = new ConcurrentHashMap<>();
      AtomicInteger wrongEchoes = new AtomicInteger();
      for (int i = 0; i < count; i++) {
        final int index = i;
        Socket socket = tether.socket(server.url(), options);
        socket.onConnect(connected::countDown);
        socket.onConnectError(error -> connectErrors.incrementAndGet());
        socket.onDisconnect(reason -> disconnected.countDown());
        socket.on("echo", event -> {
          Object value = event.arg(0);
          if (echoes.putIfAbsent(index, value) != null || !Long.valueOf(index).equals(value)) {
            wrongEchoes.incrementAndGet();
          }
          echoed.countDown();
        });
        sockets.add(socket);
      }
      assertThat(sockets.stream().map(Socket::manager).distinct().count()).as("one connection each").isEqualTo(count);

      for (Socket socket : sockets) socket.connect();
      assertThat(connected.await(STEP_SECONDS, TimeUnit.SECONDS))
          .as("connected: %d of %d (connect errors: %d)", count - connected.getCount(), count, connectErrors.get())
          .isTrue();
      long connectedAt = System.nanoTime();
      assertThat(sockets).allSatisfy(socket -> assertThat(socket.isConnected()).isTrue());
      assertThat(sockets.stream().map(Socket::id).distinct().count()).as("distinct ids").isEqualTo(count);

      for (int i = 0; i < count; i++) sockets.get(i).emit("echo", (long) i);
      assertThat(echoed.await(STEP_SECONDS, TimeUnit.SECONDS))
          .as("echoed: %d of %d", count - echoed.getCount(), count).isTrue();
      long echoedAt = System.nanoTime();
      assertThat(echoes).hasSize(count);
      assertThat(wrongEchoes.get()).isZero();
      Set<Thread> atPeak = Thread.getAllStackTraces().keySet();
      Map<String, Integer> peak = threadsByPool(atPeak);
      // Tether's own threads do not grow with the connections; OkHttp holds one thread per open
      // WebSocket or held long-poll (named "OkHttp <url>" while it runs the call).
      assertThat(peak.getOrDefault("tether-loop", 0)).isBetween(1, 4);
      assertThat(peak.getOrDefault("tether-timer", 0)).isEqualTo(1);
      // Listeners run on a pool of as many threads as cores (at least 2); it grows only when they
      // stall (which a loaded CI machine can cause), never past its cap of 64 and never with the
      // number of connections.
      assertThat(peak.getOrDefault("tether-callback", 0)).isBetween(1, 64);

      for (Socket socket : sockets) socket.disconnect();
      assertThat(disconnected.await(STEP_SECONDS, TimeUnit.SECONDS))
          .as("disconnected: %d of %d", count - disconnected.getCount(), count).isTrue();
      long disconnectedAt = System.nanoTime();
      assertThat(sockets).allSatisfy(socket -> {
        assertThat(socket.isConnected()).isFalse();
        assertThat(socket.isActive()).isFalse();
      });
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
          assertThat(sockets.stream().filter(s -> s.manager().isOpen()).count()).as("open connections").isZero());
      long connectionsClosedAt = System.nanoTime();

      tether.close();
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .untilAsserted(() -> assertThat(started(before)).isEmpty());
      long threadsGoneAt = System.nanoTime();

      System.out.printf("%s x%d: connect %d ms, echo %d ms, disconnect %d ms, connections closed %d ms, "
              + "threads gone %d ms after close; total %d ms%n", mode, count, millis(start, connectedAt),
          millis(connectedAt, echoedAt), millis(echoedAt, disconnectedAt), millis(disconnectedAt, connectionsClosedAt),
          millis(connectionsClosedAt, threadsGoneAt), millis(start, threadsGoneAt));
      System.out.printf("%s x%d: threads before %s, with every socket connected %s (JVM total %d), after close %s%n",
          mode, count, baseline, peak, atPeak.size(),
          threadsByPool(Thread.getAllStackTraces().keySet()));
    } finally {
      tether.close();
    }
  }

  private static long millis(long from, long to) {
    return TimeUnit.NANOSECONDS.toMillis(to - from);
  }

  /** Tether threads and OkHttp call threads started since {@code before} that are still alive. */
  private static List<String> started(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t) && isTetherOrCall(t.getName()))
        .map(Thread::getName)
        .sorted()
        .collect(Collectors.toList());
  }

  private static boolean isTetherOrCall(String name) {
    return name.startsWith("tether-") || name.startsWith("OkHttp http://127.0.0.1");
  }

  /** Live threads counted by pool: {@code tether-loop}, {@code tether-io}, OkHttp's..., others as "other". */
  private static Map<String, Integer> threadsByPool(Set<Thread> threads) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Thread thread : threads) {
      if (!thread.isAlive()) continue;
      String name = thread.getName();
      String pool;
      if (name.startsWith("tether-")) {
        pool = name.replaceAll("-\\d+$", "");
      } else if (name.startsWith("OkHttp http://127.0.0.1")) {
        pool = "OkHttp call";
      } else if (name.startsWith("OkHttp")) {
        pool = name.startsWith("OkHttp WebSocket") ? "OkHttp WebSocket" : name.replaceAll(" http.*", "");
      } else {
        pool = "other";
      }
      counts.merge(pool, 1, Integer::sum);
    }
    return counts;
  }
}
