package dev.tether.samples.news;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Runs {@link NewsSample} against the real Node demo server ({@code samples/demo-server}). */
class NewsSampleTest {

  @Test
  void answersTheNewsAndLeaves() throws Exception {
    try (NewsServer server = NewsServer.start(Duration.ofMillis(100))) {
      String output = runMain("--url", server.url(), "--count", "2");

      List<String> lines = output.lines().collect(Collectors.toList());
      String id = socketId(lines);
      // Each news, then the reply the sample sends for it.
      assertThat(lines).filteredOn(line -> line.startsWith("news #") || line.startsWith("> "))
          .containsExactly("news #1 from the demo server", "> reply: Hello Node.JS",
              "news #2 from the demo server", "> reply: Hello Node.JS");
      assertThat(lines).last().isEqualTo("disconnected: io client disconnect");
      assertThat(lines).noneMatch(line -> line.startsWith("server: ")); // not its own server

      // Both replies reach the server: the sample flushes them before it disconnects.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(replies(server)).containsExactly(
              "reply from " + id + ": Hello Node.JS",
              "reply from " + id + ": Hello Node.JS"));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(server.output().lines()).contains("connected " + id,
              "disconnected " + id + ": client namespace disconnect"));
    }
    assertThat(demoServerProcesses()).as("node processes left behind").isEmpty();
  }

  @Test
  void startsAndStopsItsOwnServerAndShowsItsSideOfTheExchange() throws Exception {
    String output = runMain("--count", "1"); // the first news comes at once

    List<String> lines = output.lines().collect(Collectors.toList());
    String id = socketId(lines);
    assertThat(lines.get(0)).matches("demo server listening at http://127\\.0\\.0\\.1:\\d+");
    // The whole exchange, both sides: the server's lines come as it prints them, so only the
    // order within each side and the causal order between them is fixed.
    assertThat(lines).containsSubsequence(
        "connected as " + id,
        "news #1 from the demo server",
        "> reply: Hello Node.JS",
        "disconnected: io client disconnect");
    assertThat(lines).containsSubsequence(
        "server: connected " + id,
        "server: reply from " + id + ": Hello Node.JS",
        "server: disconnected " + id + ": client namespace disconnect");
    assertThat(lines).containsSubsequence("> reply: Hello Node.JS", "server: reply from " + id + ": Hello Node.JS");
    // A goodbye ends the output: the client prints its own from a listener while the server's lines
    // travel through the server's output, so either side's may come last (both seen in CI).
    assertThat(lines).last().isIn("disconnected: io client disconnect",
        "server: disconnected " + id + ": client namespace disconnect");
    assertThat(lines).filteredOn(line -> line.startsWith("server: reply from ")).hasSize(1);
    assertThat(demoServerProcesses()).as("node processes left behind").isEmpty();
  }

  @Test
  void talksToASocketIo2ServerWithTheDialectOption() throws Exception {
    String output = runMain("--count", "2", "--dialect", "socket.io-2");

    List<String> lines = output.lines().collect(Collectors.toList());
    String id = socketId(lines);
    assertThat(lines).containsSubsequence(
        "connected as " + id,
        "news #1 from the demo server",
        "> reply: Hello Node.JS",
        "news #2 from the demo server",
        "> reply: Hello Node.JS",
        "disconnected: io client disconnect");
    assertThat(lines).containsSubsequence("server: connected " + id, "server: reply from " + id + ": Hello Node.JS");
    assertThat(lines).filteredOn(line -> line.startsWith("server: reply from ")).hasSize(2);
    assertThat(lines).anyMatch(line -> line.startsWith("server: disconnected " + id + ": "));
    assertThat(demoServerProcesses()).as("node processes left behind").isEmpty();
  }

  @Test
  void serverStopsWhenClosed() {
    NewsServer server = NewsServer.start();
    assertThat(server.isAlive()).isTrue();
    assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
    assertThat(server.output()).contains("NEWS_SERVER_LISTENING " + server.port());

    server.close();
    server.close(); // idempotent

    assertThat(server.isAlive()).isFalse();
  }

  @Test
  void printsUsageForHelpAndBadArguments() {
    Run help = run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).startsWith("Usage: news [OPTIONS]").contains("--url=<url>", "--count=<n>", "(default 3)");

    Run unknown = run("--cuont", "2");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("Unknown options: '--cuont', '2'").endsWith("Try --help for the options."
        + System.lineSeparator());
    assertThat(unknown.out()).isEmpty();

    Run zero = run("--count", "0");
    assertThat(zero.exitCode()).isEqualTo(2);
    assertThat(zero.err()).startsWith("Invalid value for option '--count': needs a positive number, not 0");
  }

  /** Runs NewsSample.main and returns what it printed on System.out. */
  private static String runMain(String... args) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      NewsSample.main(args);
    } finally {
      System.setOut(originalOut);
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    System.out.print(output); // for the surefire report
    return output;
  }

  record Run(int exitCode, String out, String err) {
  }

  /** Runs {@code sample} with System.out and System.err captured. */
  static Run capture(ToIntFunction<String[]> sample, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int exitCode;
    try {
      exitCode = sample.applyAsInt(args);
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
    Run run = new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.print(run.out() + run.err()); // for the surefire report
    return run;
  }

  private static Run run(String... args) {
    return capture(NewsSample::run, args);
  }

  /** The socket id of the sample's "connected as <id>" line, its only one. */
  private static String socketId(List<String> lines) {
    assertThat(lines).filteredOn(line -> line.startsWith("connected as ")).hasSize(1);
    String id = lines.stream().filter(line -> line.startsWith("connected as ")).findFirst()
        .orElseThrow().substring("connected as ".length());
    assertThat(id).isNotBlank();
    return id;
  }

  private static List<String> replies(NewsServer server) {
    return server.output().lines()
        .filter(line -> line.startsWith("reply from "))
        .collect(Collectors.toList());
  }

  /** Live child processes of this JVM that run news-server.js. */
  private static List<ProcessHandle> demoServerProcesses() {
    return ProcessHandle.current().descendants()
        .filter(ProcessHandle::isAlive)
        .filter(process -> process.info().commandLine().orElse("").contains("news-server.js")
            || process.info().arguments().map(List::of).orElse(List.of()).contains("news-server.js"))
        .collect(Collectors.toList());
  }
}
