package dev.tether.bench.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Merges JMH's JSON results ({@code -rf json}) and the e2e harness's JSON into one Markdown table,
 * with the ratios Tether/floor, Tether/peer and Tether/JS per row and whether the row meets its target.
 *
 * <p>Usage: {@code report FILE.json...}; prints to stdout.
 */
public final class Report {
  static final String[] CLIENTS = {"tether", "floor", "peer", "js"};

  private Report() {
  }

  /** One row of the table. Values are NaN where missing or failed. */
  record Row(String scenario, String metric, String unit, boolean lowerIsBetter, List<String> targets,
      Map<String, Double> values, Map<String, String> notes) {
    double value(String client) {
      Double v = values.get(client);
      return v == null ? Double.NaN : v;
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: report FILE.json...  (JMH -rf json results and/or e2e results)");
      System.exit(2);
    }
    List<Row> rows = new ArrayList<>();
    List<JsonObject> environments = new ArrayList<>();
    for (String file : args) {
      JsonElement json = JsonParser.parseString(Files.readString(Path.of(file), StandardCharsets.UTF_8));
      if (json.isJsonArray()) {
        rows.addAll(jmhRows(json.getAsJsonArray()));
      } else {
        JsonObject object = json.getAsJsonObject();
        environments.add(object.getAsJsonObject("environment"));
        rows.addAll(e2eRows(object.getAsJsonArray("rows")));
      }
    }
    System.out.print(markdown(merge(rows), environments));
  }

  /** One row per scenario and metric: the clients of a row may come from different files (JVMs). */
  static List<Row> merge(List<Row> rows) {
    Map<String, Row> merged = new LinkedHashMap<>();
    for (Row row : rows) {
      Row into = merged.putIfAbsent(row.scenario() + "\u0000" + row.metric(), row);
      if (into != null) {
        into.values().putAll(row.values());
        into.notes().putAll(row.notes());
      }
    }
    return new ArrayList<>(merged.values());
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** JMH results: benchmark {@code pkg.XyzBenchmark.op_client} with optional params. */
  static List<Row> jmhRows(JsonArray results) {
    Map<String, Row> time = new LinkedHashMap<>();
    Map<String, Row> alloc = new LinkedHashMap<>();
    for (JsonElement element : results) {
      JsonObject result = element.getAsJsonObject();
      String benchmark = result.get("benchmark").getAsString();
      String[] parts = benchmark.split("\\.");
      String method = parts[parts.length - 1];
      String type = parts[parts.length - 2].replace("Benchmark", "");
      int underscore = method.lastIndexOf('_');
      if (underscore < 0) continue;
      String op = method.substring(0, underscore);
      String client = method.substring(underscore + 1);
      StringBuilder scenario = new StringBuilder("codec: ").append(words(type)).append(' ').append(op);
      if (result.has("params")) {
        List<String> params = new ArrayList<>();
        for (Map.Entry<String, JsonElement> param : result.getAsJsonObject("params").entrySet()) {
          params.add(param.getKey().equals("size") ? bytes(param.getValue().getAsInt()) : param.getValue().getAsString());
        }
        scenario.append(" (").append(String.join(", ", params)).append(')');
      }
      String key = scenario.toString();
      JsonObject primary = result.getAsJsonObject("primaryMetric");
      row(time, key, "time", primary.get("scoreUnit").getAsString()).values().put(client, primary.get("score").getAsDouble());
      JsonObject secondary = result.getAsJsonObject("secondaryMetrics");
      if (secondary != null) {
        for (Map.Entry<String, JsonElement> metric : secondary.entrySet()) {
          if (metric.getKey().replace("·", "").equals("gc.alloc.rate.norm")) {
            JsonObject norm = metric.getValue().getAsJsonObject();
            row(alloc, key, "allocated", norm.get("scoreUnit").getAsString()).values()
                .put(client, norm.get("score").getAsDouble());
          }
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (String key : time.keySet()) {
      rows.add(time.get(key));
      if (alloc.containsKey(key)) rows.add(alloc.get(key));
    }
    return rows;
  }

  private static Row row(Map<String, Row> rows, String scenario, String metric, String unit) {
    return rows.computeIfAbsent(scenario, s -> new Row(s, metric, unit, true, List.of("peer"),
        new LinkedHashMap<>(), new LinkedHashMap<>()));
  }

  static List<Row> e2eRows(JsonArray array) {
    List<Row> rows = new ArrayList<>();
    for (JsonElement element : array) {
      JsonObject json = element.getAsJsonObject();
      List<String> targets = new ArrayList<>();
      json.getAsJsonArray("targets").forEach(t -> targets.add(t.getAsString()));
      Map<String, Double> values = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> value : json.getAsJsonObject("values").entrySet()) {
        JsonElement v = value.getValue();
        values.put(value.getKey(), v.getAsJsonPrimitive().isNumber() ? v.getAsDouble() : Double.NaN);
      }
      Map<String, String> notes = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> note : json.getAsJsonObject("notes").entrySet()) {
        notes.put(note.getKey(), note.getValue().getAsString());
      }
      rows.add(new Row(json.get("scenario").getAsString(), json.get("metric").getAsString(),
          json.get("unit").getAsString(), json.get("better").getAsString().equals("lower"), targets, values, notes));
    }
    return rows;
  }

  private static String words(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
  }

  private static String bytes(int size) {
    return size % 1024 == 0 ? (size / 1024) + " KiB" : size + " B";
  }

  // ---- writing -----------------------------------------------------------------------------------

  static String markdown(List<Row> rows, List<JsonObject> environments) {
    StringBuilder out = new StringBuilder();
    if (!environments.isEmpty()) {
      JsonObject env = environments.get(0);
      Set<String> javas = new LinkedHashSet<>();
      for (JsonObject e : environments) javas.add(e.get("java").getAsString());
      out.append("Measured ").append(env.get("date").getAsString()).append(" on ")
          .append(env.get("cpu").getAsString()).append(", ").append(env.get("cores").getAsInt()).append(" cores, ")
          .append(env.get("memoryGiB").getAsLong()).append(" GiB, ").append(env.get("os").getAsString())
          .append("; ").append(String.join(" and ", javas)).append("; Node ").append(env.get("node").getAsString())
          .append("; end-to-end JVM flags `")
          .append(env.get("jvmArgs").getAsString().replaceAll("\\s*-Dtether\\.(testServerDir|jsClientDir)=\\S*", "").trim())
          .append("`, JMH forks `-Xms1g -Xmx1g`.\n\n");
      out.append(pinning(env)).append("\n\n");
      if (env.has("rounds")) {
        out.append("End-to-end rows: medians of ").append(env.get("rounds").getAsInt()).append(" rounds after ")
            .append(env.get("warmups").getAsInt())
            .append(" discarded warm-up rounds; many clients: one ramp per client, each in a JVM of its own. ");
      }
      out.append("Tether/floor, Tether/peer and Tether/JS below 1 mean Tether uses less; on \"higher is better\" rows, ")
          .append("above 1 means Tether is faster. JS: socket.io-client on Node, one process per run; not in the ")
          .append("many-clients rows.\n\n");
    }
    out.append("| Scenario | Metric | Tether | Floor | Peer | JS | Tether/floor | Tether/peer | Tether/JS | Target |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    List<String> footnotes = new ArrayList<>();
    for (Row row : rows) {
      String unit = row.unit().isEmpty() ? "" : " (" + row.unit() + ")";
      String better = row.lowerIsBetter() ? "" : ", higher is better";
      out.append("| ").append(row.scenario()).append(" | ").append(row.metric()).append(unit).append(better);
      for (String client : CLIENTS) {
        out.append(" | ").append(cell(row, client, footnotes));
      }
      out.append(" | ").append(ratio(row.value("tether"), row.value("floor")));
      out.append(" | ").append(ratio(row.value("tether"), row.value("peer")));
      out.append(" | ").append(ratio(row.value("tether"), row.value("js")));
      out.append(" | ").append(target(row)).append(" |\n");
    }
    if (!footnotes.isEmpty()) {
      out.append('\n');
      for (int i = 0; i < footnotes.size(); i++) out.append('[').append(i + 1).append("] ").append(footnotes.get(i)).append('\n');
    }
    return out.toString();
  }

  /**
   * Whether the end-to-end run was pinned (run.sh --pinned) and its echo window: the targets against
   * the floor are meant for pinned runs, where the server does not take the client's cores.
   */
  static String pinning(JsonObject env) {
    String window = env.has("echoWindow") ? ", echo window " + env.get("echoWindow").getAsInt() : "";
    String js = env.has("jsClient") ? "; JS client socket.io-client " + env.get("jsClient").getAsString() : "";
    if (env.has("pinned") && env.get("pinned").getAsBoolean()) {
      return "Pinned: server on CPU " + env.get("serverCpus").getAsString() + ", clients on CPUs "
          + env.get("clientCpus").getAsString() + window + js + ".";
    }
    return "Not pinned: server and clients share the cores (the targets against the floor are for pinned runs)"
        + window + js + ".";
  }

  private static String cell(Row row, String client, List<String> footnotes) {
    double value = row.value(client);
    String note = row.notes().get(client);
    String text = Double.isNaN(value) ? (note != null && note.startsWith("failed") ? "failed" : "—") : number(value);
    if (note != null && (Double.isNaN(value) || note.startsWith("failed"))) {
      String footnote = client + ", " + row.scenario() + ": " + note;
      int index = footnotes.indexOf(footnote);
      if (index < 0) {
        footnotes.add(footnote);
        index = footnotes.size() - 1;
      }
      text += " [" + (index + 1) + "]";
    }
    return text;
  }

  static String number(double value) {
    double abs = Math.abs(value);
    if (abs >= 1000) return String.format(Locale.ROOT, "%,.0f", value);
    if (abs >= 100) return String.format(Locale.ROOT, "%.0f", value);
    if (abs >= 10) return String.format(Locale.ROOT, "%.1f", value);
    if (abs >= 1) return String.format(Locale.ROOT, "%.2f", value);
    if (abs == 0) return "0";
    return String.format(Locale.ROOT, "%.3g", value);
  }

  static String ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || b == 0) return "—";
    return String.format(Locale.ROOT, "%.2f", a / b);
  }

  /** Whether Tether meets the row's targets: {@code ✓}, {@code ✗ <which>}, or {@code —} without a target. */
  static String target(Row row) {
    if (row.targets().isEmpty()) return "—";
    List<String> missed = new ArrayList<>();
    double tether = row.value("tether");
    for (String target : row.targets()) {
      boolean met;
      if (target.equals("peer")) {
        double peer = row.value("peer");
        if (Double.isNaN(tether)) {
          met = false;
        } else if (Double.isNaN(peer)) {
          met = row.notes().getOrDefault("peer", "").startsWith("failed"); // the peer could not do it at all
        } else {
          met = row.lowerIsBetter() ? tether < peer : tether > peer;
        }
      } else if (target.startsWith("floor<=")) {
        double limit = Double.parseDouble(target.substring("floor<=".length()));
        double floor = row.value("floor");
        met = !Double.isNaN(tether) && !Double.isNaN(floor) && tether <= limit * floor;
      } else if (target.startsWith("floor>=")) {
        double limit = Double.parseDouble(target.substring("floor>=".length()));
        double floor = row.value("floor");
        met = !Double.isNaN(tether) && !Double.isNaN(floor) && tether >= limit * floor;
      } else if (target.startsWith("max<=")) {
        met = !Double.isNaN(tether) && tether <= Double.parseDouble(target.substring("max<=".length()));
      } else {
        throw new IllegalArgumentException("unknown target " + target);
      }
      if (!met) missed.add(describe(target));
    }
    return missed.isEmpty() ? "✓" : "✗ " + String.join(", ", missed);
  }

  private static String describe(String target) {
    if (target.equals("peer")) return "not better than peer";
    if (target.startsWith("floor<=")) return "over " + target.substring(7) + "x floor";
    if (target.startsWith("floor>=")) return "under " + target.substring(7) + "x floor";
    return "over " + target.substring(5);
  }
}
