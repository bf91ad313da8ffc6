package dev.tether.bench.e2e;

import com.google.gson.JsonObject;
import dev.tether.bench.Msg;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Does a slow listener on one socket delay another socket of the same client? Two WebSocket
 * connections of one client instance (each library's default threading): a listener of socket A
 * sleeps {@code sleepMillis}; meanwhile socket B does sequential acks, until A's listener returned.
 * The latency of B's acks shows whether they waited for A (a shared callback thread) or not.
 */
final class SlowListener extends Scenario {
  private final long sleepMillis;

  SlowListener(long sleepMillis) {
    super("slow-listener", String.format("slow listener: acks on socket B while a listener of socket A sleeps %.1f s",
        sleepMillis / 1000.0));
    this.sleepMillis = sleepMillis;
  }

  @Override List<Metric> metrics() {
    return List.of(
        Metric.lower("socket B ack latency p50", "ms", "peer"),
        Metric.lower("socket B ack latency max", "ms", "peer"));
  }

  /** Seconds of sleeping per round: a few rounds show it, warm-ups add nothing. */
  @Override int rounds(Sizes sizes) {
    return Math.min(3, sizes.rounds());
  }

  @Override int warmups(Sizes sizes) {
    return 0;
  }

  @Override Outcome run(Client client, Env env) throws Exception {
    Conn a = client.open(env.url(), Transports.WEBSOCKET);
    Conn b = client.open(env.url(), Transports.WEBSOCKET);
    CountDownLatch sleeping = new CountDownLatch(1);
    AtomicBoolean awake = new AtomicBoolean();
    a.onEcho(msg -> {
      sleeping.countDown();
      try {
        Thread.sleep(sleepMillis); // what a blocking call (I/O, a lock) in an application's listener does
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      awake.set(true);
    });
    try {
      connect(a);
      connect(b);
      a.emitEcho(Msg.sample(0));
      await(sleeping, 10_000, "socket A's event");
      Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
      AtomicReference<String> error = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(1);
      // Sequential acks on B until A's listener has returned (the ack in flight then counts too).
      Runnable chain = new Runnable() {
        private int index;
        private long start;

        @Override public void run() {
          int current = index;
          start = System.nanoTime();
          b.emitAck(Msg.sample(current), reply -> {
            latency.recordValue(System.nanoTime() - start);
            if (reply.seq != current) error.compareAndSet(null, "ack " + reply + " for " + current);
            index = current + 1;
            if (awake.get()) {
              done.countDown();
            } else {
              run();
            }
          });
        }
      };
      chain.run();
      await(done, sleepMillis + 30_000, "socket B's acks");
      if (error.get() != null) throw new IllegalStateException(error.get());
      return new Outcome(new double[] {latency.getValueAtPercentile(50) / 1e6, latency.getMaxValue() / 1e6},
          String.format("%,d acks on socket B while socket A's listener slept", latency.getTotalCount()));
    } finally {
      a.close();
      b.close();
    }
  }

  @Override JsonObject jsParams(Env env) {
    JsonObject params = new JsonObject();
    params.addProperty("sleepMillis", sleepMillis);
    return params;
  }
}
