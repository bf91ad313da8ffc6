package dev.tether.samples.load;

import com.google.gson.GsonBuilder;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/** The outcome of a load run, as text for people or JSON for scripts and tests. Immutable. */
record LoadReport(
    String url,
    String scenario,
    String transports,
    double rampPerSecond,
    Users users,
    double durationSeconds,
    Latency connectLatencyMs,
    Latency ackLatencyMs,
    Messages sent,
    Messages received,
    long errorCount,
    Map<String, Long> errors,
    Map<String, String> errorExamples,
    Resources resources) {

  /** Stopped: still running at the --duration deadline (not a failure). */
  record Users(int total, int started, int completed, int failed, int stopped) {}

  /** Milliseconds, from an HdrHistogram of microseconds. */
  record Latency(long count, double p50, double p95, double p99, double max, double mean) {
    static Latency of(Histogram micros) {
      return new Latency(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
          ms(micros.getValueAtPercentile(95)), ms(micros.getValueAtPercentile(99)), ms(micros.getMaxValue()),
          micros.getTotalCount() == 0 ? 0 : round(micros.getMean() / 1000));
    }

    private static double ms(long micros) {
      return round(micros / 1000.0);
    }

    String toText(String what) {
      if (count == 0) {
        return "none";
      }
      return String.format(Locale.ROOT, "p50 %s  p95 %s  p99 %s  max %s  mean %s  (%d %s)",
          millis(p50), millis(p95), millis(p99), millis(max), millis(mean), count, what);
    }
  }

  record Messages(long total, double perSecond, Map<String, Long> byEvent) {
    String toText() {
      String events = byEvent.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
          .collect(Collectors.joining(", "));
      return String.format(Locale.ROOT, "%d messages, %.1f/s%s", total, perSecond,
          events.isEmpty() ? "" : "  (" + events + ")");
    }
  }

  /**
   * The bot's JVM: its peak thread count (exact), threads by owner and heap (sampled once a second),
   * CPU seconds during the run (the whole process, and by owner as last sampled; -1: unknown).
   */
  record Resources(int peakThreads, Map<String, Integer> peakThreadsByOwner, double peakHeapUsedMb,
      double maxHeapMb, double cpuSeconds, Map<String, Double> cpuSecondsByOwner) {}

  static LoadReport of(String url, LoadOptions options, Metrics metrics, double seconds, int peakThreads,
      Map<String, Integer> peakThreadsByOwner, long peakHeapBytes, long maxHeapBytes, double cpuSeconds,
      Map<String, Double> cpuSecondsByOwner) {
    cpuSecondsByOwner.replaceAll((owner, cpu) -> round(cpu));
    long sent = metrics.sent.sum();
    long received = metrics.received.sum();
    return new LoadReport(url, options.scenario().toString(),
        options.transports().stream().map(t -> t.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(",")),
        options.ramp(),
        new Users(options.users(), metrics.started.get(), metrics.completed.get(), metrics.failed.get(),
            metrics.stopped.get()),
        round(seconds),
        Latency.of(metrics.connectLatency()),
        Latency.of(metrics.ackLatency()),
        new Messages(sent, round(sent / seconds), metrics.sentByEvent()),
        new Messages(received, round(received / seconds), metrics.receivedByEvent()),
        metrics.errorCount.sum(),
        metrics.errors(),
        metrics.errorExamples(),
        new Resources(peakThreads, peakThreadsByOwner, round(peakHeapBytes / 1048576.0),
            round(maxHeapBytes / 1048576.0), round(cpuSeconds), cpuSecondsByOwner));
  }

  String toJson() {
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(this);
  }

  String toText() {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "Load test of %s: %d users, ramp %s, transports %s%n", url,
        users.total(), rampPerSecond == 0 ? "none (all at once)" : number(rampPerSecond) + "/s", transports));
    line(text, "users", String.format(Locale.ROOT,
        "%d started, %d completed, %d failed, %d stopped at the --duration deadline",
        users.started(), users.completed(), users.failed(), users.stopped()));
    line(text, "duration", String.format(Locale.ROOT, "%.2f s", durationSeconds));
    line(text, "connect", connectLatencyMs.toText("connects"));
    line(text, "ack", ackLatencyMs.toText("acks"));
    line(text, "sent", sent.toText());
    line(text, "received", received.toText());
    if (errors.isEmpty()) {
      line(text, "errors", "none");
    } else {
      line(text, "errors", errorCount + " in all, by kind:");
      errors.forEach((kind, count) -> text.append(String.format(Locale.ROOT, "             %6d  %s%n"
          + "                     e.g. %s%n", count, kind, errorExamples.getOrDefault(kind, "-"))));
    }
    String owners = resources.peakThreadsByOwner().entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    line(text, "threads", "peak " + resources.peakThreads() + " live in the JVM; sampled peaks by owner: " + owners);
    line(text, "heap", String.format(Locale.ROOT, "peak %.1f MB used (sampled once a second), %.0f MB max",
        resources.peakHeapUsedMb(), resources.maxHeapMb()));
    if (resources.cpuSeconds() >= 0) {
      String cpuOwners = resources.cpuSecondsByOwner().entrySet().stream()
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .map(e -> String.format(Locale.ROOT, "%s %.1f s", e.getKey(), e.getValue()))
          .collect(Collectors.joining(", "));
      line(text, "cpu", String.format(Locale.ROOT, "%.1f s in the JVM (%.0f%% of %d cores); by owner: %s",
          resources.cpuSeconds(), 100 * resources.cpuSeconds() / durationSeconds
              / Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().availableProcessors(), cpuOwners));
    }
    return text.toString();
  }

  private static void line(StringBuilder text, String label, String value) {
    text.append(String.format(Locale.ROOT, "  %-9s %s%n", label, value));
  }

  static String millis(double ms) {
    return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : "%.1f ms", ms);
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
