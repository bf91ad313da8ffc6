package dev.tether.bench.e2e;

import com.google.gson.JsonObject;
import dev.tether.bench.Msg;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * One end-to-end scenario: a fixed piece of work that one client does against the real server, in
 * a fresh state, measured from this JVM. {@link #run} returns one value per {@link #metrics() metric}.
 */
abstract class Scenario {
  /** Where and how big. */
  record Env(String url, long serverPid, Sizes sizes) {
  }

  /** One run's values (in the order of {@link #metrics()}) and an optional remark. */
  record Outcome(double[] values, String note) {
    Outcome(double... values) {
      this(values, "");
    }
  }

  final String id;
  final String label;

  Scenario(String id, String label) {
    this.id = id;
    this.label = label;
  }

  abstract List<Metric> metrics();

  abstract Outcome run(Client client, Env env) throws Exception;

  /** A discarded run to warm the JIT up; by default the same as a measured one. */
  void warmUp(Client client, Env env) throws Exception {
    run(client, env);
  }

  /** Whether this scenario runs for clients of {@code kind} (the JavaScript client does not run them all). */
  boolean runsOn(Kind kind) {
    return true;
  }

  /**
   * The parameters with which the JavaScript client (js-client/bench.js) runs this scenario in Node;
   * only called where {@link #runsOn} the JS kind.
   */
  JsonObject jsParams(Env env) {
    throw new UnsupportedOperationException(id + " has no JavaScript version");
  }

  /**
   * The outcome of bench.js's values (one per metric, NaN where it measures none) and the server's
   * CPU time between its start and stop marks: by default the values as they are.
   */
  Outcome fromJs(double[] values, String note, long serverCpuNanos, Env env) {
    return new Outcome(values, note);
  }

  /** A measured run with {@code client}: in this JVM, or in Node for the JavaScript client. */
  final Outcome measure(Client client, Env env) throws Exception {
    if (client instanceof JsClient) return ((JsClient) client).run(this, env);
    return run(client, env);
  }

  /** A warm-up run; none for the JavaScript client, whose Node process warms up before it measures. */
  final void warmUpWith(Client client, Env env) throws Exception {
    if (!(client instanceof JsClient)) warmUp(client, env);
  }

  int rounds(Sizes sizes) {
    return sizes.rounds();
  }

  int warmups(Sizes sizes) {
    return sizes.warmups();
  }

  /** The pause after closing a client, before the next run. */
  long settleMillis(Sizes sizes) {
    return sizes.settleMillis();
  }

  /** Every scenario for these sizes, in run order. */
  static List<Scenario> all(Sizes sizes, int javaVersion) {
    List<Scenario> all = new ArrayList<>();
    all.add(new Connect(Transports.DEFAULT));
    all.add(new Connect(Transports.WEBSOCKET));
    all.add(new Echo("echo", Transports.WEBSOCKET, sizes.echoes(), sizes.echoWindow()));
    all.add(new Acks());
    all.add(new Echo("polling", Transports.POLLING, sizes.polls(), sizes.pollWindow()));
    all.add(new Binary());
    all.add(new Burst(sizes.bursts()));
    all.add(new SlowListener(sizes.slowMillis()));
    all.add(new ManyClients(sizes.levels(), sizes.holdMillis(), javaVersion));
    return all;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  static final long CONNECT_TIMEOUT_SECONDS = 15;

  /** Connects and waits; throws with the client's reason on failure. */
  static void connect(Conn conn) throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(1);
    AtomicReference<String> failure = new AtomicReference<>();
    conn.connect(latch::countDown, reason -> {
      failure.compareAndSet(null, reason);
      latch.countDown();
    });
    if (!latch.await(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("not connected within " + CONNECT_TIMEOUT_SECONDS + " s");
    }
    if (failure.get() != null) throw new IllegalStateException(failure.get());
  }

  static void await(CountDownLatch done, long timeoutMillis, String what) throws InterruptedException {
    if (!done.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(what + " did not finish within " + timeoutMillis + " ms");
    }
  }

  static double micros(long nanos) {
    return nanos / 1e3;
  }

  // ---- connect latency -------------------------------------------------------------------------

  /** Sequential connects: open a new connection, wait until connected, close it; again. */
  static final class Connect extends Scenario {
    private final Transports transports;

    Connect(Transports transports) {
      super(transports == Transports.DEFAULT ? "connect" : "connect-ws", "connect, " + transports.label);
      this.transports = transports;
    }

    @Override List<Metric> metrics() {
      return List.of(
          Metric.lower("connect latency p50", "ms", "peer"),
          Metric.lower("connect latency p99", "ms", "peer"),
          Metric.lower("client CPU per connect + close", "ms", "peer"));
    }

    @Override Outcome run(Client client, Env env) throws Exception {
      int count = env.sizes().connects();
      Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
      long cpu0 = Meter.processCpuNanos();
      for (int i = 0; i < count; i++) {
        long start = System.nanoTime();
        Conn conn = client.open(env.url(), transports);
        connect(conn);
        latency.recordValue(System.nanoTime() - start);
        conn.close();
      }
      long cpu = Meter.processCpuNanos() - cpu0;
      return new Outcome(latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
          cpu / 1e6 / count);
    }

    @Override JsonObject jsParams(Env env) {
      JsonObject params = new JsonObject();
      params.addProperty("transports", transports.name());
      params.addProperty("count", env.sizes().connects());
      return params;
    }
  }

  // ---- echo with a window of events in flight ----------------------------------------------------

  /**
   * {@code emit("echo", msg)} with {@code window} events in flight: every echo that comes back (bound
   * to {@link Msg}) sends the next one, until {@code count} came back. Measured from the first emit
   * to the last echo, on an established connection.
   */
  static final class Echo extends Scenario {
    private final Transports transports;
    private final int count;
    private final int window;

    Echo(String id, Transports transports, int count, int window) {
      super(id, "echo, " + transports.label + ", window " + window);
      this.transports = transports;
      this.count = count;
      this.window = window;
    }

    @Override List<Metric> metrics() {
      return List.of(
          Metric.lower("client CPU per 100k echoes", "s", transports == Transports.WEBSOCKET
              ? new String[] {"peer", "floor<=1.1"} : new String[] {"peer"}),
          Metric.higher("echoes per second", "1/s", "peer"),
          Metric.lower("server CPU per 100k echoes", "s"));
    }

    @Override Outcome run(Client client, Env env) throws Exception {
      Conn conn = client.open(env.url(), transports);
      AtomicLong next = new AtomicLong();
      AtomicLong received = new AtomicLong();
      AtomicLong seqSum = new AtomicLong();
      AtomicReference<String> error = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(1);
      conn.onEcho(msg -> {
        seqSum.addAndGet(msg.seq);
        if (!Msg.TEXT.equals(msg.text)) error.compareAndSet(null, "wrong echo " + msg);
        long seq = next.getAndIncrement();
        if (seq < count) conn.emitEcho(Msg.sample(seq));
        if (received.incrementAndGet() == count) done.countDown();
      });
      try {
        connect(conn);
        Meter.collect();
        Meter.CpuWindow window0 = new Meter.CpuWindow();
        long server0 = Meter.processCpuNanos(env.serverPid());
        long start = System.nanoTime();
        for (int i = 0; i < window; i++) {
          long seq = next.getAndIncrement();
          if (seq < count) conn.emitEcho(Msg.sample(seq));
        }
        await(done, 30_000 + count, "echo of " + count);
        long wall = System.nanoTime() - start;
        Meter.CpuWindow.Spent spent = window0.stop();
        long cpu = spent.nanos();
        long server = Meter.processCpuNanos(env.serverPid()) - server0;
        if (error.get() != null) throw new IllegalStateException(error.get());
        long expected = (long) count * (count - 1) / 2;
        if (seqSum.get() != expected) {
          throw new IllegalStateException("echoes do not add up: sum of seq " + seqSum.get() + ", expected " + expected);
        }
        double per100k = 100_000.0 / count;
        return new Outcome(new double[] {cpu / 1e9 * per100k, count / (wall / 1e9),
            server < 0 ? Double.NaN : server / 1e9 * per100k}, spent.byThread());
      } finally {
        conn.close();
      }
    }

    @Override JsonObject jsParams(Env env) {
      JsonObject params = new JsonObject();
      params.addProperty("transports", transports.name());
      params.addProperty("count", count);
      params.addProperty("window", window);
      return params;
    }

    @Override Outcome fromJs(double[] values, String note, long serverCpuNanos, Env env) {
      double[] filled = values.clone();
      filled[2] = serverCpuNanos < 0 ? Double.NaN : serverCpuNanos / 1e9 * 100_000.0 / count;
      return new Outcome(filled, note);
    }
  }

  // ---- sequential acks ---------------------------------------------------------------------------

  /** {@code emitWithAck("ack", msg)}, the next one from the ack callback; latency from emit to callback. */
  static final class Acks extends Scenario {
    Acks() {
      super("ack", "ack, websocket-only, sequential");
    }

    @Override List<Metric> metrics() {
      return List.of(
          Metric.lower("ack latency p50", "µs", "peer", "floor<=1.1"),
          Metric.lower("ack latency p99", "µs", "peer"),
          Metric.lower("client CPU per ack", "µs", "peer"));
    }

    @Override Outcome run(Client client, Env env) throws Exception {
      int count = env.sizes().acks();
      Conn conn = client.open(env.url(), Transports.WEBSOCKET);
      Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
      CountDownLatch done = new CountDownLatch(1);
      AtomicReference<String> error = new AtomicReference<>();
      try {
        connect(conn);
        Meter.collect();
        Meter.CpuWindow cpuWindow = new Meter.CpuWindow();
        // Each step runs after the previous ack arrived (a happens-before chain through the client).
        Runnable chain = new Runnable() {
          private int index;
          private long start;

          @Override public void run() {
            int current = index;
            if (current == count) {
              done.countDown();
              return;
            }
            start = System.nanoTime();
            conn.emitAck(Msg.sample(current), reply -> {
              latency.recordValue(System.nanoTime() - start);
              if (reply.seq != current) error.compareAndSet(null, "ack " + reply + " for " + current);
              index = current + 1;
              run();
            });
          }
        };
        chain.run();
        await(done, 30_000 + 5L * count, count + " acks");
        Meter.CpuWindow.Spent spent = cpuWindow.stop();
        if (error.get() != null) throw new IllegalStateException(error.get());
        if (latency.getTotalCount() != count) throw new IllegalStateException(latency.getTotalCount() + " acks of " + count);
        return new Outcome(new double[] {micros(latency.getValueAtPercentile(50)),
            micros(latency.getValueAtPercentile(99)), micros(spent.nanos()) / count}, spent.byThread());
      } finally {
        conn.close();
      }
    }

    @Override JsonObject jsParams(Env env) {
      JsonObject params = new JsonObject();
      params.addProperty("count", env.sizes().acks());
      return params;
    }
  }

  // ---- binary ----------------------------------------------------------------------------------

  /** {@code emit("echo", bytes)} of 256 KiB with a few in flight; CPU per GiB that went out and came back. */
  static final class Binary extends Scenario {
    Binary() {
      super("binary", "binary echo, websocket-only, 256 KiB");
    }

    @Override List<Metric> metrics() {
      return List.of(
          Metric.lower("client CPU per GiB echoed", "s", "peer", "floor<=1.1"),
          Metric.higher("echoed", "MiB/s", "peer", "floor>=0.95"));
    }

    @Override Outcome run(Client client, Env env) throws Exception {
      int count = env.sizes().binaries();
      int size = env.sizes().binarySize();
      int window = env.sizes().binaryWindow();
      byte[] payload = new byte[size];
      for (int i = 0; i < size; i++) payload[i] = (byte) i;
      Conn conn = client.open(env.url(), Transports.WEBSOCKET);
      AtomicLong next = new AtomicLong();
      AtomicLong received = new AtomicLong();
      AtomicReference<String> error = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(1);
      conn.onBinaryEcho(bytes -> {
        if (bytes.length != size || bytes[size - 1] != (byte) (size - 1)) {
          error.compareAndSet(null, "wrong echo of " + bytes.length + " bytes");
        }
        if (next.getAndIncrement() < count) conn.emitBinaryEcho(payload);
        if (received.incrementAndGet() == count) done.countDown();
      });
      try {
        connect(conn);
        Meter.collect();
        Meter.CpuWindow cpuWindow = new Meter.CpuWindow();
        long start = System.nanoTime();
        for (int i = 0; i < window; i++) {
          if (next.getAndIncrement() < count) conn.emitBinaryEcho(payload);
        }
        await(done, 30_000 + 50L * count, "binary echo of " + count);
        long wall = System.nanoTime() - start;
        Meter.CpuWindow.Spent spent = cpuWindow.stop();
        if (error.get() != null) throw new IllegalStateException(error.get());
        double bytes = (double) count * size;
        return new Outcome(new double[] {spent.nanos() / 1e9 / (bytes / (1L << 30)), bytes / (1 << 20) / (wall / 1e9)},
            spent.byThread());
      } finally {
        conn.close();
      }
    }

    @Override JsonObject jsParams(Env env) {
      JsonObject params = new JsonObject();
      params.addProperty("count", env.sizes().binaries());
      params.addProperty("size", env.sizes().binarySize());
      params.addProperty("window", env.sizes().binaryWindow());
      return params;
    }
  }

  // ---- many clients ------------------------------------------------------------------------------

  /**
   * A ramp of WebSocket connections from this JVM: up to each level in turn (1k, 5k, 10k), at most
   * {@value #IN_FLIGHT} connects in flight, all of them staying open. At each level: the time to get
   * there, the CPU per new connection, heap and resident memory per connection after GC (the resident
   * memory holds platform thread stacks, the heap holds virtual thread stacks), and live platform
   * threads; at the
   * top, a few acks through connections spread over all of them (they must work), then a hold with
   * every connection open and idle, after which the pools' idle threads have expired: the platform
   * threads the connections really need.
   *
   * <p>Run each client in a JVM of its own (run.sh does): threads and heap a previous client left
   * behind would count as this one's.
   */
  static final class ManyClients extends Scenario {
    static final int IN_FLIGHT = 100;
    private static final int PROBES = 10;
    private static final int CLOSE_BATCH = 50;
    /** Platform threads of this JVM before any client ran (created with the scenario list, first). */
    private static final int BASELINE_THREADS = Meter.liveThreads();

    private final List<Integer> levels;
    private final long holdMillis;
    private final int javaVersion;

    ManyClients(List<Integer> levels, long holdMillis, int javaVersion) {
      super("many", "many clients, websocket-only (Java " + javaVersion + ")");
      this.levels = List.copyOf(levels);
      this.holdMillis = holdMillis;
      this.javaVersion = javaVersion;
    }

    private String level(int count) {
      return String.format("ramp to %,d clients, websocket-only (Java %d)", count, javaVersion);
    }

    @Override List<Metric> metrics() {
      List<Metric> metrics = new ArrayList<>();
      for (int level : levels) {
        metrics.add(Metric.lower("time to connect all", "s", "peer").in(level(level)));
        metrics.add(Metric.lower("client CPU per connection", "ms", "peer").in(level(level)));
        // issue 20: at 5,000 connections, no more heap per connection than the floor
        String[] heapTargets = level == 5_000 ? new String[] {"peer", "floor<=1.0"} : new String[] {"peer"};
        metrics.add(Metric.lower("heap per connection after GC", "KiB", heapTargets).in(level(level)));
        metrics.add(Metric.lower("resident memory (RSS) per connection", "KiB", "peer").in(level(level)));
        metrics.add(Metric.lower("live platform threads, idle pool threads included", "", "peer").in(level(level)));
      }
      String top = level(levels.get(levels.size() - 1));
      String after = holdMillis > 0 ? String.format(" after %d s idle", holdMillis / 1000) : " (no hold)";
      // Java 8-20: one platform thread per connection at most; 21+: virtual threads, far fewer.
      String perConnection = javaVersion >= 21 ? "max<=0.05" : "max<=1";
      metrics.add(Metric.lower("peak platform threads while ramping", "", "peer").in(top));
      // Java 17: no more threads than the floor (one reader thread per WebSocket)
      String[] liveTargets = javaVersion >= 21 ? new String[] {"peer"} : new String[] {"peer", "floor<=1.0"};
      metrics.add(Metric.lower("live platform threads" + after, "", liveTargets).in(top));
      metrics.add(Metric.lower("platform threads per connection" + after, "", "peer", perConnection).in(top));
      return metrics;
    }

    @Override int rounds(Sizes sizes) {
      return 1;
    }

    /** The JavaScript client is not in this row: thousands of sockets in one Node process is another question. */
    @Override boolean runsOn(Kind kind) {
      return kind != Kind.JS;
    }

    @Override long settleMillis(Sizes sizes) {
      return 3 * sizes.settleMillis(); // Tether lets closing connections say goodbye for up to 2 s
    }

    @Override void warmUp(Client client, Env env) throws Exception {
      if (env.sizes().manyWarmup() <= 0) return;
      List<Conn> conns = new ArrayList<>();
      try {
        connectMore(client, env, conns, env.sizes().manyWarmup());
      } finally {
        closeGradually(conns);
      }
    }

    @Override Outcome run(Client client, Env env) throws Exception {
      List<Conn> conns = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      try {
        long heap0 = Meter.heapAfterGc();
        long resident0 = Meter.residentBytes();
        Meter.resetPeakThreads();
        long connecting = 0;
        for (int level : levels) {
          long cpu0 = Meter.processCpuNanos();
          long start = System.nanoTime();
          int added = level - conns.size();
          connectMore(client, env, conns, added);
          connecting += System.nanoTime() - start;
          long cpu = Meter.processCpuNanos() - cpu0;
          long heap = Meter.heapAfterGc() - heap0;
          long resident = Meter.residentBytes() - resident0;
          int threads = Meter.liveThreads();
          E2eMain.log(String.format("  %,d connections: %d platform threads: %s", level, threads, Meter.threadSummary(4)));
          values.add(connecting / 1e9);
          values.add(cpu / 1e6 / added);
          values.add(heap / 1024.0 / level);
          values.add(resident0 < 0 ? Double.NaN : resident / 1024.0 / level);
          values.add((double) threads);
        }
        int peak = Meter.peakThreads();
        probe(conns);
        Thread.sleep(holdMillis);
        int threads = Meter.liveThreads();
        String summary = Meter.threadSummary(4);
        probe(conns); // still working after the hold
        E2eMain.log("  after the hold: " + threads + " platform threads: " + summary);
        notes.add(String.format("%d platform threads with %,d idle connections (%d before any client): %s",
            threads, conns.size(), BASELINE_THREADS, summary));
        values.add((double) peak);
        values.add((double) threads);
        values.add((threads - BASELINE_THREADS) / (double) conns.size());
        return new Outcome(values.stream().mapToDouble(Double::doubleValue).toArray(), String.join("; ", notes));
      } finally {
        closeGradually(conns);
      }
    }

    /** Opens {@code count} more connections, at most {@value #IN_FLIGHT} connecting at a time; throws unless all connect. */
    private static void connectMore(Client client, Env env, List<Conn> conns, int count) throws InterruptedException {
      Semaphore inFlight = new Semaphore(IN_FLIGHT);
      CountDownLatch settled = new CountDownLatch(count);
      AtomicInteger connected = new AtomicInteger();
      AtomicReference<String> failure = new AtomicReference<>();
      int before = conns.size();
      for (int i = 0; i < count && failure.get() == null; i++) {
        if (!inFlight.tryAcquire(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          failure.compareAndSet(null, "connects stalled");
          break;
        }
        AtomicInteger once = new AtomicInteger();
        try {
          Conn conn = client.open(env.url(), Transports.WEBSOCKET);
          conns.add(conn);
          conn.connect(() -> {
            if (once.getAndIncrement() == 0) {
              connected.incrementAndGet();
              inFlight.release();
              settled.countDown();
            }
          }, reason -> {
            if (once.getAndIncrement() == 0) {
              failure.compareAndSet(null, reason);
              inFlight.release();
              settled.countDown();
            }
          });
        } catch (Throwable e) { // e.g. OutOfMemoryError: unable to create native thread
          failure.compareAndSet(null, e.toString());
        }
      }
      if (failure.get() == null) settled.await(60_000 + 10L * count, TimeUnit.MILLISECONDS);
      if (connected.get() < count) {
        throw new IllegalStateException(String.format("%,d of %,d connected%s", before + connected.get(),
            before + count, failure.get() != null ? ": " + failure.get() : " in time"));
      }
    }

    /** Acks through a few connections spread over all of them: they must all still work. */
    private static void probe(List<Conn> conns) throws InterruptedException {
      int probes = Math.min(PROBES, conns.size());
      CountDownLatch acked = new CountDownLatch(probes);
      for (int i = 0; i < probes; i++) {
        conns.get(i * conns.size() / probes).emitAck(Msg.sample(i), reply -> acked.countDown());
      }
      await(acked, 30_000, probes + " probe acks");
    }

    /**
     * Closes in batches: closing thousands at once makes OkHttp's TaskRunner start a thread for each
     * close in flight, threads that then idle for 60 s.
     */
    private static void closeGradually(List<Conn> conns) throws InterruptedException {
      for (int i = 0; i < conns.size(); i++) {
        try {
          conns.get(i).close();
        } catch (Throwable ignored) {
          // best effort: the client is closed next anyway
        }
        if (i % CLOSE_BATCH == CLOSE_BATCH - 1) Thread.sleep(5);
      }
    }
  }
}
