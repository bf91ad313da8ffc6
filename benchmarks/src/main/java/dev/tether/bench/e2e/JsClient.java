package dev.tether.bench.e2e;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JavaScript client: socket.io-client from npm (pinned in {@code benchmarks/js-client}) on Node.
 * It cannot be driven connection by connection from Java, so each measured run is one Node process
 * ({@code node --expose-gc bench.js JSON}) that runs the whole scenario, measures its own process
 * CPU ({@code process.cpuUsage()}) and wall time the way {@link Meter} does, and prints its values.
 *
 * <p>Its stdout protocol, one line each: {@code BENCH_MARK start} and {@code BENCH_MARK stop} around
 * what is measured (here the server's CPU is read), then {@code BENCH_RESULT {"values": [...],
 * "note": "..."}} with one value per metric (null where it measures none). Other lines are logged.
 */
final class JsClient implements Client {
  /** The directory of bench.js: this system property, else benchmarks/js-client above user.dir. */
  static final String DIR_PROPERTY = "tether.jsClientDir";
  private static final String MARK = "BENCH_MARK ";
  private static final String RESULT = "BENCH_RESULT ";
  private static final long TIMEOUT_MINUTES = 15;

  @Override public Conn open(String url, Transports transports) {
    throw new UnsupportedOperationException("the JavaScript client runs whole scenarios in Node (bench.js)");
  }

  /** Runs {@code scenario} once in a new Node process. */
  Scenario.Outcome run(Scenario scenario, Scenario.Env env) throws IOException, InterruptedException {
    JsonObject job = new JsonObject();
    job.addProperty("scenario", scenario.id);
    job.addProperty("url", env.url());
    job.add("params", scenario.jsParams(env));
    // Node warms its JIT up within the process: one discarded pass when the sizes have warm-ups.
    job.addProperty("warmups", Math.min(1, scenario.warmups(env.sizes())));
    List<String> command = List.of(System.getProperty("tether.node", "node"), "--expose-gc", "bench.js", job.toString());
    Process process = new ProcessBuilder(command).directory(directory().toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    process.getOutputStream().close();
    long server0 = -1;
    long serverCpu = -1;
    JsonObject result = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.equals(MARK + "start")) {
          server0 = Meter.processCpuNanos(env.serverPid());
        } else if (line.equals(MARK + "stop")) {
          long server1 = Meter.processCpuNanos(env.serverPid());
          serverCpu = server0 < 0 || server1 < 0 ? -1 : server1 - server0;
        } else if (line.startsWith(RESULT)) {
          result = JsonParser.parseString(line.substring(RESULT.length())).getAsJsonObject();
        } else {
          E2eMain.log("  js: " + line);
        }
      }
    } finally {
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) process.destroyForcibly();
    }
    if (result != null && result.has("error")) {
      throw new IllegalStateException("bench.js " + scenario.id + ": " + result.get("error").getAsString());
    }
    if (process.exitValue() != 0 || result == null) {
      throw new IllegalStateException("bench.js " + scenario.id + " exited with " + process.exitValue()
          + (result == null ? " without a result" : ""));
    }
    JsonArray array = result.getAsJsonArray("values");
    double[] values = new double[array.size()];
    for (int i = 0; i < values.length; i++) {
      JsonElement value = array.get(i);
      values[i] = value.isJsonNull() ? Double.NaN : value.getAsDouble();
    }
    String note = result.has("note") ? result.get("note").getAsString() : "";
    return scenario.fromJs(values, note, serverCpu, env);
  }

  /** The installed js-client directory; throws with what to do where it is missing or not installed. */
  static Path directory() {
    Path dir = locate();
    if (!Files.isRegularFile(dir.resolve("node_modules/socket.io-client/package.json"))) {
      throw new IllegalStateException("socket.io-client is not installed: run npm ci in " + dir);
    }
    return dir;
  }

  private static Path locate() {
    String configured = System.getProperty(DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) return Path.of(configured);
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("benchmarks").resolve("js-client");
      if (Files.isRegularFile(candidate.resolve("bench.js"))) return candidate;
    }
    throw new IllegalStateException("benchmarks/js-client/bench.js not found above " + start + "; set -D" + DIR_PROPERTY);
  }

  /** The installed socket.io-client version, or "not installed". */
  static String version() {
    try {
      Path manifest = locate().resolve("node_modules/socket.io-client/package.json");
      return JsonParser.parseString(Files.readString(manifest)).getAsJsonObject().get("version").getAsString();
    } catch (IOException | RuntimeException e) {
      return "not installed";
    }
  }

  @Override public void close() {
    // each run's Node process has exited
  }
}
