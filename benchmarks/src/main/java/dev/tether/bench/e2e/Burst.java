package dev.tether.bench.e2e;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receive-only throughput: one request, then the server pushes {@code count} small {@code tick({i})}
 * events as fast as it can; the client binds each to {@link dev.tether.bench.Tick} and counts them
 * until all arrived. Measured from the request to the last event.
 */
final class Burst extends Scenario {
  private final int count;

  Burst(int count) {
    super("burst", String.format("burst receive, websocket-only, %,d events", count));
    this.count = count;
  }

  @Override List<Metric> metrics() {
    return List.of(
        Metric.lower("client CPU per 100k events", "s", "peer", "floor<=1.1"),
        Metric.higher("events per second", "1/s", "peer"));
  }

  @Override Outcome run(Client client, Env env) throws Exception {
    Conn conn = client.open(env.url(), Transports.WEBSOCKET);
    AtomicLong received = new AtomicLong();
    AtomicLong sum = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    conn.onTick(tick -> {
      sum.addAndGet(tick.i);
      if (received.incrementAndGet() == count) done.countDown();
    });
    try {
      connect(conn);
      Meter.collect();
      Meter.CpuWindow cpuWindow = new Meter.CpuWindow();
      long start = System.nanoTime();
      conn.requestBurst(count);
      await(done, 30_000 + count / 2, "burst of " + count);
      long wall = System.nanoTime() - start;
      Meter.CpuWindow.Spent spent = cpuWindow.stop();
      long expected = (long) count * (count - 1) / 2;
      if (sum.get() != expected) {
        throw new IllegalStateException("ticks do not add up: sum of i " + sum.get() + ", expected " + expected);
      }
      return new Outcome(new double[] {spent.nanos() / 1e9 * 100_000.0 / count, count / (wall / 1e9)},
          spent.byThread());
    } finally {
      conn.close();
    }
  }

  @Override JsonObject jsParams(Env env) {
    JsonObject params = new JsonObject();
    params.addProperty("count", count);
    return params;
  }
}
