package dev.tether.samples.load;

import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration ({@code 200ms}, {@code 1.5s}, {@code 2m}) or a range of them ({@code 100ms..500ms})
 * from which each use picks uniformly at random. Immutable.
 */
record DurationRange(Duration min, Duration max) {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)");

  DurationRange {
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException("the range " + format(min) + ".." + format(max) + " ends before it starts");
    }
  }

  /** {@code 200ms} or {@code 100ms..500ms}. */
  static DurationRange parse(String text) {
    int dots = text.indexOf("..");
    if (dots < 0) {
      Duration exact = parseDuration(text);
      return new DurationRange(exact, exact);
    }
    return new DurationRange(parseDuration(text.substring(0, dots)), parseDuration(text.substring(dots + 2)));
  }

  /** {@code 250ms}, {@code 5s}, {@code 1.5s} or {@code 2m}. */
  static Duration parseDuration(String text) {
    Matcher matcher = DURATION.matcher(text.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration like 250ms, 5s, 1.5s or 2m");
    }
    double value = Double.parseDouble(matcher.group(1));
    double millis = switch (matcher.group(2)) {
      case "ms" -> value;
      case "s" -> value * 1_000;
      default -> value * 60_000;
    };
    if (millis > Duration.ofDays(1).toMillis()) {
      throw new IllegalArgumentException("'" + text + "' is longer than a day");
    }
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  /** A duration in [min, max], uniformly. */
  Duration pick(Random random) {
    long spread = max.toNanos() - min.toNanos();
    return spread == 0 ? min : min.plusNanos((long) (random.nextDouble() * (spread + 1)));
  }

  static String format(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 && millis > 0 ? millis / 1000 + "s" : millis + "ms";
  }

  @Override
  public String toString() {
    return min.equals(max) ? format(min) : format(min) + ".." + format(max);
  }
}
