package dev.tether.samples;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs one of the demo servers of {@code samples/demo-server} (real Node socket.io servers, and
 * plain {@code ws} WebSocket servers) as a child process on a loopback port.
 *
 * <pre>{@code
 * try (DemoServer server = DemoServer.start(DemoServer.CHAT)) {
 *   String url = server.url();   // "http://127.0.0.1:<port>"
 *   ...
 * }
 * }</pre>
 *
 * <ul>
 *   <li>The demo directory is the system property {@value #DIR_PROPERTY}, or else the first {@code
 *       samples/demo-server} (or {@code demo-server}) found walking up from {@code user.dir}.
 *   <li>If a package of its {@code package.json} is missing from {@code node_modules} or is not the
 *       pinned version, {@code npm ci} is run there first (needs npm and network access once).
 *   <li>{@code node} is taken from the system property {@value #NODE_PROPERTY}, else the PATH.
 *   <li>The node process exits by itself when its stdin closes, so a JVM that dies without calling
 *       {@link #close()} leaves no server behind.
 * </ul>
 *
 * <p>Thread-safe; {@link #close()} is idempotent. A line listener (see {@link #start(Script, int,
 * Map, List, Consumer)}) is called on one of the server's output threads.
 */
public final class DemoServer implements AutoCloseable {

  /** System property naming the directory that contains the demo scripts. */
  public static final String DIR_PROPERTY = "tether.demoServerDir";

  /** System property naming the {@code node} executable (default: {@code node} on the PATH). */
  public static final String NODE_PROPERTY = "tether.node";

  /** The news/reply server: {@code news-server.js}. */
  public static final Script NEWS = new Script("news-server.js", "NEWS_SERVER_LISTENING ");

  /** The news/reply demo server on socket.io 2.x, in {@code samples/demo-server-v2} next to the others. */
  public static final Script NEWS_V2 = new Script("news-server.js", "NEWS_SERVER_LISTENING ", "demo-server-v2");

  /** The room chat server: {@code chat-server.js} (namespaces {@code /room} and {@code /chat}). */
  public static final Script CHAT = new Script("chat-server.js", "CHAT_SERVER_LISTENING ");

  /**
   * The plain WebSocket text server: {@code ws-text-server.js} (a greeting, then a message every 3 s
   * or the interval given as its second argument).
   */
  public static final Script WS_TEXT = new Script("ws-text-server.js", "WS_TEXT_SERVER_LISTENING ");

  /**
   * The plain WebSocket JSON envelope server: {@code ws-envelope-server.js} ({@code join} is
   * answered with {@code hello}).
   */
  public static final Script WS_ENVELOPE =
      new Script("ws-envelope-server.js", "WS_ENVELOPE_SERVER_LISTENING ");

  /** A demo script and the prefix of the one line it prints on stdout once it listens. */
  public static final class Script {
    final String file;
    final String listeningPrefix;
    /** A directory next to {@code samples/demo-server} holding the script, or null for that one. */
    final String sibling;

    Script(String file, String listeningPrefix) {
      this(file, listeningPrefix, null);
    }

    Script(String file, String listeningPrefix, String sibling) {
      this.file = file;
      this.listeningPrefix = listeningPrefix;
      this.sibling = sibling;
    }

    @Override
    public String toString() {
      return sibling == null ? file : sibling + "/" + file;
    }
  }

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
  private static final int MAX_OUTPUT_CHARS = 1 << 20;

  private final Script script;
  private final Process process;
  private final int port;
  private final StringBuilder output; // guarded by itself
  private final Thread[] pumps;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DemoServer(Script script, Process process, int port, StringBuilder output, Thread... pumps) {
    this.script = script;
    this.process = process;
    this.port = port;
    this.output = output;
    this.pumps = pumps;
  }

  /** Starts the script on an ephemeral port and waits until it listens. */
  public static DemoServer start(Script script) {
    return start(script, 0, Map.of());
  }

  /**
   * Starts the script on this port (0: an ephemeral one) with these extra environment variables
   * and waits until it listens.
   *
   * @throws IllegalStateException if node or npm is missing, {@code npm ci} fails, or the server
   *     does not start within 30 s (the message then contains its output)
   */
  public static DemoServer start(Script script, int port, Map<String, String> environment) {
    return start(script, port, environment, List.of(), null);
  }

  /**
   * Starts the script on this port (0: an ephemeral one) with these extra environment variables and
   * these arguments after the port, and waits until it listens.
   *
   * @param lines if not null, gets every line the server prints after its listening line (stdout
   *     and stderr, in the order each stream delivers them), on the thread that reads that stream;
   *     {@link #close()} returns only after the last line was handed over
   * @throws IllegalStateException if node or npm is missing, {@code npm ci} fails, or the server
   *     does not start within 30 s (the message then contains its output)
   */
  public static DemoServer start(Script script, int port, Map<String, String> environment,
      List<String> arguments, Consumer<String> lines) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    Path dir = locateDemoDirectory(script);
    installPackagesIfMissing(dir);
    String node = locateExecutable("node", NODE_PROPERTY);

    List<String> command = new ArrayList<>(List.of(node, script.file, Integer.toString(port)));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().putAll(environment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("Could not start '" + node + " " + script + "' in " + dir, e);
    }

    StringBuilder output = new StringBuilder();
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    Thread stdout = pump(process.getInputStream(), output, script.listeningPrefix, listening, lines,
        "demo-server-stdout-" + process.pid());
    Thread stderr = pump(process.getErrorStream(), output, null, listening, lines,
        "demo-server-stderr-" + process.pid());
    try {
      int actualPort = listening.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return new DemoServer(script, process, actualPort, output, stdout, stderr);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(process);
      throw new IllegalStateException("Interrupted while starting the demo server", e);
    } catch (ExecutionException | TimeoutException e) {
      String why = e instanceof TimeoutException
          ? "did not print '" + script.listeningPrefix + "<port>' within "
              + START_TIMEOUT.toSeconds() + " s"
          : e.getCause().getMessage();
      stop(process);
      join(stdout, stderr); // collect the last lines, e.g. a node stack trace
      throw new IllegalStateException("The demo server " + script + " " + why
          + (process.isAlive() ? "" : " (exit code " + process.exitValue() + ")")
          + "\ncommand: " + builder.command() + "\ndirectory: " + dir
          + "\noutput:\n" + snapshot(output));
    }
  }

  /** The port the server listens on, on {@code 127.0.0.1}. */
  public int port() {
    return port;
  }

  /** The URL to connect to: {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Everything the server printed so far, stdout and stderr line by line in arrival order (capped
   * at about 1 MiB).
   */
  public String output() {
    return snapshot(output);
  }

  /** Whether the node process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Stops the server: closes its stdin and sends SIGTERM, waits up to 5 s, then kills it forcibly.
   * Returns once the process has exited and its last lines were read (and handed to the line
   * listener, if any). Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      stop(process);
      join(pumps);
    }
  }

  @Override
  public String toString() {
    return "DemoServer[" + script + " at " + url() + ", pid " + process.pid()
        + (isAlive() ? "" : ", exited") + "]";
  }

  // ---------------------------------------------------------------------------------------------

  private static Path locateDemoDirectory(Script script) {
    if (script.sibling != null) {
      Path dir = locateDemoDirectory(NEWS).resolveSibling(script.sibling);
      if (!Files.isRegularFile(dir.resolve(script.file))) {
        throw new IllegalStateException("Cannot find " + script.file + " in " + dir);
      }
      return dir;
    }
    String configured = System.getProperty(DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path dir = Paths.get(configured).toAbsolutePath().normalize();
      if (!Files.isRegularFile(dir.resolve(script.file))) {
        throw new IllegalStateException("System property " + DIR_PROPERTY + " = " + configured
            + " does not point to a directory containing " + script.file);
      }
      return dir;
    }
    Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      for (Path candidate : List.of(dir.resolve("samples/demo-server"), dir.resolve("demo-server"))) {
        if (Files.isRegularFile(candidate.resolve(script.file))) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException("Cannot find samples/demo-server/" + script.file + " above " + start
        + "; set the system property " + DIR_PROPERTY + " to that directory");
  }

  /**
   * Runs {@code npm ci} in dir unless every dependency of its package.json is installed there at
   * the version pinned (an older install, e.g. from before a package was added, is replaced).
   */
  private static void installPackagesIfMissing(Path dir) {
    if (packagesInstalled(dir)) {
      return;
    }
    String npm = locateExecutable("npm", null);
    List<String> command = new ArrayList<>(List.of(npm, "ci", "--no-audit", "--no-fund"));
    System.err.println("Installing the demo server's npm packages: " + String.join(" ", command)
        + " in " + dir);
    Path log;
    try {
      log = Files.createTempFile("tether-npm-ci", ".log");
    } catch (IOException e) {
      throw new IllegalStateException("Could not create a temporary file for npm's output", e);
    }
    try {
      Process process = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File(isWindows() ? "NUL" : "/dev/null")))
          .start();
      if (!process.waitFor(NPM_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("npm ci in " + dir + " did not finish within "
            + NPM_TIMEOUT.toMinutes() + " min; output:\n" + Files.readString(log));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("npm ci in " + dir + " failed (exit code "
            + process.exitValue() + "); output:\n" + Files.readString(log));
      }
    } catch (IOException e) {
      throw new IllegalStateException("Could not run npm ci in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running npm ci in " + dir, e);
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException ignored) {
        // a leftover temporary file is harmless
      }
    }
  }

  /** Whether each dependency of dir's package.json is in node_modules at its pinned version. */
  private static boolean packagesInstalled(Path dir) {
    try {
      JsonObject dependencies = JsonParser.parseString(Files.readString(dir.resolve("package.json")))
          .getAsJsonObject().getAsJsonObject("dependencies");
      for (Map.Entry<String, JsonElement> dependency : dependencies.entrySet()) {
        Path installed = dir.resolve("node_modules").resolve(dependency.getKey()).resolve("package.json");
        if (!Files.isRegularFile(installed)) {
          return false;
        }
        String version = JsonParser.parseString(Files.readString(installed))
            .getAsJsonObject().get("version").getAsString();
        if (!version.equals(dependency.getValue().getAsString())) {
          return false;
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false; // npm ci will tell what is wrong
    }
  }

  /** The executable's path from the system property (if any) or the PATH. */
  private static String locateExecutable(String name, String property) {
    if (property != null) {
      String configured = System.getProperty(property);
      if (configured != null && !configured.isBlank()) {
        return configured;
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      List<String> names = isWindows() ? List.of(name + ".exe", name + ".cmd") : List.of(name);
      for (String entry : path.split(File.pathSeparator)) {
        for (String file : names) {
          Path candidate = entry.isEmpty() ? null : Paths.get(entry, file);
          if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
            return candidate.toString();
          }
        }
      }
    }
    throw new IllegalStateException("'" + name + "' was not found on the PATH; the demo server "
        + "needs Node.js 18+ and npm (https://nodejs.org/)"
        + (property == null ? "" : ", or set the system property " + property));
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  }

  /**
   * Copies a stream line by line into output on a daemon thread; the stdout pump (listeningPrefix
   * not null) watches for the port line. Lines after it also go to the listener, if any.
   */
  private static Thread pump(InputStream in, StringBuilder output, String listeningPrefix,
      CompletableFuture<Integer> listening, Consumer<String> listener, String threadName) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          append(output, line);
          if (listeningPrefix != null && !listening.isDone() && line.startsWith(listeningPrefix)) {
            try {
              listening.complete(Integer.parseInt(line.substring(listeningPrefix.length()).trim()));
            } catch (NumberFormatException e) {
              listening.completeExceptionally(
                  new IllegalStateException("printed a malformed line: " + line));
            }
          } else if (listener != null && listening.isDone()) {
            try {
              listener.accept(line);
            } catch (RuntimeException e) {
              append(output, "[the line listener failed: " + e + "]");
            }
          }
        }
      } catch (IOException e) {
        append(output, "[reading the server's output failed: " + e + "]");
      } finally {
        if (listeningPrefix != null) {
          listening.completeExceptionally(new IllegalStateException("exited before listening"));
        }
      }
    }, threadName);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void join(Thread... threads) {
    try {
      for (Thread thread : threads) {
        thread.join(2_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void append(StringBuilder output, String line) {
    synchronized (output) {
      if (output.length() < MAX_OUTPUT_CHARS) {
        output.append(line).append('\n');
        if (output.length() >= MAX_OUTPUT_CHARS) {
          output.append("[output truncated]\n");
        }
      }
    }
  }

  private static String snapshot(StringBuilder output) {
    synchronized (output) {
      return output.toString();
    }
  }

  private static void stop(Process process) {
    try {
      process.getOutputStream().close(); // stdin EOF: the demo scripts exit by themselves
    } catch (IOException ignored) {
      // already closed
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
