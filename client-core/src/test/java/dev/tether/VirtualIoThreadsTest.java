package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.io.IOException;
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
import org.junit.jupiter.api.Test;

/**
 * On Java 21+ OkHttp's blocking reads run on virtual threads: 300 open WebSockets hold no platform
 * thread each. Runs {@link VirtualThreadsProbe} in a forked JVM: this JVM's own if it is
 * Java 21+, else the first Java 21+ found in {@code TETHER_JAVA21_HOME} or {@code /usr/lib/jvm}
 * (skipped when there is none). On the test JVM itself (Java 8-20) the same probe shows the
 * platform-thread fallback.
 */
@RealServer
class VirtualIoThreadsTest {
  private static final int SOCKETS = 300;
  private final SocketIoServer server;

  VirtualIoThreadsTest(SocketIoServer server) {
    this.server = server;
  }

  @Test void onJava21TheReadersAreVirtualThreads() throws Exception {
    Path javaHome = java21Home();
    assumeTrue(javaHome != null, "no Java 21+ installed");

    int[] result = runProbe(javaHome, false);

    assertThat(result[2]).as("Java feature version").isGreaterThanOrEqualTo(21);
    assertThat(result[1]).as("I/O platform threads").isZero();
    // What remains is fixed (Tether's loop and timer, JVM threads) plus OkHttp's process-wide
    // TaskRunner pool, which runs WebSocket writes and grows with bursts of them, not with sockets.
    assertThat(result[0]).as("platform threads in all").isLessThan(SOCKETS);
  }

  @Test void theSwitchKeepsPlatformThreads() throws Exception {
    Path javaHome = java21Home();
    assumeTrue(javaHome != null, "no Java 21+ installed");

    int[] result = runProbe(javaHome, true);

    assertThat(result[1]).as("I/O platform threads").isGreaterThanOrEqualTo(SOCKETS);
  }

  /** Returns {platform threads, tether-io platform threads, Java feature version}. */
  private int[] runProbe(Path javaHome, boolean platformThreads) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin").resolve("java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    if (platformThreads) command.add("-Ddev.tether.virtualThreads=false");
    command.add(VirtualThreadsProbe.class.getName());
    command.add(server.url());
    command.add(Integer.toString(SOCKETS));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    child.getOutputStream().close();
    // The output is small; reading it to the end also waits for the exit.
    String output = new String(readAll(child), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("probe exited; output:%n%s", output).isTrue();
    assertThat(child.exitValue()).as("probe exit code; output:%n%s", output).isZero();
    String line = Arrays.stream(output.split("\\R"))
        .filter(l -> l.startsWith("RESULT ")).findFirst()
        .orElseThrow(() -> new AssertionError("no RESULT line in:\n" + output));
    String[] parts = line.split(" ");
    String version = parts[3];
    int feature = Integer.parseInt(version.startsWith("1.") ? version.substring(2) : version);
    return new int[] {Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), feature};
  }

  private static byte[] readAll(Process child) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = child.getInputStream().read(buffer)) != -1) out.write(buffer, 0, n);
    return out.toByteArray();
  }

  /** This JVM if it is Java 21+, else TETHER_JAVA21_HOME, else the newest JDK 21+ in /usr/lib/jvm. */
  private static @Nullable Path java21Home() throws IOException {
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

  private static int feature(String version) {
    String v = version.startsWith("1.") ? version.substring(2) : version;
    int end = 0;
    while (end < v.length() && Character.isDigit(v.charAt(end))) end++;
    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
  }

}
