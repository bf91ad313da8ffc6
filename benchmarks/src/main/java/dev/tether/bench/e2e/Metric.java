package dev.tether.bench.e2e;

import java.util.List;

/**
 * One measured quantity of a scenario.
 *
 * @param targets what the README promises for this row, checked by the report: {@code peer} (Tether
 *     better than the peer), {@code floor<=1.1} (Tether at most 1.1x the floor's value),
 *     {@code floor>=0.95} (Tether at least 0.95x the floor's value, for rates), {@code max<=X}
 *     (Tether's value at most X)
 * @param scenario the row's scenario label, or null for the scenario's own
 */
record Metric(String name, String unit, boolean lowerIsBetter, List<String> targets, String scenario) {
  static Metric lower(String name, String unit, String... targets) {
    return new Metric(name, unit, true, List.of(targets), null);
  }

  static Metric higher(String name, String unit, String... targets) {
    return new Metric(name, unit, false, List.of(targets), null);
  }

  /** This metric under another scenario label than its scenario's (one row group per level of a ramp). */
  Metric in(String scenarioLabel) {
    return new Metric(name, unit, lowerIsBetter, targets, scenarioLabel);
  }
}
