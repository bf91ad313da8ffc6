package dev.tether.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tether.samples.DemoServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * Builds and runs the consumer projects of {@code consumer-tests/projects}: each is built by the
 * Maven wrapper in a child process, with its own local repository (the head, {@code
 * target/consumer-m2}) in front of the user's {@code ~/.m2/repository} (the read-only tail), and
 * Tether's artifacts coming only from the staging repository.
 */
final class Consumers {
  static final Path ROOT = dir("tether.rootDir");
  static final Path PROJECTS = dir("tether.projectsDir");
  static final Path STAGING = dir("tether.stagingRepository");
  static final Path HEAD = Paths.get(property("tether.consumerRepo")).toAbsolutePath();
  static final Path TAIL = dir("tether.userRepo");
  static final Path WORK = Paths.get(property("tether.workDir")).toAbsolutePath();
  static final String VERSION = property("tether.version");

  static final Duration BUILD_TIMEOUT = Duration.ofMinutes(4);
  static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  private Consumers() {}

  /** A built consumer project: its directory and runtime classpath (dependency jars). */
  record Built(String name, Path dir, List<Path> classpath) {
    Path classes() {
      return dir.resolve("target/classes");
    }

    /** The dependency jar of this artifactId, e.g. "client-core". */
    Path jar(String artifactId) {
      return classpath.stream()
          .filter(p -> p.getFileName().toString().startsWith(artifactId + "-"))
          .findFirst()
          .orElseThrow(() -> new AssertionError(artifactId + " is not on " + name + "'s classpath: " + classpath));
    }
  }

  /**
   * Builds projects/name with {@code mvnw -B -q package}, against the staging repository given as
   * {@code repo}, and returns the result of the build: the process's exit code and output.
   */
  static Result maven(String name, Path repo, String... arguments) {
    return maven(PROJECTS.resolve(name), repo, HEAD, tailWithoutTether(), arguments);
  }

  /**
   * As {@link #maven(String, Path, String...)}, for the project in this directory, with these head
   * and tail local repositories. -U: the newest staged snapshot replaces an older one in the head.
   */
  static Result maven(Path projectDir, Path repo, Path head, Path tail, String... arguments) {
    String name = projectDir.getFileName().toString();
    Path pom = projectDir.resolve("pom.xml");
    List<String> command = new ArrayList<>(List.of(ROOT.resolve(isWindows() ? "mvnw.cmd" : "mvnw").toString(),
        "-B", "-q", "-U", "-f", pom.toString(), "package",
        "-Dtether.version=" + VERSION,
        "-Dtether.repo=" + repo.toUri(),
        "-Dmaven.repo.local=" + head,
        "-Dmaven.repo.local.tail=" + tail));
    command.addAll(Arrays.asList(arguments));
    return run(command, projectDir, BUILD_TIMEOUT, "build-" + name);
  }

  /**
   * The user's local repository without dev/tether: a directory of symbolic links to each of its
   * entries. Needed because a Tether SNAPSHOT that `mvn install` put into ~/.m2 after the staging
   * deploy is NEWER than the staged one, and Maven's snapshot resolution then takes it from the
   * tail, so that the consumers would silently test the installed jars (the guard would catch it).
   */
  private static boolean tailViewMade;

  static synchronized Path tailWithoutTether() {
    Path view = WORK.resolve("m2-tail-without-tether");
    try {
      if (!tailViewMade) { // made anew once per test run: ~/.m2 may have new entries
        deleteRecursively(view);
        tailViewMade = true;
        Files.createDirectories(view);
        try (Stream<Path> entries = Files.list(TAIL)) {
          for (Path entry : entries.collect(Collectors.toList())) {
            if (entry.getFileName().toString().equals("dev") && Files.isDirectory(entry)) {
              Path dev = Files.createDirectories(view.resolve("dev"));
              try (Stream<Path> groups = Files.list(entry)) {
                for (Path group : groups.collect(Collectors.toList())) {
                  if (!group.getFileName().toString().equals("tether")) {
                    Files.createSymbolicLink(dev.resolve(group.getFileName().toString()), group);
                  }
                }
              }
            } else {
              Files.createSymbolicLink(view.resolve(entry.getFileName().toString()), entry);
            }
          }
        }
      }
      return view;
    } catch (IOException e) {
      throw new UncheckedIOException("could not make a view of " + TAIL + " without dev/tether in " + view, e);
    }
  }

  /** Builds projects/name from the staging repository, asserts it passed and that Tether came from there. */
  static synchronized Built build(String name, String... arguments) {
    if (arguments.length == 0 && BUILT.containsKey(name)) {
      return BUILT.get(name); // each project is built once per test run (java8-app: JavaAppsIT and ProguardIT)
    }
    Result result = maven(name, STAGING, arguments);
    assertThat(result.exitCode()).as("maven build of %s:\n%s", name, result.output()).isZero();
    Path dir = PROJECTS.resolve(name);
    List<Path> classpath = readClasspath(dir.resolve("target/classpath.txt"));
    Built built = new Built(name, dir, classpath);
    if (arguments.length == 0) {
      BUILT.put(name, built);
    }
    return built;
  }

  private static final Map<String, Built> BUILT = new java.util.HashMap<>();

  /**
   * The guard against a false pass: Maven's tail repository (~/.m2) may hold a Tether of the same
   * version (from `mvn install`), and a consumer resolving from there would pass without the staging
   * repository. An artifact served by the tail is not copied into the head, so this asserts that
   * the jar the consumer got lies in the head repository and is byte for byte the newest staged one.
   */
  static void assertFromStaging(Path jar, String artifactId) {
    Path headDir = HEAD.resolve("dev/tether").resolve(artifactId).resolve(VERSION);
    assertThat(jar.toAbsolutePath().normalize().startsWith(headDir))
        .as("%s must be resolved into the consumers' own local repository %s (from the staging "
            + "repository), not taken from the tail %s: it is %s", artifactId, HEAD, TAIL, jar)
        .isTrue();
    Path staged = newestStagedJar(artifactId);
    assertThat(sha256(jar)).as("%s in the consumer's repository vs the staged %s", jar, staged)
        .isEqualTo(sha256(staged));
  }

  /** The newest main jar of artifactId in the staging repository (timestamped snapshots sort by time). */
  static Path newestStagedJar(String artifactId) {
    return newestStaged(artifactId, ".jar", name -> !name.endsWith("-sources.jar") && !name.endsWith("-javadoc.jar"));
  }

  static Path newestStagedPom(String artifactId) {
    return newestStaged(artifactId, ".pom", name -> true);
  }

  private static Path newestStaged(String artifactId, String suffix, java.util.function.Predicate<String> filter) {
    Path dir = STAGING.resolve("dev/tether").resolve(artifactId).resolve(VERSION);
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(suffix) && filter.test(p.getFileName().toString()))
          .max(Comparator.comparing(p -> p.getFileName().toString()))
          .orElseThrow(() -> new AssertionError("nothing staged in " + dir));
    } catch (IOException e) {
      throw new AssertionError("the staging repository has no " + artifactId + " " + VERSION + " (" + dir
          + "): run the published modules' verify first", e);
    }
  }

  /** A child process's exit code (-1: killed after its timeout) and its output (stdout and stderr). */
  record Result(int exitCode, String output) {}

  static Result run(List<String> command, Path directory, Duration timeout, String logName) {
    try {
      Files.createDirectories(WORK);
      Path log = WORK.resolve(logName + ".log");
      Process process = new ProcessBuilder(command).directory(directory.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File(isWindows() ? "NUL" : "/dev/null")))
          .start();
      boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      return new Result(exited ? process.exitValue() : -1,
          (exited ? "" : "[killed after " + timeout + "]\n") + "$ " + String.join(" ", command) + "\n" + output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Starts the news/reply demo server and the app against it, and asserts the exchange from both
   * sides: the app got news, and the server logged the app's reply under the app's socket id. Then
   * closes the app's stdin (it disconnects and exits) and returns its output and the server's lines.
   */
  static Exchange assertNewsExchange(List<Path> classpath, String mainClass, String logName) {
    String reply = "hello from " + logName;
    Queue<String> serverLines = new ConcurrentLinkedQueue<>();
    List<String> command = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)), mainClass);
    try (DemoServer server = DemoServer.start(DemoServer.NEWS, 0, Map.of(), List.of(), serverLines::add)) {
      Files.createDirectories(WORK);
      Path log = WORK.resolve(logName + ".log");
      List<String> withArgs = new ArrayList<>(command);
      withArgs.add(server.url());
      withArgs.add(reply);
      Process app = new ProcessBuilder(withArgs).directory(WORK.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        java.util.function.Supplier<String> describe = () -> "$ " + String.join(" ", withArgs) + "\n" + read(log)
            + "\nserver:\n" + server.output();
        String[] id = new String[1];
        Awaitility.await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(50))
            .failFast("the app exited", () -> !app.isAlive() && !read(log).contains("replied"))
            .untilAsserted(() -> {
              String output = read(log);
              assertThat(output).as("%s", describe.get()).contains("news: news #1 from the demo server", "replied");
              id[0] = output.lines().filter(l -> l.startsWith("connected as "))
                  .map(l -> l.substring("connected as ".length())).findFirst().orElseThrow();
              assertThat(serverLines).as("the server's lines").contains("reply from " + id[0] + ": " + reply);
            });
        app.getOutputStream().close(); // the app disconnects and exits
        boolean exited = app.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(exited).as("the app exits once its stdin is closed: %s", describe.get()).isTrue();
        assertThat(app.exitValue()).as("%s", describe.get()).isZero();
        assertThat(read(log)).contains("done");
        // The app has written its goodbye; the server handles and logs it a moment later. Stopping
        // the server before that would lose the line (seen in CI), so wait for it, bounded.
        Awaitility.await("the server logs the client's disconnect").atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> serverLines.stream().anyMatch(line -> line.startsWith("disconnected " + id[0] + ": ")));
        server.close(); // returns once every line was handed over
        return new Exchange(id[0], read(log), List.copyOf(serverLines));
      } finally {
        app.destroyForcibly();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The app's socket id and output, and every line the server printed (after it listened). */
  record Exchange(String socketId, String output, List<String> serverLines) {}

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> readClasspath(Path file) {
    try {
      String text = Files.readString(file).trim();
      return text.isEmpty() ? List.of()
          : Arrays.stream(text.split(File.pathSeparator)).map(Paths::get).collect(Collectors.toList());
    } catch (IOException e) {
      throw new AssertionError("no classpath file " + file, e);
    }
  }

  static List<Path> plus(Path first, List<Path> rest) {
    List<Path> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }

  static String sha256(Path file) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      fail("system property " + name + " is not set: run the tests through Maven (failsafe)");
    }
    return value;
  }

  private static Path dir(String name) {
    return Paths.get(property(name)).toAbsolutePath().normalize();
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
  }
}
