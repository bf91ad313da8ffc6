package dev.tether.samples.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tether.samples.DemoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs {@link LoadBot} against the real chat demo server and checks its report. */
class LoadBotTest {
  private static DemoServer server;

  @BeforeAll
  static void startServer() {
    server = DemoServer.start(DemoServer.CHAT, 0, Map.of("CHAT_QUIET", "1"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
    assertThat(chatServerProcesses()).as("node processes left behind").isEmpty();
  }

  /**
   * 50 users in 10 rooms of 5. The sync makes every room full before anyone talks, so each user
   * receives exactly the 3 messages of each of its 4 room mates (12) and, from each mate that
   * joined after it, one "joined" notice: 0 + 1 + 2 + 3 + 4 = 10 per room.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "polling"})
  void fiftyUsersAddUp(String transports) throws Exception {
    String scenario = String.join("\n",
        "connect /chat auth={\"name\":\"vu-${vu}\"}",
        "ack join \"" + transports + "-${vu/5}\" expect ok=true room=\"" + transports + "-${vu/5}\"",
        "sync",
        "repeat 3",
        "  ack message {\"text\":\"hello ${iteration} from ${vu}\"} expect ok=true",
        "  think 0ms..20ms",
        "end",
        "repeat 12",
        "  await message",
        "end",
        "disconnect");

    Run run = run("--url", server.url(), "--users", "50", "--ramp", "200", "--transports", transports,
        "--scenario", scenario, "--report", "json");

    assertThat(run.exitCode).as(run.err).isZero();
    JsonObject report = run.report();
    assertThat(report.getAsJsonObject("users").toString())
        .isEqualTo("{\"total\":50,\"started\":50,\"completed\":50,\"failed\":0,\"stopped\":0}");
    assertThat(report.get("errorCount").getAsLong()).isZero();
    assertThat(report.getAsJsonObject("errors").size()).isZero();
    assertLatency(report.getAsJsonObject("connectLatencyMs"), 50);
    assertLatency(report.getAsJsonObject("ackLatencyMs"), 50 * (1 + 3));

    JsonObject sent = report.getAsJsonObject("sent");
    assertThat(sent.get("total").getAsLong()).isEqualTo(200);
    assertThat(sent.getAsJsonObject("byEvent").toString()).isEqualTo("{\"join\":50,\"message\":150}");
    JsonObject received = report.getAsJsonObject("received");
    JsonObject byEvent = received.getAsJsonObject("byEvent");
    assertThat(byEvent.get("message").getAsLong()).isEqualTo(50 * 4 * 3);
    assertThat(byEvent.get("joined").getAsLong()).isEqualTo(10 * (0 + 1 + 2 + 3 + 4));
    // "left" notices race with the leavers' own disconnects: only their sum is checked
    assertThat(received.get("total").getAsLong()).isEqualTo(sum(byEvent));
    assertThat(received.get("perSecond").getAsDouble()).isPositive();

    assertThat(run.err).contains("users 50/50 started"); // the last progress line
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', textBlock = """
      connect /chat                                                             | connect_error: a name is required
      connect /nowhere                                                          | connect_error: Invalid namespace
      connect /chat auth={"name":"e${vu}"}; ack no-answer                       | ack_timeout: no-answer
      connect /chat auth={"name":"e${vu}"}; await never 300ms                   | await_timeout: never
      connect /chat auth={"name":"e${vu}"}; ack message {"text":"hi"} expect ok=true | expect_failed: message ok
      """)
  void errorsAreCountedByKind(String scenario, String kind) throws Exception {
    Run run = run("--url", server.url(), "--users", "10", "--ramp", "0", "--ack-timeout", "300ms",
        "--scenario", scenario, "--report", "json", "--no-progress");

    assertThat(run.exitCode).isEqualTo(1);
    JsonObject report = run.report();
    assertThat(report.getAsJsonObject("users").get("failed").getAsInt()).isEqualTo(10);
    assertThat(report.getAsJsonObject("errors").toString()).isEqualTo("{\"" + kind + "\":10}");
    assertThat(report.get("errorCount").getAsLong()).isEqualTo(10);
    assertThat(report.getAsJsonObject("errorExamples").get(kind).getAsString()).startsWith("vu ");
  }

  @Test
  void aServerThatIsNotThereIsAConnectFailure() throws Exception {
    Run run = run("--url", "http://127.0.0.1:1", "--users", "3", "--ramp", "0", "--scenario", "connect",
        "--report", "json", "--no-progress");

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.report().getAsJsonObject("errors").toString()).isEqualTo("{\"connect_failed: CONNECT_FAILED\":3}");
    assertThat(run.report().getAsJsonObject("connectLatencyMs").get("count").getAsLong()).isZero();
  }

  @Test
  void syncWaitsOnlyForTheUsersStillRunning() throws Exception {
    // The odd users land in the wrong room and fail; the even ones pass the sync all the same.
    Run run = run("--url", server.url(), "--users", "10", "--ramp", "0", "--report", "json", "--no-progress",
        "--scenario", "connect /chat auth={\"name\":\"s${vu}\"}; ack join \"sync-${vu%2}\" expect room=\"sync-0\";"
            + " sync; ack members; disconnect");

    assertThat(run.exitCode).isEqualTo(1);
    JsonObject report = run.report();
    assertThat(report.getAsJsonObject("users").toString())
        .isEqualTo("{\"total\":10,\"started\":10,\"completed\":5,\"failed\":5,\"stopped\":0}");
    assertThat(report.getAsJsonObject("errors").toString()).isEqualTo("{\"expect_failed: join room\":5}");
    assertThat(report.getAsJsonObject("sent").getAsJsonObject("byEvent").toString())
        .isEqualTo("{\"join\":10,\"members\":5}");
  }

  @Test
  void theDurationStopsUsersThatStillRun() throws Exception {
    Run run = run("--url", server.url(), "--users", "5", "--ramp", "0", "--duration", "1s", "--report", "json",
        "--scenario", "connect /chat auth={\"name\":\"d${vu}\"}; await never 1m");

    assertThat(run.exitCode).as("stopped users did not fail").isZero();
    JsonObject report = run.report();
    assertThat(report.getAsJsonObject("users").toString())
        .isEqualTo("{\"total\":5,\"started\":5,\"completed\":0,\"failed\":0,\"stopped\":5}");
    assertThat(report.get("errorCount").getAsLong()).isZero();
    assertThat(report.get("durationSeconds").getAsDouble()).isBetween(1.0, 5.0);
  }

  @Test
  void startsItsOwnChatServerForTheDefaultScenario() throws Exception {
    Run run = run("--users", "4", "--ramp", "0", "--think", "0ms", "--no-progress");

    assertThat(run.exitCode).as(run.err).isZero();
    assertThat(run.out).contains("Load test of http://127.0.0.1:", "4 started, 4 completed, 0 failed",
        "(join 4, message 20)", "errors    none", "threads   peak ");
    assertThat(run.out).containsPattern("connect   p50 [0-9.]+ ms  p95 [0-9.]+ ms  p99 [0-9.]+ ms  max [0-9.]+ ms");
    assertThat(run.out).containsPattern("ack       p50 .* \\(24 acks\\)");
    // its own server is gone; the shared one of this class is still there
    assertThat(chatServerProcesses()).hasSize(1);
  }

  @Test
  void theExampleScenarioFileRuns() throws Exception {
    Path file = Path.of(System.getProperty(DemoServer.DIR_PROPERTY), "..", "scenarios", "chat-rooms.scenario");

    Run run = run("--url", server.url(), "--users", "20", "--ramp", "0", "--report", "json", "--no-progress",
        "--scenario-file", file.toString());

    assertThat(run.exitCode).as(run.err).isZero();
    JsonObject report = run.report();
    assertThat(report.getAsJsonObject("users").get("completed").getAsInt()).isEqualTo(20);
    assertThat(report.getAsJsonObject("sent").getAsJsonObject("byEvent").toString())
        .isEqualTo("{\"join\":20,\"leave\":20,\"message\":100}");
    assertThat(report.getAsJsonObject("ackLatencyMs").get("count").getAsLong()).isEqualTo(140);
  }

  @Test
  void aScenarioErrorIsAUsageError() throws Exception {
    Run run = run("--url", server.url(), "--scenario", "connect /chat; ack join room-1");

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).startsWith(
        "Invalid value for option '--scenario': step 2 (ack join room-1): not valid JSON: room-1");
    assertThat(run.out).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      --users 0                  | Invalid value for option '--users': must be between 1 and 1000000, not 0
      --users many               | Invalid value for option '--users': 'many' is not a number
      --ramp -1                  | Invalid value for option '--ramp': must be 0 or more users per second, not -1
      --think 5x                 | Invalid value for option '--think': '5x' is not a duration like 250ms, 5s, 1.5s or 2m
      --think 500ms..100ms       | Invalid value for option '--think': the range 500ms..100ms ends before it starts
      --ack-timeout 0ms          | Invalid value for option '--ack-timeout': a timeout must be at least 1ms, not 0ms
      --transports carrier-pigeon | Invalid value for option '--transports': expected one of [websocket, polling, upgrade]
      --report xml               | Invalid value for option '--report': expected one of [text, json]
      --scenario-file no/such/file | Invalid value for option '--scenario-file': cannot read it: java.nio.file.NoSuchFileException
      --bogus                    | Unknown option: '--bogus'
      --users                    | Missing required parameter for option '--users' (<n>)
      --users 5 --users 6        | option '--users' (<n>) should be specified only once
      """)
  void badArgumentsAreUsageErrors(String args, String message) throws Exception {
    Run run = run(args.split(" "));

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).startsWith(message).endsWith("Try --help for the options." + System.lineSeparator());
    assertThat(run.out).isEmpty();
  }

  @Test
  void helpListsEveryOption() throws Exception {
    Run run = run("--help");

    assertThat(run.exitCode).isZero();
    assertThat(run.out).startsWith("Usage: load [OPTIONS]");
    assertThat(run.out).contains("--url", "--users", "--ramp", "--think", "--seed", "--scenario=",
        "--scenario-file", "--namespace", "--transports", "--connect-timeout", "--ack-timeout",
        "--await-timeout", "--duration", "--report", "--no-progress", "--help", "${vu%N}",
        "ack join \"room-${vu/10}\" expect ok=true", "Exit code: 0 when no user failed");
    assertThat(run.err).isEmpty();
  }

  private static void assertLatency(JsonObject latency, long count) {
    assertThat(latency.get("count").getAsLong()).isEqualTo(count);
    double p50 = latency.get("p50").getAsDouble();
    double p95 = latency.get("p95").getAsDouble();
    double p99 = latency.get("p99").getAsDouble();
    double max = latency.get("max").getAsDouble();
    assertThat(p50).isPositive().isLessThanOrEqualTo(p95);
    assertThat(p95).isLessThanOrEqualTo(p99);
    assertThat(p99).isLessThanOrEqualTo(max);
  }

  private static long sum(JsonObject counts) {
    return counts.entrySet().stream().mapToLong(entry -> entry.getValue().getAsLong()).sum();
  }

  private record Run(int exitCode, String out, String err) {
    JsonObject report() {
      JsonElement json = JsonParser.parseString(out);
      return json.getAsJsonObject();
    }
  }

  private static Run run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode = LoadBot.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    Run run = new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.println("LoadBot " + String.join(" ", args) + "\n" + run.err + run.out); // for the surefire report
    return run;
  }

  /** Live child processes of this JVM that run chat-server.js. */
  private static List<ProcessHandle> chatServerProcesses() {
    return ProcessHandle.current().descendants()
        .filter(ProcessHandle::isAlive)
        .filter(process -> process.info().commandLine().orElse("").contains("chat-server.js")
            || new ArrayList<>(process.info().arguments().map(List::of).orElse(List.of())).contains("chat-server.js"))
        .collect(Collectors.toList());
  }
}
