package dev.tether.jmeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.samples.DemoServer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Failures show up as failed samples with the reason, in a real JMeter run: refusals, unexpected
 * replies, JMeter assertions, timeouts, bad input, a dead server and one that dies mid-test. The
 * thread never hangs: each run finishes long before its timeouts. With reconnection on, a server
 * restart is ridden out instead.
 */
class FailuresIT {
  private static final Path PLANS = Paths.get("src/test/resources/plans").toAbsolutePath();

  @Test void everyFailureIsASampleWithItsReason() throws Exception {
    JMeterInstallation jmeter = JMeterInstallation.get();
    try (DemoServer chat = DemoServer.start(DemoServer.CHAT)) {
      Path dir = jmeter.newRunDirectory("failures");
      String runId = Long.toString(System.nanoTime(), 36);
      JMeterInstallation.Run run = jmeter.run(PLANS.resolve("failures.jmx"), dir, List.of(
          "-Jurl=" + chat.url(), "-JdeadPort=" + JMeterInstallation.freePort(), "-JrunId=" + runId));

      assertThat(run.exitCode).as(run.logs()).isZero();
      List<Map<String, String>> samples = run.samples();
      assertThat(samples).as(run.logs()).hasSize(16);
      Map<String, Map<String, String>> byLabel = Jtl.byLabel(samples);

      // events are kept for later awaits: both were in the inbox before the awaits (timeout 0) ran
      succeeded(byLabel, "Create a room", "ack");
      succeeded(byLabel, "Room list sent on connect", "rooms");
      succeeded(byLabel, "Room created, sent before the ack", "room-created");

      failed(byLabel, "Connect without a name", "CONNECT_ERROR",
          "connect error: a name is required {\"hint\":\"connect with auth { name: '<1-32 characters>' }\"}");
      failed(byLabel, "Emit after a refused connect", "NOT_CONNECTED", "not connected (disconnected)");
      succeeded(byLabel, "Connect", "connected");
      failed(byLabel, "Message before joining", "UNEXPECTED_REPLY",
          "the ack of 'message' does not contain [{\"ok\":true}]: [{\"ok\":false,\"error\":\"join a room first\"}]");
      Map<String, String> asserted = byLabel.get("Join, checked by a JMeter assertion");
      assertThat(asserted.get("success")).isEqualTo("false");
      assertThat(asserted.get("responseCode")).isEqualTo("200");
      assertThat(asserted.get("failureMessage")).contains("\"ok\":false");
      failed(byLabel, "Unanswered ack", "TIMEOUT", "no ack for 'no-handler' within 500 ms");
      failed(byLabel, "Await an event that never comes", "TIMEOUT", "got 0 of event 'never' within 500 ms");
      failed(byLabel, "Arguments that are not JSON", "BAD_INPUT", "arguments is not JSON");
      succeeded(byLabel, "Disconnect", "disconnected");
      failed(byLabel, "Emit after disconnect", "NOT_CONNECTED", "no socket");
      Map<String, String> dead = failed(byLabel, "Connect to a dead server", "CONNECT_ERROR", "connect error: ");
      assertThat(dead.get("responseMessage")).contains("Failed to connect to /127.0.0.1:");
      assertThat(Long.parseLong(dead.get("elapsed"))).as("refused at once, not at the 20 s timeout").isLessThan(10_000);
      Map<String, String> never = failed(byLabel, "Await on a socket that never connected", "DISCONNECTED",
          "connect error: ");
      assertThat(Long.parseLong(never.get("elapsed"))).as("no wait for the 20 s timeout").isLessThan(10_000);
    }
  }

  @Test void aServerThatDiesWhileAUserWaitsFailsTheWaitAtOnce() throws Exception {
    JMeterInstallation jmeter = JMeterInstallation.get();
    CompletableFuture<Void> userConnected = new CompletableFuture<>();
    DemoServer chat = DemoServer.start(DemoServer.CHAT, 0, Map.of(), List.of(), line -> {
      if (line.equals("connected doomed")) userConnected.complete(null);
    });
    try {
      // the server goes away once the user is connected and waiting (the wait's timeout is 60 s)
      CompletableFuture<Void> killed = userConnected.thenRunAsync(chat::close);
      Path dir = jmeter.newRunDirectory("server-dies");
      JMeterInstallation.Run run = jmeter.run(PLANS.resolve("server-dies.jmx"), dir, List.of("-Jurl=" + chat.url()));
      killed.get(10, TimeUnit.SECONDS);

      assertThat(run.exitCode).as(run.logs()).isZero();
      Map<String, Map<String, String>> byLabel = Jtl.byLabel(run.samples());
      succeeded(byLabel, "Connect", "connected");
      Map<String, String> wait = failed(byLabel, "Await while the server dies", "DISCONNECTED", "disconnected (transport ");
      assertThat(wait.get("responseMessage")).endsWith("after 0 of event 'never'");
      assertThat(Long.parseLong(wait.get("elapsed"))).as("not the 60 s timeout").isLessThan(30_000);
      failed(byLabel, "Emit after the server died", "NOT_CONNECTED", "not connected (disconnected)");
    } finally {
      chat.close();
    }
  }

  @Test void withReconnectionOnAUserRidesOutAServerRestart() throws Exception {
    JMeterInstallation jmeter = JMeterInstallation.get();
    Map<String, String> oneNewsPerConnection = Map.of("NEWS_INTERVAL_MS", "600000");
    CompletableFuture<Void> repliedBefore = new CompletableFuture<>();
    DemoServer first = DemoServer.start(DemoServer.NEWS, 0, oneNewsPerConnection, List.of(), line -> {
      if (line.endsWith(": before the restart")) repliedBefore.complete(null);
    });
    List<String> secondLog = new CopyOnWriteArrayList<>();
    AtomicReference<DemoServer> second = new AtomicReference<>();
    // the server restarts on the same port once the user's first reply arrived
    CompletableFuture<Void> restarted = repliedBefore.thenRunAsync(() -> {
      first.close();
      second.set(DemoServer.start(DemoServer.NEWS, first.port(), oneNewsPerConnection, List.of(), secondLog::add));
    });
    try {
      Path dir = jmeter.newRunDirectory("reconnect");
      JMeterInstallation.Run run = jmeter.run(PLANS.resolve("reconnect.jmx"), dir, List.of("-Jurl=" + first.url()));
      restarted.get(30, TimeUnit.SECONDS);

      assertThat(run.exitCode).as(run.logs()).isZero();
      List<Map<String, String>> samples = run.samples();
      assertThat(samples).as(run.logs()).hasSize(6).allSatisfy(sample ->
          assertThat(sample.get("success")).as("%s", sample).isEqualTo("true"));
      Map<String, Map<String, String>> byLabel = Jtl.byLabel(samples);
      succeeded(byLabel, "News after the restart", "news");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(secondLog).anyMatch(line -> line.endsWith(": after the restart")));
    } finally {
      first.close();
      if (second.get() != null) second.get().close();
    }
  }

  private static Map<String, String> succeeded(Map<String, Map<String, String>> byLabel, String label, String message) {
    Map<String, String> sample = byLabel.get(label);
    assertThat(sample).as(label).isNotNull();
    assertThat(sample.get("success")).as("%s", sample).isEqualTo("true");
    assertThat(sample.get("responseCode")).as("%s", sample).isEqualTo("200");
    assertThat(sample.get("responseMessage")).as("%s", sample).isEqualTo(message);
    return sample;
  }

  private static Map<String, String> failed(Map<String, Map<String, String>> byLabel, String label, String code,
      String messageStart) {
    Map<String, String> sample = byLabel.get(label);
    assertThat(sample).as(label).isNotNull();
    assertThat(sample.get("success")).as("%s", sample).isEqualTo("false");
    assertThat(sample.get("responseCode")).as("%s", sample).isEqualTo(code);
    assertThat(sample.get("responseMessage")).as("%s", sample).startsWith(messageStart);
    return sample;
  }
}
