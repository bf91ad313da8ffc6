package dev.tether.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU pinning for run.sh --pinned: the Node server on its own core, so that the client under test
 * and the server do not take turns on the same cores. The client JVM is pinned by run.sh (taskset);
 * the server, its child, inherits the JVM's CPUs and is moved here right after it started.
 */
final class Pinning {
  private Pinning() {
  }

  /** Moves every thread of process {@code pid} onto {@code cpus} (taskset syntax, e.g. {@code 0}). */
  static void pin(long pid, String cpus) throws IOException, InterruptedException {
    Process taskset = new ProcessBuilder("taskset", "--all-tasks", "--cpu-list", "--pid", cpus, Long.toString(pid))
        .redirectErrorStream(true).start();
    String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
      throw new IllegalStateException("taskset could not pin the server (pid " + pid + ") to CPUs " + cpus + ": " + output);
    }
    E2eMain.log("server pinned to CPUs " + cpus);
  }

  /** The CPUs this process may run on ({@code Cpus_allowed_list}, e.g. {@code 1-3}), or "unknown". */
  static String allowedCpus() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Cpus_allowed_list:")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "unknown";
  }
}
