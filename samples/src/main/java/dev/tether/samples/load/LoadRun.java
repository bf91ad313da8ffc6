package dev.tether.samples.load;

import dev.tether.samples.Shutdown;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.Transport;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One load run: starts the users at the ramp rate on one shared {@link Tether}, prints the progress
 * line, waits until every user has ended (or the --duration deadline), and measures.
 *
 * <p>Threads of its own: one timer ({@code load-timer}) for the ramp, think pauses, timeouts, sync
 * releases and the progress line. Everything else runs on Tether's threads.
 */
final class LoadRun {
  final LoadOptions options;
  final String url;
  final Tether tether = Tether.create(); // one for all users: that is the point
  final SocketOptions socketOptions;
  final Metrics metrics = new Metrics();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "load-timer");
    thread.setDaemon(true);
    return thread;
  });
  private final VirtualUser[] users;
  private final CountDownLatch allEnded;
  private final PrintStream progressOut;
  private final boolean terminal;
  private final ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
  private final MemoryMXBean memoryBean = ManagementFactory.getMemoryMXBean();

  /** Sync barriers: users waiting at each, by barrier key. Guarded by this. */
  private final Map<String, List<Waiter>> barriers = new HashMap<>();
  private int ended; // guarded by this
  private volatile boolean stopping;

  // Sampled by the progress tick (timer thread) and at the end; guarded by statsLock.
  private final Object statsLock = new Object();
  private final Map<String, Integer> peakThreadsByGroup = new TreeMap<>();
  private long peakHeapUsed;
  /** Per thread id: its owner, its CPU time when the run began, and when last sampled. */
  private final Map<Long, String> threadOwners = new HashMap<>();
  private final Map<Long, Long> threadCpuAtStart = new HashMap<>();
  private final Map<Long, Long> threadCpu = new HashMap<>();
  private long processCpuAtStart;
  private boolean progressDone;
  private long lastTickNanos;
  private long lastSent;
  private long lastReceived;
  private int lastLineLength;
  private long startNanos;
  private final AtomicLong lastEndNanos = new AtomicLong();

  private record Waiter(VirtualUser user, int waitId) {}

  private LoadRun(LoadOptions options, String url, PrintStream progressOut) {
    this.options = options;
    this.url = url;
    this.progressOut = progressOut;
    this.terminal = progressOut == System.err && System.console() != null;
    long timeoutMillis = options.connectTimeout().toMillis();
    socketOptions = SocketOptions.builder()
        .forceNew(true) // a connection per user, as real clients have
        .reconnection(false) // a lost connection is an error to count, not something to hide
        .transports(options.transports().toArray(new Transport[0]))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .connectTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .ackTimeout(options.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .build();
    users = new VirtualUser[options.users()];
    for (int i = 0; i < users.length; i++) {
      users[i] = new VirtualUser(this, i, options.seed());
    }
    allEnded = new CountDownLatch(users.length);
  }

  /** Runs the scenario with every user and reports; progress lines go to {@code progressOut}. */
  static LoadReport run(LoadOptions options, String url, PrintStream progressOut) throws InterruptedException {
    LoadRun run = new LoadRun(options, url, progressOut);
    try {
      return run.execute();
    } finally {
      Shutdown.close(run.tether); // disconnects whatever is left, waits for the goodbyes
      run.timer.shutdownNow();
    }
  }

  private LoadReport execute() throws InterruptedException {
    threadBean.resetPeakThreadCount();
    synchronized (statsLock) {
      sampleResources();
      threadCpuAtStart.putAll(threadCpu);
      processCpuAtStart = processCpuNanos();
    }
    startNanos = System.nanoTime();
    lastTickNanos = startNanos;
    lastEndNanos.set(startNanos);
    for (int i = 0; i < users.length; i++) {
      // The arrival schedule: user i starts i / ramp seconds in.
      long delay = options.ramp() == 0 ? 0 : (long) (i * 1e9 / options.ramp());
      timer.schedule(users[i]::start, delay, TimeUnit.NANOSECONDS);
    }
    timer.scheduleAtFixedRate(() -> tick(false), 1, 1, TimeUnit.SECONDS);

    boolean finished = true;
    if (options.duration() == null) {
      allEnded.await();
    } else {
      finished = allEnded.await(options.duration().toNanos(), TimeUnit.NANOSECONDS);
    }
    if (!finished) {
      stopping = true; // users not started yet never start
      for (VirtualUser user : users) {
        user.stop();
      }
      lastEndNanos.accumulateAndGet(System.nanoTime(), Math::max);
    }
    tick(true); // runs here, not on the timer: the last line is printed before the report
    return report();
  }

  boolean isStopping() {
    return stopping;
  }

  /** Runs {@code task} on the bot's timer after {@code delay}. */
  ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // the run is over
    }
  }

  // ---- sync barriers -------------------------------------------------------------------------

  /** A user waits at a barrier until every user that has not ended is there too. */
  synchronized void arrive(String key, VirtualUser user, int waitId) {
    barriers.computeIfAbsent(key, k -> new ArrayList<>()).add(new Waiter(user, waitId));
    releaseFullBarriers();
  }

  /** A user that ended while waiting at a barrier (a sync timeout, the deadline). */
  synchronized void depart(String key, VirtualUser user) {
    List<Waiter> waiting = barriers.get(key);
    if (waiting != null) {
      waiting.removeIf(waiter -> waiter.user() == user);
    }
  }

  /** A user completed, failed or was stopped. */
  void ended() {
    synchronized (this) {
      ended++;
      releaseFullBarriers(); // the barriers now wait for one user less
    }
    lastEndNanos.accumulateAndGet(System.nanoTime(), Math::max);
    allEnded.countDown();
  }

  private void releaseFullBarriers() {
    int running = users.length - ended;
    for (Iterator<List<Waiter>> it = barriers.values().iterator(); it.hasNext(); ) {
      List<Waiter> waiting = it.next();
      if (!waiting.isEmpty() && waiting.size() >= running) {
        it.remove();
        for (Waiter waiter : waiting) {
          // On the timer, not here: this runs under another user's lock.
          try {
            timer.execute(() -> waiter.user().resume(waiter.waitId()));
          } catch (RejectedExecutionException e) {
            return; // the run is over
          }
        }
      }
    }
  }

  // ---- progress and resources ------------------------------------------------------------------

  /** Once a second: samples threads and heap, prints the progress line. */
  private void tick(boolean last) {
    synchronized (statsLock) {
      if (!progressDone) { // a tick of the timer must not print after the last line
        progressDone = last;
        printProgress(last);
      }
    }
  }

  private void printProgress(boolean last) {
    sampleResources();
    Metrics.Interval interval = metrics.drain();
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastTickNanos) / 1e9);
    long sent = metrics.sent.sum();
    long received = metrics.received.sum();
    String line = String.format("%6.1fs  users %d/%d started, %d connected, %d done, %d failed"
            + " | sent %d (%.0f/s) | received %d (%.0f/s) | acks %d/s, p99 %s | errors %d | threads %d",
        (now - startNanos) / 1e9, metrics.started.get(), users.length, metrics.connectedNow.get(),
        metrics.completed.get() + metrics.stopped.get(), metrics.failed.get(),
        sent, (sent - lastSent) / seconds, received, (received - lastReceived) / seconds,
        Math.round(interval.acks() / seconds),
        interval.acks() == 0 ? "-" : LoadReport.millis(interval.ackP99Micros() / 1000.0),
        metrics.errorCount.sum(), threadBean.getThreadCount());
    lastTickNanos = now;
    lastSent = sent;
    lastReceived = received;
    if (!options.progress()) {
      return;
    }
    if (terminal) { // one line, rewritten in place
      progressOut.print("\r" + line + " ".repeat(Math.max(0, lastLineLength - line.length()))
          + (last ? "\n" : ""));
      lastLineLength = line.length();
    } else {
      progressOut.println(line);
    }
    progressOut.flush();
  }

  /** Threads by who owns them, their CPU time, and the heap in use. Cheap: no stack traces. */
  private void sampleResources() {
    Map<String, Integer> groups = new TreeMap<>();
    for (ThreadInfo info : threadBean.getThreadInfo(threadBean.getAllThreadIds())) {
      if (info != null) {
        String group = group(info.getThreadName());
        groups.merge(group, 1, Integer::sum);
        long cpu = threadBean.isThreadCpuTimeSupported() ? threadBean.getThreadCpuTime(info.getThreadId()) : -1;
        if (cpu > 0) {
          threadOwners.putIfAbsent(info.getThreadId(), group); // a thread's first name: OkHttp renames them
          threadCpu.put(info.getThreadId(), cpu);
        }
      }
    }
    groups.forEach((group, count) -> peakThreadsByGroup.merge(group, count, Math::max));
    peakHeapUsed = Math.max(peakHeapUsed, memoryBean.getHeapMemoryUsage().getUsed());
  }

  /**
   * Tether names its threads tether-loop, tether-timer, tether-callback, tether-auth, and tether-io
   * for OkHttp's calls; OkHttp renames a tether-io thread "OkHttp http://..." while a call (a
   * long-poll, an open WebSocket's reader) runs on it, and runs its own "OkHttp TaskRunner" threads.
   */
  private static String group(String name) {
    if (name.startsWith("OkHttp http") || name.startsWith("tether-io")) {
      return "okhttp calls (tether-io)";
    } else if (name.startsWith("OkHttp")) {
      return "okhttp tasks";
    } else if (name.startsWith("tether-")) {
      return name.replaceAll("-\\d+$", "");
    } else if (name.startsWith("load-")) {
      return "load bot";
    }
    return "other (JVM, build tool, demo server pipes)";
  }

  private LoadReport report() {
    double seconds = Math.max(1e-3, (lastEndNanos.get() - startNanos) / 1e9);
    synchronized (statsLock) {
      Map<String, Double> cpuByOwner = new TreeMap<>();
      threadCpu.forEach((id, cpu) -> cpuByOwner.merge(threadOwners.get(id),
          (cpu - threadCpuAtStart.getOrDefault(id, 0L)) / 1e9, Double::sum));
      long processCpu = processCpuNanos();
      return LoadReport.of(url, options, metrics, seconds, threadBean.getPeakThreadCount(),
          new TreeMap<>(peakThreadsByGroup), peakHeapUsed, memoryBean.getHeapMemoryUsage().getMax(),
          processCpu < 0 ? -1 : (processCpu - processCpuAtStart) / 1e9, cpuByOwner);
    }
  }

  /** CPU time of this JVM so far, or -1 where the platform does not tell. */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
  }
}
