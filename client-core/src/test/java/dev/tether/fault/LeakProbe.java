package dev.tether.fault;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.TransportMode;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The child JVM of {@link LeakCheckTest#onJava21AThousandCyclesLeakNeitherVirtualThreadsNorMemory}: on
 * Java 21+ OkHttp's I/O runs on virtual threads, which {@code Thread.getAllStackTraces()} does not list.
 * This counts them from a JSON thread dump ({@code HotSpotDiagnosticMXBean.dumpThreads}, Java 21+,
 * called by reflection since the tests compile for Java 17), around {@code cycles} WebSocket
 * connect/disconnect cycles of one socket.
 *
 * <p>Arguments: {@code <server url> <cycles> <warm-up cycles>}. Output: {@code RESULT <virtual I/O
 * threads while connected> <virtual before> <virtual after> <platform before> <platform after> <heap before>
 * <heap after> <java.specification.version>}; platform threads exclude OkHttp's process-wide
 * {@code OkHttp TaskRunner} pool and Awaitility's poller, as in the in-process test.
 */
public final class LeakProbe {
  private LeakProbe() {
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int cycles = Integer.parseInt(args[1]);
    int warmUp = Integer.parseInt(args[2]);
    Tether tether = Tether.create();
    Socket socket = tether.socket(url, TransportMode.WEBSOCKET.options());
    Semaphore connects = new Semaphore(0);
    Semaphore disconnects = new Semaphore(0);
    socket.onConnect(connects::release);
    socket.onDisconnect(reason -> disconnects.release());

    for (int i = 0; i < warmUp; i++) cycle(socket, connects, disconnects);
    socket.connect();
    acquire(connects, "connect");
    int whileConnected = threads().virtualIo; // the WebSocket's reader: proves the count sees Tether's I/O
    socket.disconnect();
    acquire(disconnects, "disconnect");
    Threads before = settled(Integer.MAX_VALUE);
    long heapBefore = heapAfterGc();

    for (int i = 0; i < cycles; i++) cycle(socket, connects, disconnects);

    Threads after = settled(before.virtual);
    long heapAfter = heapAfterGc();
    System.out.println("RESULT " + whileConnected + " " + before.virtual + " " + after.virtual + " " + before.platform
        + " " + after.platform + " " + heapBefore + " " + heapAfter + " "
        + System.getProperty("java.specification.version"));
    System.out.flush();
    tether.close();
  }

  private static void cycle(Socket socket, Semaphore connects, Semaphore disconnects) throws InterruptedException {
    socket.connect();
    acquire(connects, "connect");
    socket.disconnect();
    acquire(disconnects, "disconnect");
  }

  private static void acquire(Semaphore semaphore, String what) throws InterruptedException {
    if (!semaphore.tryAcquire(10, TimeUnit.SECONDS)) throw new AssertionError("no " + what + " within 10 s");
  }

  /** The counts once the last connections have finished closing (at most 10 s for that). */
  private static Threads settled(int virtualTarget) throws Exception {
    try {
      FaultSupport.eventually(Duration.ofSeconds(10)).until(() -> threads().virtual <= virtualTarget
          && threads().calls == 0);
    } catch (ConditionTimeoutException e) {
      // report what is there: the parent test decides
    }
    return threads();
  }

  static final class Threads {
    /** All virtual threads, the JDK's own ({@code SubPoller-N} of the NIO poller) included. */
    int virtual;
    /** Virtual threads of Tether's OkHttp I/O: {@code tether-io-N}, renamed {@code OkHttp <url>} while in a call. */
    int virtualIo;
    int platform;
    /** Threads running an OkHttp call now (OkHttp renames them {@code OkHttp <url>}). */
    int calls;
  }

  /** Every thread of the JVM, virtual ones included, from a JSON thread dump. */
  static Threads threads() throws Exception {
    Set<String> platformIds = new HashSet<>();
    for (long id : ManagementFactory.getThreadMXBean().getAllThreadIds()) platformIds.add(Long.toString(id));
    Path file = Files.createTempFile("threads", ".json");
    Files.delete(file); // dumpThreads refuses to overwrite
    try {
      dumpThreads(file);
      JsonObject dump = JsonParser.parseString(new String(Files.readAllBytes(file), StandardCharsets.UTF_8))
          .getAsJsonObject().getAsJsonObject("threadDump");
      Threads threads = new Threads();
      for (JsonElement container : dump.getAsJsonArray("threadContainers")) {
        for (JsonElement element : container.getAsJsonObject().getAsJsonArray("threads")) {
          JsonObject thread = element.getAsJsonObject();
          String name = thread.has("name") ? thread.get("name").getAsString() : "";
          boolean virtual = thread.has("virtual") ? thread.get("virtual").getAsBoolean()
              : !platformIds.contains(thread.get("tid").getAsString());
          if (name.startsWith("OkHttp http")) threads.calls++;
          if (virtual) {
            threads.virtual++;
            if (name.startsWith("tether-io-") || name.startsWith("OkHttp http")) threads.virtualIo++;
          } else if (!name.startsWith("OkHttp TaskRunner") && !name.startsWith("awaitility")) {
            threads.platform++;
          }
        }
      }
      return threads;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** {@code HotSpotDiagnosticMXBean.dumpThreads(file, ThreadDumpFormat.JSON)}, a Java 21 API. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void dumpThreads(Path file) throws Exception {
    Class<?> beanType = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
    Object bean = ManagementFactory.getPlatformMXBean((Class) beanType);
    Class<? extends Enum> format = (Class<? extends Enum>) Class.forName(
        "com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
    Method dump = beanType.getMethod("dumpThreads", String.class, format);
    dump.invoke(bean, file.toString(), Enum.valueOf(format, "JSON"));
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
