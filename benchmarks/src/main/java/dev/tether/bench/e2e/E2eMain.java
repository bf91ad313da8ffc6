package dev.tether.bench.e2e;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.tether.testserver.SocketIoServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The end-to-end harness: starts one real Node socket.io server, then runs each scenario for each
 * client in turn, in this JVM, and writes the medians as JSON for the report.
 *
 * <pre>
 * e2e [--quick | --smoke] [--scenarios connect,connect-ws,echo,ack,polling,binary,many]
 *     [--clients tether,floor,peer] [--rounds N] [--warmups N] [--levels 1000,5000,10000]
 *     [--hold SECONDS] [--server-options JSON] [--out results.json]
 * </pre>
 *
 * Fairness: every client starts each run in a fresh state (a new {@code Tether}, a new OkHttpClient)
 * and is closed afterwards, followed by a full GC; warm-up runs are discarded; the order of the
 * clients rotates from round to round; the result is the median over the rounds.
 */
public final class E2eMain {
  private E2eMain() {
  }

  /** A finished scenario: its label, metrics and per-client values of every measured round. */
  record Result(Scenario scenario, Map<Kind, List<double[]>> rounds, Map<Kind, String> notes) {
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    int java = Runtime.version().feature();
    List<Scenario> scenarios = Scenario.all(options.sizes, java).stream()
        .filter(s -> options.scenarios.contains(s.id))
        .collect(Collectors.toList());
    List<Result> results;
    try (SocketIoServer server = SocketIoServer.start(options.serverOptions)) {
      log("server " + server.url() + " (pid " + server.pid() + "), options " + options.serverOptions);
      results = run(scenarios, options.clients, new Scenario.Env(server.url(), server.pid(), options.sizes));
    }
    String json = pretty(toJson(results, options));
    if (options.out != null) {
      Files.createDirectories(options.out.toAbsolutePath().getParent());
      Files.writeString(options.out, json, StandardCharsets.UTF_8);
      log("wrote " + options.out);
    } else {
      System.out.println(json);
    }
    System.exit(0); // a peer thread that lingers must not keep the JVM alive
  }

  /** Runs the scenarios; never throws for a client's failure (recorded as NaN with a note). */
  static List<Result> run(List<Scenario> scenarios, List<Kind> clients, Scenario.Env env) throws InterruptedException {
    List<Result> results = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      Map<Kind, List<double[]>> rounds = new EnumMap<>(Kind.class);
      Map<Kind, String> notes = new EnumMap<>(Kind.class);
      Set<Kind> failed = new LinkedHashSet<>();
      for (int w = 0; w < scenario.warmups(env.sizes()); w++) {
        for (Kind kind : order(clients, w)) {
          log(scenario.label + ": warm-up " + (w + 1) + ", " + kind.key());
          String error = once(kind, scenario.settleMillis(env.sizes()), client -> scenario.warmUp(client, env));
          if (error != null) log("  warm-up failed: " + error);
        }
      }
      for (int r = 0; r < scenario.rounds(env.sizes()); r++) {
        for (Kind kind : order(clients, r)) {
          if (failed.contains(kind)) continue; // failed once (e.g. out of threads): do not insist
          double[][] values = new double[1][];
          String[] note = new String[1];
          String error = once(kind, scenario.settleMillis(env.sizes()), client -> {
            Scenario.Outcome outcome = scenario.run(client, env);
            values[0] = outcome.values();
            note[0] = outcome.note();
          });
          if (error != null) {
            failed.add(kind);
            notes.put(kind, "failed: " + error);
            log(scenario.label + ": round " + (r + 1) + ", " + kind.key() + " FAILED: " + error);
            continue;
          }
          rounds.computeIfAbsent(kind, k -> new ArrayList<>()).add(values[0]);
          if (!note[0].isEmpty()) notes.put(kind, note[0]);
          log(scenario.label + ": round " + (r + 1) + ", " + kind.key() + " " + describe(scenario, values[0]));
          if (!note[0].isEmpty()) log("  " + note[0]);
        }
      }
      results.add(new Result(scenario, rounds, notes));
    }
    return results;
  }

  private interface ClientTask {
    void run(Client client) throws Exception;
  }

  /** Runs {@code task} with a fresh client of {@code kind}, closes it and lets it settle; returns an error or null. */
  private static String once(Kind kind, long settleMillis, ClientTask task) throws InterruptedException {
    String error = null;
    Client client = null;
    try {
      client = kind.create();
      task.run(client);
    } catch (InterruptedException e) {
      throw e;
    } catch (Throwable e) {
      error = e.toString();
    } finally {
      Thread.sleep(settleMillis / 2); // the last close's goodbye goes out with the client's machinery
      if (client != null) client.close();
      Thread.sleep(settleMillis / 2);
      Meter.collect();
    }
    return error;
  }

  /** The clients in round {@code round}'s order: rotated by one each round. */
  static List<Kind> order(List<Kind> clients, int round) {
    List<Kind> order = new ArrayList<>(clients.size());
    for (int i = 0; i < clients.size(); i++) order.add(clients.get((i + round) % clients.size()));
    return order;
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (sorted.length == 0) return Double.NaN;
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static String describe(Scenario scenario, double[] values) {
    List<Metric> metrics = scenario.metrics();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      parts.add(metrics.get(i).name() + " " + String.format(Locale.ROOT, "%.4g", values[i]) + " " + metrics.get(i).unit());
    }
    return String.join(", ", parts);
  }

  static void log(String line) {
    System.err.println("[e2e " + OffsetDateTime.now().toLocalTime().truncatedTo(ChronoUnit.SECONDS) + "] " + line);
  }

  // ---- output -----------------------------------------------------------------------------------

  static JsonObject toJson(List<Result> results, Options options) {
    JsonObject root = new JsonObject();
    root.add("environment", environment(options));
    JsonArray rows = new JsonArray();
    for (Result result : results) {
      List<Metric> metrics = result.scenario().metrics();
      for (int m = 0; m < metrics.size(); m++) {
        Metric metric = metrics.get(m);
        JsonObject row = new JsonObject();
        row.addProperty("scenario", metric.scenario() != null ? metric.scenario() : result.scenario().label);
        row.addProperty("metric", metric.name());
        row.addProperty("unit", metric.unit());
        row.addProperty("better", metric.lowerIsBetter() ? "lower" : "higher");
        JsonArray targets = new JsonArray();
        metric.targets().forEach(targets::add);
        row.add("targets", targets);
        JsonObject values = new JsonObject();
        JsonObject rounds = new JsonObject();
        for (Map.Entry<Kind, List<double[]>> entry : result.rounds().entrySet()) {
          int index = m;
          List<Double> perRound = entry.getValue().stream().map(v -> v[index]).collect(Collectors.toList());
          values.add(entry.getKey().key(), number(median(perRound)));
          JsonArray array = new JsonArray();
          perRound.forEach(v -> array.add(number(v)));
          rounds.add(entry.getKey().key(), array);
        }
        row.add("values", values);
        row.add("rounds", rounds);
        JsonObject notes = new JsonObject();
        result.notes().forEach((kind, note) -> notes.addProperty(kind.key(), note));
        row.add("notes", notes);
        rows.add(row);
      }
    }
    root.add("rows", rows);
    return root;
  }

  private static JsonPrimitive number(double value) {
    // JSON has no NaN: a failed value is written as a string and read back as missing
    return Double.isNaN(value) || Double.isInfinite(value) ? new JsonPrimitive("NaN") : new JsonPrimitive(value);
  }

  private static JsonObject environment(Options options) {
    JsonObject env = new JsonObject();
    env.addProperty("date", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
    env.addProperty("cpu", cpuModel());
    env.addProperty("cores", Runtime.getRuntime().availableProcessors());
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    env.addProperty("memoryGiB", Math.round(os.getTotalMemorySize() / (double) (1L << 30)));
    env.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    env.addProperty("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    env.addProperty("javaFeature", Runtime.version().feature());
    env.addProperty("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    env.addProperty("node", command("node", "--version"));
    env.addProperty("serverOptions", options.serverOptions);
    env.addProperty("rounds", options.sizes.rounds());
    env.addProperty("warmups", options.sizes.warmups());
    env.addProperty("sizes", options.sizes.toString());
    return env;
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  private static String command(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      process.waitFor();
      return out;
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  // ---- command line ------------------------------------------------------------------------------

  static final class Options {
    Sizes sizes = Sizes.FULL;
    Set<String> scenarios = new LinkedHashSet<>(List.of("connect", "connect-ws", "echo", "ack", "polling", "binary", "many"));
    List<Kind> clients = List.of(Kind.TETHER, Kind.FLOOR, Kind.PEER);
    String serverOptions = "{}";
    Path out;

    static Options parse(String[] args) {
      Options options = new Options();
      Integer rounds = null;
      Integer warmups = null;
      List<Integer> levels = null;
      Long hold = null;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--quick" -> options.sizes = Sizes.QUICK;
          case "--smoke" -> options.sizes = Sizes.SMOKE;
          case "--scenarios" -> options.scenarios = new LinkedHashSet<>(Arrays.asList(value(args, ++i, arg).split(",")));
          case "--clients" -> options.clients = Arrays.stream(value(args, ++i, arg).split(",")).map(Kind::parse).toList();
          case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, arg));
          case "--warmups" -> warmups = Integer.parseInt(value(args, ++i, arg));
          case "--hold" -> hold = Long.parseLong(value(args, ++i, arg)) * 1000;
          case "--levels" -> levels = Arrays.stream(value(args, ++i, arg).split(",")).map(Integer::parseInt).toList();
          case "--server-options" -> options.serverOptions = value(args, ++i, arg);
          case "--out" -> options.out = Path.of(value(args, ++i, arg));
          case "--help", "-h" -> {
            System.out.println("usage: e2e [--quick | --smoke] [--scenarios connect,connect-ws,echo,ack,polling,binary,many]\n"
                + "           [--clients tether,floor,peer] [--rounds N] [--warmups N] [--levels 1000,5000,10000]\n"
                + "           [--hold SECONDS] [--server-options JSON] [--out results.json]");
            System.exit(0);
          }
          default -> throw new IllegalArgumentException("unknown option " + arg + " (try --help)");
        }
      }
      if (rounds != null || warmups != null) {
        options.sizes = options.sizes.withRounds(rounds != null ? rounds : options.sizes.rounds(),
            warmups != null ? warmups : options.sizes.warmups());
      }
      if (levels != null) options.sizes = options.sizes.withLevels(levels);
      if (hold != null) options.sizes = options.sizes.withHold(hold);
      return options;
    }

    private static String value(String[] args, int index, String option) {
      if (index >= args.length) throw new IllegalArgumentException(option + " needs a value");
      return args[index];
    }
  }

  static String pretty(JsonObject json) {
    return new GsonBuilder().setPrettyPrinting().create().toJson(json);
  }
}
