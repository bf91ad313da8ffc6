package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.eventually;
import static dev.tether.fault.FaultSupport.millisSince;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.AckCall;
import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.Socket;
import dev.tether.SocketDisconnectedException;
import dev.tether.Tether;
import dev.tether.TransportMode;
import dev.tether.fault.FaultSupport.Outcome;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Leaks of threads, timers and memory:
 * <ul>
 *   <li>after {@code Tether.close()} no thread of that Tether is left and no timer fires (an ack
 *       timeout and a reconnection delay were pending at close);
 *   <li>1,000 connect/disconnect cycles of one socket and 1,000 forced reconnects leave the thread
 *       count and the heap (after GC) where they were: the heap may grow by at most
 *       {@value #HEAP_BOUND_BYTES_PER_CYCLE} bytes per cycle, so even a small leak per connection fails
 *       (measured growth is about 0.1 MiB in all; a 16 KiB leak per connection injected into
 *       {@code RealManager} made the heap grow by 16 MiB and failed);
 *   <li>on Java 21+, where OkHttp's I/O runs on virtual threads that {@code Thread.getAllStackTraces()}
 *       does not list, the same cycles in a forked JVM counted from a JSON thread dump
 *       ({@link LeakProbe}).
 * </ul>
 * Threads named {@code OkHttp TaskRunner} are excluded from the counts: that is OkHttp's own
 * process-wide pool (WebSocket writers, connection-pool cleanup), shared by every OkHttp client in
 * the JVM, outside Tether's control; its threads end after 60 s idle. Awaitility's poller threads
 * are excluded too (the test's own machinery). Idle threads of Tether's cached I/O pool
 * ({@code tether-io-N} while they run no call) are counted apart: the pool keeps as many as were
 * busy at once for 60 s; they are bounded, and with TCP_NODELAY they count like any other.
 */
@RealServer
class LeakCheckTest {
  private static final int CYCLES = 1_000;
  private static final int WARM_UP = 50;
  private static final int THREAD_BOUND = 4;
  /** The cached I/O pool keeps idle threads for 60 s; it holds at most as many as were busy at once. */
  private static final int IDLE_IO_BOUND = 64;
  /** A leak of this much per connection (or more) fails; noise is about 100 bytes per cycle. */
  static final long HEAP_BOUND_BYTES_PER_CYCLE = 2 * 1024;
  private static final long HEAP_BOUND_BYTES = HEAP_BOUND_BYTES_PER_CYCLE * CYCLES;
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private final SocketIoServer server;
  private Tether tether;

  LeakCheckTest(SocketIoServer server) {
    this.server = server;
  }

  /**
   * Tethers closed by earlier tests stop their threads within their 2 s close grace: let them go, so
   * they do not leave the counts mid-measurement. (A Tether some other test never closed keeps its
   * threads; they are constant and do not change the differences measured here.)
   */
  @BeforeEach void earlierTethersAreGone() {
    try {
      eventually(Duration.ofSeconds(3)).until(() -> Thread.getAllStackTraces().keySet().stream()
          .noneMatch(t -> t.isAlive() && t.getName().startsWith("tether-") && !t.getName().startsWith("tether-test-server-")));
    } catch (ConditionTimeoutException e) {
      System.out.println("LEAK note: threads of a Tether not closed by an earlier test: " + threadNames());
    }
  }

  @AfterEach void tearDown() {
    if (tether != null) tether.close();
  }

  // ---- close ---------------------------------------------------------------------------------

  @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void afterCloseNoThreadIsLeftAndNoTimerFires() throws Exception {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    Tether closing = Tether.create();
    Socket socket = closing.socket(server.url(), TransportMode.WEBSOCKET.builder().build());
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    // An ack the server answers after a minute, with a 500 ms timeout: pending at close.
    AckCall pendingCall = socket.emitWithAck("ack-after", 60_000, "late").timeout(500, TimeUnit.MILLISECONDS);
    Outcome pending = new Outcome(pendingCall);
    // A socket whose server is gone: a reconnection delay pending at close.
    int deadPort;
    try (ServerSocket free = new ServerSocket(0)) {
      deadPort = free.getLocalPort();
    }
    Socket orphan = closing.socket("http://127.0.0.1:" + deadPort, TransportMode.WEBSOCKET.builder()
        .reconnectionDelay(200, 200, TimeUnit.MILLISECONDS).randomizationFactor(0).build());
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    orphan.manager().onReconnectAttempt(attempts::add);
    orphan.connect();
    eventually().untilAsserted(() -> assertThat(attempts).isNotEmpty());
    assertThat(newTetherThreads(before)).isNotEmpty();

    long closedAt = System.nanoTime();
    closing.close();

    eventually().untilAsserted(() -> assertThat(newTetherThreads(before)).isEmpty());
    long threadsGone = millisSince(closedAt);
    assertThat(socket.state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(orphan.state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(pending.successes).isEmpty();
    assertThat(pending.failures).hasSize(1);
    assertThat(pending.failures.get(0)).isInstanceOfSatisfying(SocketDisconnectedException.class,
        e -> assertThat(e.reason()).isEqualTo(DisconnectReason.IO_CLIENT_DISCONNECT));
    int attemptsAtClose = attempts.size();
    // Longer than the ack timeout and than two reconnection delays: nothing more happens.
    eventually().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
      assertThat(pending.failures).hasSize(1);
      assertThat(pending.successes).isEmpty();
      assertThat(attempts).hasSize(attemptsAtClose);
      assertThat(newTetherThreads(before)).isEmpty();
    });
    System.out.printf("LEAK close: every Tether thread gone %d ms after close() (close grace: 2 s); the pending ack "
        + "failed once (%s), no timer fired afterwards, reconnect attempts stayed at %d%n", threadsGone,
        pending.failures.get(0).getClass().getSimpleName(), attemptsAtClose);
  }

  /** Threads started since {@code before} that belong to a Tether: its own and OkHttp calls it ran. */
  private static List<String> newTetherThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .map(Thread::getName)
        .filter(name -> (name.startsWith("tether-") && !name.startsWith("tether-test-server-"))
            || name.startsWith("OkHttp http://127.0.0.1"))
        .sorted()
        .collect(Collectors.toList());
  }

  // ---- connect/disconnect cycles ---------------------------------------------------------------

  /** The default OkHttp client, and one with TCP_NODELAY (see {@link NagleTest}). */
  enum Client {
    DEFAULT, TCP_NODELAY;

    Tether tether() {
      return this == DEFAULT ? Tether.create() : Tether.builder()
          .okHttpClient(new OkHttpClient.Builder().socketFactory(new NagleTest.NoDelaySocketFactory()).build()).build();
    }
  }

  @ParameterizedTest(name = "{0}") @EnumSource(Client.class) @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aThousandConnectDisconnectCyclesLeakNeitherThreadsNorMemory(Client client) throws Exception {
    tether = client.tether();
    Socket socket = tether.socket(server.url(), TransportMode.WEBSOCKET.builder().build());
    Semaphore connects = new Semaphore(0);
    Semaphore disconnects = new Semaphore(0);
    socket.onConnect(connects::release);
    socket.onDisconnect(reason -> disconnects.release());
    AtomicInteger wrongReasons = new AtomicInteger();
    socket.onDisconnect(reason -> {
      if (reason != DisconnectReason.IO_CLIENT_DISCONNECT) wrongReasons.incrementAndGet();
    });

    Runnable cycle = () -> {
      socket.connect();
      acquire(connects, "connect");
      socket.disconnect();
      acquire(disconnects, "disconnect");
    };
    // With the default client every disconnect's WebSocket lingers ~45 ms (Nagle, see NagleTest), so
    // the cached I/O pool grows to the number that overlap; its idle threads end after 60 s.
    measure("connect/disconnect (" + client + " OkHttp)", cycle, client == Client.TCP_NODELAY);
    assertThat(wrongReasons).hasValue(0);
  }

  // ---- forced reconnects -------------------------------------------------------------------------

  @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aThousandForcedReconnectsLeakNeitherThreadsNorMemory() throws Exception {
    tether = Tether.create();
    Socket socket = tether.socket(server.url(), TransportMode.WEBSOCKET.builder().build());
    Semaphore connects = new Semaphore(0);
    socket.onConnect(connects::release);
    AtomicInteger wrongReasons = new AtomicInteger();
    socket.onDisconnect(reason -> {
      if (reason != DisconnectReason.TRANSPORT_CLOSE) wrongReasons.incrementAndGet();
    });
    socket.connect();
    acquire(connects, "connect");

    Runnable cycle = () -> {
      socket.manager().restartConnection();
      acquire(connects, "reconnect");
    };
    measure("forced reconnect (DEFAULT OkHttp)", cycle, true);
    assertThat(wrongReasons).hasValue(0);
    assertThat(socket.isConnected()).isTrue();
    assertThat(socket.emitWithAck("ack", "still here").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0))
        .isEqualTo("still here");
  }

  // ---- virtual threads (Java 21+) -----------------------------------------------------------------

  @Test @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void onJava21AThousandCyclesLeakNeitherVirtualThreadsNorMemory() throws Exception {
    Path javaHome = ForkedJvm.java21Home();
    assumeTrue(javaHome != null, "no Java 21+ found (this JVM, TETHER_JAVA21_HOME or /usr/lib/jvm): virtual threads "
        + "not checked");

    String[] r = ForkedJvm.run(javaHome, 120, List.of("-Xmx512m"), LeakProbe.class, server.url(),
        Integer.toString(CYCLES), Integer.toString(WARM_UP));

    int whileConnected = Integer.parseInt(r[0]);
    int virtualBefore = Integer.parseInt(r[1]);
    int virtualAfter = Integer.parseInt(r[2]);
    int platformBefore = Integer.parseInt(r[3]);
    int platformAfter = Integer.parseInt(r[4]);
    long heapBefore = Long.parseLong(r[5]);
    long heapAfter = Long.parseLong(r[6]);
    System.out.printf("LEAK connect/disconnect x%d on Java %s (forked): virtual I/O threads %d while connected; all "
            + "virtual threads %d -> %d; platform threads excluding OkHttp TaskRunner %d -> %d; heap used after GC "
            + "%.1f MiB -> %.1f MiB (%+.1f MiB)%n", CYCLES, r[7], whileConnected, virtualBefore, virtualAfter,
        platformBefore, platformAfter, heapBefore / 1048576.0, heapAfter / 1048576.0, (heapAfter - heapBefore) / 1048576.0);
    assertThat(ForkedJvm.feature(r[7])).as("Java feature version").isGreaterThanOrEqualTo(21);
    assertThat(whileConnected).as("virtual I/O threads while a WebSocket is open (its reader)").isPositive();
    assertThat(virtualAfter - virtualBefore).as("virtual thread growth").isLessThanOrEqualTo(THREAD_BOUND);
    assertThat(platformAfter - platformBefore).as("platform thread growth").isLessThanOrEqualTo(THREAD_BOUND);
    assertThat(heapAfter - heapBefore).as("heap growth (bytes)").isLessThan(HEAP_BOUND_BYTES);
  }

  private static void acquire(Semaphore semaphore, String what) {
    try {
      assertThat(semaphore.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as(what).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Warms up, takes a baseline, runs {@link #CYCLES} cycles, waits for the last connections to close,
   * and compares. Busy threads (all but OkHttp's TaskRunner pool and the idle threads of Tether's
   * cached I/O pool) must be back within {@link #THREAD_BOUND}; with {@code strictTotal} the idle I/O
   * threads count too.
   */
  private void measure(String what, Runnable cycle, boolean strictTotal) {
    for (int i = 0; i < WARM_UP; i++) cycle.run();
    Map<String, Integer> poolsBefore = threadsByPool();
    int totalBefore = countedThreads();
    int busyBefore = totalBefore - idleIoThreads();
    long heapBefore = heapAfterGc();

    long start = System.nanoTime();
    for (int i = 0; i < CYCLES; i++) cycle.run();
    long elapsed = millisSince(start);

    // Connections closed in the last cycles may still be saying goodbye: wait for them to settle.
    eventually().untilAsserted(() -> {
      int total = countedThreads();
      assertThat(total - idleIoThreads())
          .as("busy threads: before %s, now %s; names now %s", poolsBefore, threadsByPool(), threadNames())
          .isLessThanOrEqualTo(busyBefore + THREAD_BOUND);
      if (strictTotal) {
        assertThat(total).as("live threads: before %s, now %s; names now %s", poolsBefore, threadsByPool(),
            threadNames()).isLessThanOrEqualTo(totalBefore + THREAD_BOUND);
      }
    });
    int totalAfter = countedThreads();
    int busyAfter = totalAfter - idleIoThreads();
    long heapAfter = heapAfterGc();
    Map<String, Integer> poolsAfter = threadsByPool();
    System.out.printf("LEAK %s x%d: %d ms (%.2f ms each, after %d warm-up cycles); live threads excluding OkHttp "
            + "TaskRunner %d -> %d (busy, i.e. also without idle tether-io: %d -> %d) %s -> %s; heap used after GC "
            + "%.1f MiB -> %.1f MiB (%+.1f MiB)%n",
        what, CYCLES, elapsed, (double) elapsed / CYCLES, WARM_UP, totalBefore, totalAfter, busyBefore, busyAfter,
        poolsBefore, poolsAfter, heapBefore / 1048576.0, heapAfter / 1048576.0, (heapAfter - heapBefore) / 1048576.0);
    assertThat(busyAfter - busyBefore).as("busy thread growth").isLessThanOrEqualTo(THREAD_BOUND);
    if (strictTotal) assertThat(totalAfter - totalBefore).as("thread growth").isLessThanOrEqualTo(THREAD_BOUND);
    assertThat(idleIoThreads()).as("idle threads of the cached I/O pool").isLessThanOrEqualTo(IDLE_IO_BOUND);
    assertThat(heapAfter - heapBefore).as("heap growth (bytes)").isLessThan(HEAP_BOUND_BYTES);
  }

  private static List<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(LeakCheckTest::counted).map(Thread::getName).sorted()
        .collect(Collectors.toList());
  }

  /** Threads of Tether's cached I/O pool that run no call now (OkHttp renames them while they do). */
  private static int idleIoThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().matches("tether-io-\\d+")).count();
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) System.gc();
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  private static boolean counted(Thread thread) {
    String name = thread.getName();
    return thread.isAlive() && !name.startsWith("OkHttp TaskRunner") && !name.startsWith("awaitility");
  }

  private static int countedThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream().filter(LeakCheckTest::counted).count();
  }

  /** Live threads by pool name (the name without a trailing number or URL). */
  private static Map<String, Integer> threadsByPool() {
    Map<String, Integer> pools = new TreeMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (!thread.isAlive()) continue;
      String name = thread.getName();
      String pool;
      if (name.startsWith("tether-test-server-")) {
        pool = "tether-test-server";
      } else if (name.startsWith("tether-")) {
        pool = name.replaceAll("-\\d+$", "");
      } else if (name.startsWith("OkHttp")) {
        pool = name.startsWith("OkHttp TaskRunner") ? "OkHttp TaskRunner (excluded)" : "OkHttp call";
      } else {
        pool = "other";
      }
      pools.merge(pool, 1, Integer::sum);
    }
    return pools;
  }
}
