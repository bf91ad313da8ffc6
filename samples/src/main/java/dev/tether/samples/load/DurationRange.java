package dev.tether.samples.load;

import dev.tether.samples.Cli;
import java.time.Duration;
import java.util.Random;

/**
 * A duration ({@code 200ms}, {@code 1.5s}, {@code 2m}) or a range of them ({@code 100ms..500ms})
 * from which each use picks uniformly at random. Immutable.
 */
record DurationRange(Duration min, Duration max) {

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

  /** {@code 250ms}, {@code 5s}, {@code 1.5s} or {@code 2m} (see {@link Cli#parseDuration}). */
  static Duration parseDuration(String text) {
    return Cli.parseDuration(text);
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
