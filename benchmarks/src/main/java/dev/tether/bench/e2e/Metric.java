package dev.tether.bench.e2e;

import java.util.List;

/**
 * One measured quantity of a scenario.
 *
 * @param targets what the README promises for this row, checked by the report: {@code peer} (Tether
 *     better than the peer), {@code floor<=1.1} (Tether within 1.1x of the floor),
 *     {@code max<=X} (Tether's value at most X)
 */
record Metric(String name, String unit, boolean lowerIsBetter, List<String> targets) {
  static Metric lower(String name, String unit, String... targets) {
    return new Metric(name, unit, true, List.of(targets));
  }

  static Metric higher(String name, String unit, String... targets) {
    return new Metric(name, unit, false, List.of(targets));
  }
}
