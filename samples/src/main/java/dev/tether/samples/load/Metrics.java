package dev.tether.samples.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a run measures, recorded from any thread: the Tether callback thread (connects, acks,
 * events) and the bot's timer thread (timeouts). Latencies go into HdrHistogram {@link Recorder}s,
 * which take values from many threads without locks; {@link #drain()} moves what they hold into the
 * run's totals (the progress line does so every second, the report at the end). Thread-safe.
 */
final class Metrics {
  /** Latencies are recorded in microseconds, reported in milliseconds. */
  private final Recorder connectRecorder = new Recorder(3);
  private final Recorder ackRecorder = new Recorder(3);
  private final Histogram connectTotal = new Histogram(3); // guarded by this
  private final Histogram ackTotal = new Histogram(3); // guarded by this
  private Histogram connectInterval; // guarded by this; recycled by the recorder
  private Histogram ackInterval; // guarded by this

  final AtomicInteger started = new AtomicInteger();
  final AtomicInteger connectedNow = new AtomicInteger();
  final AtomicInteger completed = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();
  final AtomicInteger stopped = new AtomicInteger();
  final LongAdder sent = new LongAdder();
  final LongAdder received = new LongAdder();
  final LongAdder errorCount = new LongAdder();
  private final ConcurrentMap<String, LongAdder> sentByEvent = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> receivedByEvent = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> errors = new ConcurrentHashMap<>();
  /** The first detail seen of each error kind (e.g. the full connect error message). */
  private final ConcurrentMap<String, String> errorExamples = new ConcurrentHashMap<>();

  void connected(long nanos) {
    connectRecorder.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)));
    connectedNow.incrementAndGet();
  }

  void acked(long nanos) {
    ackRecorder.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)));
  }

  void sent(String event) {
    sent.increment();
    sentByEvent.computeIfAbsent(event, name -> new LongAdder()).increment();
  }

  void received(String event) {
    received.increment();
    receivedByEvent.computeIfAbsent(event, name -> new LongAdder()).increment();
  }

  void error(String kind, String detail) {
    errorCount.increment();
    errors.computeIfAbsent(kind, name -> new LongAdder()).increment();
    if (detail != null) {
      errorExamples.putIfAbsent(kind, detail);
    }
  }

  /** Acks of one progress interval: how many, and their 99th percentile in microseconds. */
  record Interval(long acks, long ackP99Micros) {}

  /** Moves what the recorders hold into the totals; returns the acks since the last drain. */
  synchronized Interval drain() {
    connectInterval = connectRecorder.getIntervalHistogram(connectInterval);
    connectTotal.add(connectInterval);
    ackInterval = ackRecorder.getIntervalHistogram(ackInterval);
    ackTotal.add(ackInterval);
    return new Interval(ackInterval.getTotalCount(), ackInterval.getValueAtPercentile(99));
  }

  /** Connect latencies so far (a copy). */
  synchronized Histogram connectLatency() {
    drain();
    return connectTotal.copy();
  }

  /** Ack latencies so far (a copy). */
  synchronized Histogram ackLatency() {
    drain();
    return ackTotal.copy();
  }

  Map<String, Long> sentByEvent() {
    return snapshot(sentByEvent);
  }

  Map<String, Long> receivedByEvent() {
    return snapshot(receivedByEvent);
  }

  Map<String, Long> errors() {
    return snapshot(errors);
  }

  Map<String, String> errorExamples() {
    return new TreeMap<>(errorExamples);
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
    Map<String, Long> result = new TreeMap<>();
    counters.forEach((name, count) -> result.put(name, count.sum()));
    return result;
  }
}
