package dev.tether.bench.e2e;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the harness measures about its own JVM, which runs only the client under test: the Node
 * server is another process, so this JVM's CPU time is the client's (plus the harness's small share,
 * the same for every client).
 */
final class Meter {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** USER_HZ of /proc/[pid]/stat; 100 on every mainstream Linux. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private Meter() {
  }

  /** CPU time of this process (all threads: client, JIT, GC), in nanoseconds. */
  static long processCpuNanos() {
    return OS.getProcessCpuTime();
  }

  /** CPU time of another process (the Node server) from /proc, in nanoseconds; -1 where unknown. */
  static long processCpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // fields after the command name "(...)": state is field 3, utime 14, stime 15
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static void resetPeakThreads() {
    THREADS.resetPeakThreadCount();
  }

  /** The most live platform threads since {@link #resetPeakThreads()}. */
  static int peakThreads() {
    return THREADS.getPeakThreadCount();
  }

  /**
   * Resident memory of this process (Linux {@code VmRSS}), in bytes: heap and native memory, platform
   * thread stacks included, which the heap does not show. -1 where unknown.
   */
  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  /** Live platform threads (virtual threads are not counted by the JVM's ThreadMXBean). */
  static int liveThreads() {
    return THREADS.getThreadCount();
  }

  /**
   * Live platform threads by name, digits and ports folded ({@code OkHttp http://127.0.0.1:N/...}),
   * most frequent first: {@code "412 OkHttp http://127.0.0.1:N/..., 10 tether-loop-N, ..."}.
   */
  static String threadSummary(int top) {
    java.util.Map<String, Integer> counts = new java.util.HashMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      counts.merge(thread.getName().replaceAll("[0-9]+", "N"), 1, Integer::sum);
    }
    return counts.entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .map(e -> e.getValue() + " " + e.getKey())
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** CPU time per live platform thread, by thread id, with the names in {@code names}. */
  static java.util.Map<Long, Long> threadCpu(java.util.Map<Long, String> names) {
    java.util.Map<Long, Long> cpu = new java.util.HashMap<>();
    long[] ids = THREADS.getAllThreadIds();
    java.lang.management.ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long time = THREADS.getThreadCpuTime(ids[i]);
      if (time < 0 || infos[i] == null) continue;
      cpu.put(ids[i], time);
      names.put(ids[i], infos[i].getThreadName());
    }
    return cpu;
  }

  /**
   * Where the CPU of a measurement went, by thread name (digits folded), as shares of the process's
   * CPU: {@code "tether-loop-N 41%, OkHttp TaskRunner 18%, ..., JVM (GC, JIT) and ended threads 9%"}.
   */
  static String cpuByThread(java.util.Map<Long, Long> before, java.util.Map<Long, Long> after,
      java.util.Map<Long, String> names, long processCpuNanos) {
    java.util.Map<String, Long> byName = new java.util.HashMap<>();
    long sum = 0;
    for (java.util.Map.Entry<Long, Long> entry : after.entrySet()) {
      long delta = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
      String name = names.get(entry.getKey()).replaceAll("[0-9]+", "N");
      if (name.startsWith("OkHttp http")) name = "OkHttp reader"; // "OkHttp http://127.0.0.1:N/..."
      byName.merge(name, delta, Long::sum);
      sum += delta;
    }
    byName.put("JVM (GC, JIT) and ended threads", Math.max(0, processCpuNanos - sum));
    return byName.entrySet().stream()
        .filter(e -> e.getValue() * 100 >= processCpuNanos) // 1% and more
        .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> e.getKey() + " " + Math.round(e.getValue() * 100.0 / processCpuNanos) + "%")
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** The CPU this process spends from its creation to {@link #stop()}, in total and by thread. */
  static final class CpuWindow {
    private final java.util.Map<Long, String> names = new java.util.HashMap<>();
    private final java.util.Map<Long, Long> threads = threadCpu(names);
    private final long start = processCpuNanos();

    /** Process CPU nanoseconds since the start, and where they went. */
    record Spent(long nanos, String byThread) {
    }

    Spent stop() {
      long nanos = processCpuNanos() - start;
      return new Spent(nanos, "client CPU by thread: " + cpuByThread(threads, threadCpu(names), names, nanos));
    }
  }

  /** Heap in use after full collections, in bytes. */
  static long heapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** A collection before a measurement, so that no client pays for the previous one's garbage. */
  static void collect() throws InterruptedException {
    System.gc();
    Thread.sleep(50);
  }
}
