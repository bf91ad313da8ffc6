package dev.tether.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
  @Test
  void jmhResultsBecomeTimeAndAllocationRowsPerOperation() {
    String json = """
        [
          {"benchmark": "dev.tether.bench.micro.TextEventBenchmark.encode_tether",
           "primaryMetric": {"score": 200.0, "scoreUnit": "ns/op"},
           "secondaryMetrics": {"gc.alloc.rate.norm": {"score": 800.0, "scoreUnit": "B/op"}}},
          {"benchmark": "dev.tether.bench.micro.TextEventBenchmark.encode_peer",
           "primaryMetric": {"score": 400.0, "scoreUnit": "ns/op"},
           "secondaryMetrics": {"·gc.alloc.rate.norm": {"score": 1600.0, "scoreUnit": "B/op"}}},
          {"benchmark": "dev.tether.bench.micro.BinaryEventBenchmark.decode_floor", "params": {"size": "262144"},
           "primaryMetric": {"score": 10.0, "scoreUnit": "ns/op"}, "secondaryMetrics": {}}
        ]""";

    List<Report.Row> rows = Report.jmhRows(JsonParser.parseString(json).getAsJsonArray());

    assertThat(rows).extracting(Report.Row::scenario, Report.Row::metric).containsExactly(
        org.assertj.core.groups.Tuple.tuple("codec: text event encode", "time"),
        org.assertj.core.groups.Tuple.tuple("codec: text event encode", "allocated"),
        org.assertj.core.groups.Tuple.tuple("codec: binary event decode (256 KiB)", "time"));
    assertThat(rows.get(0).values()).containsOnly(Map.entry("tether", 200.0), Map.entry("peer", 400.0));
    assertThat(rows.get(1).value("peer")).isEqualTo(1600.0);
  }

  @Test
  void targetsAreCheckedInTheRightDirection() {
    Report.Row cheaper = row(true, List.of("peer", "floor<=1.1"), Map.of("tether", 1.05, "floor", 1.0, "peer", 2.0));
    Report.Row overFloor = row(true, List.of("peer", "floor<=1.1"), Map.of("tether", 1.2, "floor", 1.0, "peer", 2.0));
    Report.Row faster = row(false, List.of("peer"), Map.of("tether", 10.0, "peer", 5.0));
    Report.Row slower = row(false, List.of("peer"), Map.of("tether", 4.0, "peer", 5.0));
    Report.Row threads = row(true, List.of("max<=1"), Map.of("tether", 1.01));
    Report.Row fastEnough = row(false, List.of("peer", "floor>=0.95"), Map.of("tether", 96.0, "floor", 100.0, "peer", 50.0));
    Report.Row tooSlow = row(false, List.of("peer", "floor>=0.95"), Map.of("tether", 94.0, "floor", 100.0, "peer", 50.0));
    Report.Row heapAtFloor = row(true, List.of("peer", "floor<=1.0"), Map.of("tether", 10.0, "floor", 10.0, "peer", 30.0));

    assertThat(Report.target(cheaper)).isEqualTo("✓");
    assertThat(Report.target(overFloor)).isEqualTo("✗ over 1.1x floor");
    assertThat(Report.target(faster)).isEqualTo("✓");
    assertThat(Report.target(slower)).isEqualTo("✗ not better than peer");
    assertThat(Report.target(threads)).isEqualTo("✗ over 1");
    assertThat(Report.target(fastEnough)).isEqualTo("✓");
    assertThat(Report.target(tooSlow)).isEqualTo("✗ under 0.95x floor");
    assertThat(Report.target(heapAtFloor)).isEqualTo("✓");
    assertThat(Report.ratio(1.0, 4.0)).isEqualTo("0.25");
    assertThat(Report.ratio(1.0, Double.NaN)).isEqualTo("—");
  }

  @Test
  void aFailedPeerIsAFootnoteAndCountsAsBeaten() {
    Report.Row row = new Report.Row("10,000 clients", "heap per connection after GC", "KiB", true, List.of("peer"),
        Map.of("tether", 20.0), Map.of("peer", "failed: 7000 of 10000 connected"));

    String table = Report.markdown(List.of(row), List.of());

    assertThat(table).contains("| 20.0 | — | failed [1] | — | — | — | — | ✓ |")
        .contains("[1] peer, 10,000 clients: failed: 7000 of 10000 connected");
  }

  @Test
  void rowsOfOneScenarioFromSeveralJvmsMerge() {
    Report.Row tether = new Report.Row("1,000 clients", "heap", "KiB", true, List.of("peer"),
        new java.util.LinkedHashMap<>(Map.of("tether", 20.0)), new java.util.LinkedHashMap<>());
    Report.Row peer = new Report.Row("1,000 clients", "heap", "KiB", true, List.of("peer"),
        new java.util.LinkedHashMap<>(Map.of("peer", 30.0)), new java.util.LinkedHashMap<>(Map.of("peer", "note")));

    List<Report.Row> merged = Report.merge(List.of(tether, peer));

    assertThat(merged).singleElement().satisfies(row -> {
      assertThat(row.values()).containsOnly(Map.entry("tether", 20.0), Map.entry("peer", 30.0));
      assertThat(row.notes()).containsOnly(Map.entry("peer", "note"));
    });
  }

  @Test
  void theJsClientHasAColumnAndARatio() {
    Report.Row row = new Report.Row("burst", "client CPU per 100k events", "s", true, List.of("peer", "floor<=1.1"),
        Map.of("tether", 1.0, "floor", 0.95, "peer", 2.0, "js", 4.0), Map.of());

    String table = Report.markdown(List.of(row), List.of());

    assertThat(table).contains("| Tether | Floor | Peer | JS | Tether/floor | Tether/peer | Tether/JS | Target |")
        .contains("| burst | client CPU per 100k events (s) | 1.00 | 0.950 | 2.00 | 4.00 | 1.05 | 0.50 | 0.25 | ✓ |");
  }

  @Test
  void theHeaderSaysWhetherTheRunWasPinnedAndItsEchoWindow() {
    com.google.gson.JsonObject pinned = JsonParser.parseString(
        "{\"pinned\": true, \"serverCpus\": \"0\", \"clientCpus\": \"1-3\", \"echoWindow\": 1000}").getAsJsonObject();
    com.google.gson.JsonObject shared = JsonParser.parseString("{\"pinned\": false, \"echoWindow\": 64}").getAsJsonObject();

    assertThat(Report.pinning(pinned)).isEqualTo("Pinned: server on CPU 0, clients on CPUs 1-3, echo window 1000.");
    assertThat(Report.pinning(shared)).startsWith("Not pinned").contains("echo window 64");
  }

  private static Report.Row row(boolean lower, List<String> targets, Map<String, Double> values) {
    return new Report.Row("s", "m", "u", lower, targets, values, Map.of());
  }
}
