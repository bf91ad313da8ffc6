package dev.tether.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real HTTP proxy for tests: Debian's {@code tinyproxy}, started in the foreground ({@code -d}, no
 * daemon fork) on a free loopback port with a generated configuration, optionally with basic auth,
 * and stopped on {@link #close()}. Everything it logs is kept for assertions and diagnostics.
 *
 * <p>Found as the system property {@value #PROPERTY}, else {@code /usr/bin/tinyproxy}, else on the
 * {@code PATH}. When it is missing, {@link #start} fails the test with how to install it: CI installs it
 * ({@code .ci/run}); a developer machine needs {@code apt-get install tinyproxy} (or {@code brew install
 * tinyproxy}) once.
 *
 * <p>What tinyproxy does with the traffic Tether sends (found with 1.11.1): CONNECT tunnels to any
 * port (the generated configuration has no {@code ConnectPort} line), so https and wss work; plain http
 * requests are forwarded, but it drops the hop-by-hop {@code Connection} and {@code Upgrade} headers, so
 * a plain {@code ws://} handshake reaches the server as an ordinary GET, which engine.io answers with
 * {@code 400 {"code":3,"message":"Bad request"}}.
 *
 * <p>Thread-safe.
 */
final class Tinyproxy implements AutoCloseable {
  static final String PROPERTY = "tether.tinyproxy";
  private static final long START_SECONDS = 10;

  private final Process process;
  private final int port;
  private final Path dir;
  private final StringBuilder log = new StringBuilder(); // guarded by itself

  private Tinyproxy(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** Without authentication. */
  static Tinyproxy start() throws IOException {
    return start(null, null);
  }

  /** With {@code BasicAuth user password} when both are given: a client without them gets 407. */
  static Tinyproxy start(@Nullable String user, @Nullable String password) throws IOException {
    String binary = locate();
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = free.getLocalPort();
    }
    Path dir = Files.createTempDirectory("tinyproxy");
    StringBuilder conf = new StringBuilder()
        .append("Port ").append(port).append('\n')
        .append("Listen 127.0.0.1\n")
        .append("Timeout 600\n") // idle seconds; a held long-poll lasts up to pingInterval
        .append("MaxClients 200\n")
        .append("LogLevel Connect\n") // one line per connection and request
        .append("DisableViaHeader Yes\n");
    if (user != null && password != null) {
      conf.append("BasicAuth ").append(user).append(' ').append(password).append('\n');
    }
    Path file = Files.writeString(dir.resolve("tinyproxy.conf"), conf.toString());
    Process process = new ProcessBuilder(binary, "-d", "-c", file.toString()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    Tinyproxy proxy = new Tinyproxy(process, port, dir);
    Thread pump = new Thread(proxy::pump, "tinyproxy-log-" + port);
    pump.setDaemon(true);
    pump.start();
    try {
      FaultSupport.eventually(Duration.ofSeconds(START_SECONDS)).until(() -> !process.isAlive() || proxy.accepts());
    } catch (RuntimeException e) {
      proxy.close();
      throw new IllegalStateException("tinyproxy did not listen on port " + port + "; its output:\n" + proxy.log(), e);
    }
    if (!process.isAlive()) {
      proxy.close();
      throw new IllegalStateException("tinyproxy exited at start (" + process.exitValue() + "):\n" + proxy.log());
    }
    return proxy;
  }

  private static String locate() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isEmpty()) return configured;
    if (Files.isExecutable(Paths.get("/usr/bin/tinyproxy"))) return "/usr/bin/tinyproxy";
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(File.pathSeparator)) {
        Path candidate = Paths.get(entry, "tinyproxy");
        if (!entry.isEmpty() && Files.isExecutable(candidate)) return candidate.toString();
      }
    }
    throw new AssertionError("tinyproxy is not installed, and the proxy fault tests need a real HTTP proxy: "
        + "apt-get install tinyproxy (Debian/Ubuntu; .ci/run does it in CI), brew install tinyproxy (macOS), "
        + "or -D" + PROPERTY + "=/path/to/tinyproxy");
  }

  private boolean accepts() {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void pump() {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        synchronized (log) {
          if (log.length() < (1 << 20)) log.append(line).append('\n');
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  int port() {
    return port;
  }

  /** For {@code OkHttpClient.Builder.proxy}. */
  Proxy proxy() {
    return new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", port));
  }

  /** Everything tinyproxy logged so far (at {@code LogLevel Connect}: each connection and request line). */
  String log() {
    synchronized (log) {
      return log.toString();
    }
  }

  @Override public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        assertThat(process.waitFor(5, TimeUnit.SECONDS)).as("tinyproxy stopped").isTrue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(dir.resolve("tinyproxy.conf"));
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a temporary directory
    }
  }
}
