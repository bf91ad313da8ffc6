package dev.tether.bench.e2e;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.tether.bench.Main;
import dev.tether.testserver.SocketIoServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The end-to-end harness: starts one real Node socket.io server, then runs each scenario for each
 * client in turn, in this JVM (the JavaScript client in a Node process per run, see {@link JsClient}),
 * and writes the medians as JSON for the report.
 *
 * <pre>
 * e2e [--quick | --smoke] [--scenarios connect,connect-ws,echo,ack,polling,binary,burst,slow-listener,many]
 *     [--clients tether,floor,peer,js] [--rounds N] [--warmups N] [--levels 1000,5000,10000]
 *     [--hold SECONDS] [--echo-window N] [--server-cpus LIST] [--server-options JSON] [--out results.json]
 * </pre>
 *
 * Fairness: every client starts each run in a fresh state (a new {@code Tether}, a new OkHttpClient)
 * and is closed afterwards, followed by a full GC; warm-up runs are discarded; the order of the
 * clients rotates from round to round; the result is the median over the rounds.
 */
@Command(name = "e2e", abbreviateSynopsis = true, sortOptions = false,
    description = "End-to-end scenarios against one real Node socket.io server; writes the medians as JSON.")
public final class E2eMain implements Callable<Integer> {

  @Option(names = "--quick", description = "small counts, one round: a sanity run of a few minutes")
  private boolean quick;

  @Option(names = "--smoke", description = "tiny counts: proves that every scenario works")
  private boolean smoke;

  @Option(names = "--scenarios", paramLabel = "LIST", split = ",", hideParamSyntax = true,
      defaultValue = "connect,connect-ws,echo,ack,polling,binary,burst,slow-listener,many",
      description = "the scenarios to run (default: ${DEFAULT-VALUE})")
  private Set<String> scenarios;

  @Option(names = "--clients", paramLabel = "LIST", split = ",", hideParamSyntax = true, defaultValue = "tether,floor,peer,js",
      description = "the clients to compare (default: ${DEFAULT-VALUE})")
  private List<Kind> clients;

  @Option(names = "--rounds", paramLabel = "N", description = "measured rounds (default: by size)")
  private Integer rounds;

  @Option(names = "--warmups", paramLabel = "N", description = "discarded warm-up rounds (default: by size)")
  private Integer warmups;

  @Option(names = "--levels", paramLabel = "LIST", split = ",", hideParamSyntax = true,
      description = "connections of the many-clients scenario, e.g. 1000,5000,10000 (default: by size)")
  private List<Integer> levels;

  @Option(names = "--hold", paramLabel = "SECONDS",
      description = "how long the many-clients scenario holds its idle connections (default: by size)")
  private Long holdSeconds;

  @Option(names = "--echo-window", paramLabel = "N",
      description = "events in flight in the WebSocket echo row (default: 64; run.sh --pinned: 1000)")
  private Integer echoWindow;

  @Option(names = "--server-cpus", paramLabel = "LIST",
      description = "pin the Node server to these CPUs with taskset, e.g. 0 (default: not pinned)")
  private String serverCpus;

  @Option(names = "--server-options", paramLabel = "JSON", defaultValue = "{}",
      description = "options of the socket.io server (default: ${DEFAULT-VALUE})")
  private String serverOptions;

  @Option(names = "--out", paramLabel = "FILE", description = "write the JSON here (default: stdout)")
  private Path out;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
  private boolean help;

  @Spec
  private CommandSpec spec;

  private E2eMain() {
  }

  /** A finished scenario: its label, metrics and per-client values of every measured round. */
  record Result(Scenario scenario, Map<Kind, List<double[]>> rounds, Map<Kind, String> notes) {
  }

  public static void main(String[] args) {
    // exits even when it went well: a peer thread that lingers must not keep the JVM alive
    System.exit(Main.commandLine(new E2eMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Sizes sizes = sizes();
    int java = Runtime.version().feature();
    List<Scenario> selected = Scenario.all(sizes, java).stream()
        .filter(s -> scenarios.contains(s.id))
        .collect(Collectors.toList());
    List<Result> results;
    try (SocketIoServer server = SocketIoServer.start(serverOptions)) {
      log("server " + server.url() + " (pid " + server.pid() + "), options " + serverOptions);
      if (serverCpus != null) Pinning.pin(server.pid(), serverCpus);
      results = run(selected, clients, new Scenario.Env(server.url(), server.pid(), sizes));
    }
    String json = pretty(toJson(results, sizes, serverOptions, serverCpus));
    if (out != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, json, StandardCharsets.UTF_8);
      log("wrote " + out);
    } else {
      System.out.println(json);
    }
    return 0;
  }

  /** The sizes of --quick, --smoke or the full run, with the counts given on the command line. */
  private Sizes sizes() {
    if (quick && smoke) {
      throw new ParameterException(spec.commandLine(), "--quick or --smoke, not both");
    }
    if ((rounds != null && rounds < 1) || (warmups != null && warmups < 0)
        || (levels != null && levels.stream().anyMatch(level -> level < 1)) || (holdSeconds != null && holdSeconds < 0)) {
      throw new ParameterException(spec.commandLine(), "--rounds and --levels must be positive, --warmups and --hold not negative");
    }
    Sizes sizes = smoke ? Sizes.SMOKE : quick ? Sizes.QUICK : Sizes.FULL;
    if (rounds != null || warmups != null) {
      sizes = sizes.withRounds(rounds != null ? rounds : sizes.rounds(), warmups != null ? warmups : sizes.warmups());
    }
    if (levels != null) sizes = sizes.withLevels(levels);
    if (holdSeconds != null) sizes = sizes.withHold(holdSeconds * 1000);
    if (echoWindow != null) {
      if (echoWindow < 1) throw new ParameterException(spec.commandLine(), "--echo-window must be positive");
      sizes = sizes.withEchoWindow(echoWindow);
    }
    return sizes;
  }

  /** Runs the scenarios; never throws for a client's failure (recorded as NaN with a note). */
  static List<Result> run(List<Scenario> scenarios, List<Kind> clients, Scenario.Env env) throws InterruptedException {
    List<Result> results = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      Map<Kind, List<double[]>> rounds = new EnumMap<>(Kind.class);
      Map<Kind, String> notes = new EnumMap<>(Kind.class);
      Set<Kind> failed = new LinkedHashSet<>();
      List<Kind> kinds = clients.stream().filter(scenario::runsOn).collect(Collectors.toList());
      for (int w = 0; w < scenario.warmups(env.sizes()); w++) {
        for (Kind kind : order(kinds, w)) {
          log(scenario.label + ": warm-up " + (w + 1) + ", " + kind.key());
          String error = once(kind, scenario.settleMillis(env.sizes()), client -> scenario.warmUpWith(client, env));
          if (error != null) log("  warm-up failed: " + error);
        }
      }
      for (int r = 0; r < scenario.rounds(env.sizes()); r++) {
        for (Kind kind : order(kinds, r)) {
          if (failed.contains(kind)) continue; // failed once (e.g. out of threads): do not insist
          double[][] values = new double[1][];
          String[] note = new String[1];
          String error = once(kind, scenario.settleMillis(env.sizes()), client -> {
            Scenario.Outcome outcome = scenario.measure(client, env);
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

  static JsonObject toJson(List<Result> results, Sizes sizes, String serverOptions, String serverCpus) {
    JsonObject root = new JsonObject();
    root.add("environment", environment(sizes, serverOptions, serverCpus));
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

  private static JsonObject environment(Sizes sizes, String serverOptions, String serverCpus) {
    JsonObject env = new JsonObject();
    env.addProperty("date", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
    env.addProperty("cpu", cpuModel());
    env.addProperty("cores", machineCores()); // the machine's: a pinned JVM sees only its own
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    env.addProperty("memoryGiB", Math.round(os.getTotalMemorySize() / (double) (1L << 30)));
    env.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    env.addProperty("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    env.addProperty("javaFeature", Runtime.version().feature());
    env.addProperty("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    env.addProperty("node", command("node", "--version"));
    env.addProperty("serverOptions", serverOptions);
    env.addProperty("pinned", serverCpus != null);
    if (serverCpus != null) env.addProperty("serverCpus", serverCpus);
    env.addProperty("clientCpus", Pinning.allowedCpus());
    env.addProperty("echoWindow", sizes.echoWindow());
    env.addProperty("jsClient", JsClient.version());
    env.addProperty("rounds", sizes.rounds());
    env.addProperty("warmups", sizes.warmups());
    env.addProperty("sizes", sizes.toString());
    return env;
  }

  private static int machineCores() {
    try {
      long processors = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count();
      if (processors > 0) return (int) processors;
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    return Runtime.getRuntime().availableProcessors();
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

  static String pretty(JsonObject json) {
    return new GsonBuilder().setPrettyPrinting().create().toJson(json);
  }
}
