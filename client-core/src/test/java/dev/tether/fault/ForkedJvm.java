package dev.tether.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@code main} of the test classpath in a forked JVM of a newer Java (for what only Java 21+
 * has: virtual threads) and returns the fields of its {@code RESULT} line.
 *
 * <p>Stateless and thread-safe.
 */
public final class ForkedJvm {
  private ForkedJvm() {
  }

  /**
   * This JVM if it is Java 21+, else {@code TETHER_JAVA21_HOME}, else the newest JDK 21+ in
   * {@code /usr/lib/jvm} (e.g. Temurin 25); null when there is none.
   */
  public static @Nullable Path java21Home() throws IOException {
    if (feature(System.getProperty("java.specification.version")) >= 21) {
      return Paths.get(System.getProperty("java.home"));
    }
    String configured = System.getenv("TETHER_JAVA21_HOME");
    if (configured != null && !configured.isEmpty()) return Paths.get(configured);
    Path jvms = Paths.get("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) return null;
    try (Stream<Path> homes = Files.list(jvms)) {
      List<Path> candidates = homes
          .filter(home -> Files.isExecutable(home.resolve("bin").resolve("java")))
          .filter(home -> releaseFeature(home) >= 21)
          .sorted((a, b) -> releaseFeature(b) - releaseFeature(a))
          .collect(Collectors.toList());
      return candidates.isEmpty() ? null : candidates.get(0);
    }
  }

  /**
   * Runs {@code mainClass} with this JVM's classpath on {@code javaHome}, waits for it (at most
   * {@code timeoutSeconds}), requires exit code 0 and returns the words after {@code RESULT} of its
   * output's {@code RESULT ...} line.
   */
  public static String[] run(Path javaHome, long timeoutSeconds, List<String> jvmOptions, Class<?> mainClass,
      String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin").resolve("java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(jvmOptions);
    command.add(mainClass.getName());
    command.addAll(Arrays.asList(args));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    child.getOutputStream().close();
    // Read on another thread, so a child that hangs cannot block this one past the timeout.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> copy(child.getInputStream(), out), "forked-jvm-output");
    reader.setDaemon(true);
    reader.start();
    boolean exited = child.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!exited) child.destroyForcibly();
    reader.join(TimeUnit.SECONDS.toMillis(5));
    String output;
    synchronized (out) {
      output = new String(out.toByteArray(), StandardCharsets.UTF_8);
    }
    assertThat(exited).as("%s exited within %d s; output:%n%s", mainClass.getSimpleName(), timeoutSeconds, output)
        .isTrue();
    assertThat(child.exitValue()).as("%s exit code; output:%n%s", mainClass.getSimpleName(), output).isZero();
    String line = Arrays.stream(output.split("\\R")).filter(l -> l.startsWith("RESULT ")).findFirst()
        .orElseThrow(() -> new AssertionError("no RESULT line in:\n" + output));
    return line.substring("RESULT ".length()).trim().split(" ");
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) != -1) {
        synchronized (out) {
          out.write(buffer, 0, n);
        }
      }
    } catch (IOException ignored) {
      // the child ended
    }
  }

  /** The feature version in a JDK's {@code release} file (JAVA_VERSION="25.0.1"), or 0. */
  private static int releaseFeature(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
        if (line.startsWith("JAVA_VERSION=")) {
          return feature(line.substring("JAVA_VERSION=".length()).replace("\"", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /** 8 for "1.8", 25 for "25.0.1". */
  public static int feature(String version) {
    String v = version.startsWith("1.") ? version.substring(2) : version;
    int end = 0;
    while (end < v.length() && Character.isDigit(v.charAt(end))) end++;
    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
  }
}
