package dev.tether.jmeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apache JMeter installation with the plugin jar in {@code lib/ext}, as a user would set one
 * up: a copy of the installation the {@code jmeter-home} module assembles from Maven Central, plus
 * the packaged {@code tether-jmeter} jar. Runs JMeter in child processes: non-GUI test runs, and
 * {@code jmeter-server} engines for distributed runs (RMI over plain sockets on loopback).
 */
final class JMeterInstallation {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
  private static JMeterInstallation shared; // guarded by JMeterInstallation.class

  final Path home;
  private final Path work;

  private JMeterInstallation(Path home, Path work) {
    this.home = home;
    this.work = work;
  }

  /** The installation of this test JVM, created on first use in {@code target/jmeter-it}. */
  static synchronized JMeterInstallation get() throws IOException {
    if (shared != null) return shared;
    Path pristine = Paths.get(required("tether.jmeterHome"));
    Path pluginJar = Paths.get(required("tether.pluginJar"));
    assertThat(pristine.resolve("bin/ApacheJMeter.jar")).as("the jmeter-home module's installation").exists();
    assertThat(pluginJar).as("the packaged plugin jar (run `./mvnw verify`, not just the tests)").exists();
    Path root = Paths.get("target", "jmeter-it").toAbsolutePath();
    deleteRecursively(root);
    Path home = root.resolve("apache-jmeter");
    copyRecursively(pristine, home);
    Files.createDirectories(home.resolve("lib/junit")); // the launcher expects it, as in the binary distribution
    Files.copy(pluginJar, home.resolve("lib/ext/tether-jmeter.jar"));
    shared = new JMeterInstallation(home, root.resolve("runs"));
    return shared;
  }

  /** A fresh directory for one run's plan, results and logs. */
  Path newRunDirectory(String name) throws IOException {
    Path dir = work.resolve(name);
    deleteRecursively(dir);
    return Files.createDirectories(dir);
  }

  /**
   * Runs {@code plan} non-GUI ({@code jmeter -n}) in {@code dir} and waits for JMeter to exit.
   *
   * @param arguments more JMeter arguments, e.g. {@code -Jname=value} or {@code -R host:port}
   */
  Run run(Path plan, Path dir, List<String> arguments) throws IOException, InterruptedException {
    List<String> command = java();
    command.addAll(List.of("-jar", home.resolve("bin/ApacheJMeter.jar").toString(), "-n",
        "-t", plan.toString(), "-l", dir.resolve("results.jtl").toString(),
        "-j", dir.resolve("jmeter.log").toString(),
        "-Jjmeterengine.nongui.port=0")); // no shutdown listener on 4445: runs may overlap
    command.addAll(arguments);
    Process process = start(command, dir, "jmeter");
    if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("JMeter did not finish within " + RUN_TIMEOUT + "\n" + logs(dir, "jmeter"));
    }
    return new Run(process.exitValue(), dir);
  }

  /**
   * Starts a {@code jmeter-server} engine (as {@code bin/jmeter-server} does) on {@code port} and
   * waits until it is ready for a controller. RMI runs without SSL on loopback here; see the README
   * for real clusters.
   */
  Engine startEngine(Path dir, int port) throws IOException {
    List<String> command = java();
    command.addAll(List.of("-Djava.rmi.server.hostname=127.0.0.1",
        "-jar", home.resolve("bin/ApacheJMeter.jar").toString(), "-s",
        "-j", dir.resolve("jmeter-server.log").toString(),
        "-Jserver_port=" + port, "-Jserver.rmi.localport=" + freePort(),
        "-Jserver.rmi.ssl.disable=true"));
    Process process = start(command, dir, "jmeter-server");
    Engine engine = new Engine(process, port, dir);
    try {
      await("jmeter-server ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> !process.isAlive() || read(dir.resolve("jmeter-server.out")).contains("Created remote object"));
    } catch (RuntimeException e) {
      engine.close();
      throw new AssertionError("jmeter-server did not start\n" + logs(dir, "jmeter-server"), e);
    }
    assertThat(process.isAlive()).as("jmeter-server is running\n%s", logs(dir, "jmeter-server")).isTrue();
    return engine;
  }

  /** The arguments that make a controller use RMI without SSL on loopback. */
  static List<String> controllerOf(Engine engine) {
    return List.of("-Djava.rmi.server.hostname=127.0.0.1", "-R", "127.0.0.1:" + engine.port,
        "-Jserver.rmi.ssl.disable=true");
  }

  private static Process start(List<String> command, Path dir, String name) throws IOException {
    // java options (-D...) must come before -jar: move them there
    List<String> ordered = new ArrayList<>();
    ordered.add(command.get(0));
    command.stream().skip(1).filter(a -> a.startsWith("-D")).forEach(ordered::add);
    command.stream().skip(1).filter(a -> !a.startsWith("-D")).forEach(ordered::add);
    Files.write(dir.resolve(name + ".command"), String.join(" ", ordered).getBytes(StandardCharsets.UTF_8));
    return new ProcessBuilder(ordered).directory(dir.toFile())
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile())
        .start();
  }

  private static List<String> java() {
    return new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m"));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Everything a failing assertion should show about a run. */
  static String logs(Path dir, String name) {
    return "--- " + name + ".out\n" + read(dir.resolve(name + ".out"))
        + "\n--- " + name + ".err\n" + read(dir.resolve(name + ".err"))
        + "\n--- " + name + ".log (last 60 lines)\n" + tail(read(dir.resolve(name + ".log")), 60);
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    assertThat(value).as("system property %s (set by the jmeter module's pom)", property).isNotBlank();
    return value;
  }

  private static void copyRecursively(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }

  /** A finished non-GUI run. */
  static final class Run {
    final int exitCode;
    final Path dir;

    Run(int exitCode, Path dir) {
      this.exitCode = exitCode;
      this.dir = dir;
    }

    /** The samples of the results file; fails when JMeter wrote none (an engine without the plugin). */
    List<Map<String, String>> samples() throws IOException {
      Path jtl = dir.resolve("results.jtl");
      assertThat(jtl).as("results file\n%s", logs()).exists();
      return Jtl.read(jtl);
    }

    String logs() {
      return JMeterInstallation.logs(dir, "jmeter");
    }
  }

  /** A running {@code jmeter-server}. */
  static final class Engine implements AutoCloseable {
    final Process process;
    final int port;
    final Path dir;

    Engine(Process process, int port, Path dir) {
      this.process = process;
      this.port = port;
      this.dir = dir;
    }

    String logs() {
      return JMeterInstallation.logs(dir, "jmeter-server");
    }

    @Override public void close() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
