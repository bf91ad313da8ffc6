package dev.tether.jmeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import dev.tether.samples.DemoServer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * JMeter's distributed mode on loopback: a {@code jmeter-server} engine process runs the plan, the
 * controller ({@code -R}) gets the results. The engine stays up across runs, as on a real cluster,
 * and must be clean for each next run.
 */
class DistributedIT {
  private static final Path PLANS = Paths.get("src/test/resources/plans").toAbsolutePath();

  @Test void anEngineRunsThePlanAndTheControllerGetsEveryResult() throws Exception {
    JMeterInstallation jmeter = JMeterInstallation.get();
    List<String> serverLog = new CopyOnWriteArrayList<>();
    try (DemoServer chat = DemoServer.start(DemoServer.CHAT, 0, Map.of(), List.of(), serverLog::add);
         JMeterInstallation.Engine engine = jmeter.startEngine(jmeter.newRunDirectory("engine"),
             JMeterInstallation.freePort())) {
      String enginePrefix = "127.0.0.1:" + engine.port + "-";

      for (int round = 1; round <= 2; round++) {
        Path dir = jmeter.newRunDirectory("controller-" + round);
        List<String> arguments = new ArrayList<>(JMeterInstallation.controllerOf(engine));
        arguments.addAll(List.of("-Gurl=" + chat.url(), "-Gusers=4", "-Gmessages=2", "-Grampup=1",
            "-Groom=remote" + round));
        JMeterInstallation.Run run = jmeter.run(ChatRoomPlanIT.PLAN, dir, arguments);

        assertThat(run.exitCode).as(run.logs()).isZero();
        // an engine that could not run the plan leaves the controller's results empty, exit code 0
        List<Map<String, String>> samples = run.samples();
        assertThat(samples).as("round %d\n%s\n%s", round, run.logs(), engine.logs()).hasSize(4 * (5 + 2));
        assertThat(samples).allSatisfy(sample -> {
          assertThat(sample.get("success")).as("%s", sample).isEqualTo("true");
          assertThat(sample.get("threadName")).as("ran on the engine").startsWith(enginePrefix);
        });
        assertThat(Jtl.countByLabel(samples)).containsExactly(
            entry("Connect", 4L), entry("Disconnect", 4L), entry("Join room", 4L), entry("Leave room", 4L),
            entry("Read broadcasts", 4L), entry("Send message", 8L));
        String room = "remote" + round;
        assertThat(serverLog).filteredOn(line -> line.startsWith("message " + room + " ")).hasSize(8);
      }

      // users that never disconnect: the engine closes their sockets when the test ends
      Path dir = jmeter.newRunDirectory("controller-left-open");
      List<String> arguments = new ArrayList<>(JMeterInstallation.controllerOf(engine));
      arguments.addAll(List.of("-Gurl=" + chat.url(), "-Gusers=3", "-GrunId=1"));
      JMeterInstallation.Run run = jmeter.run(PLANS.resolve("left-open.jmx"), dir, arguments);
      assertThat(run.samples()).as(run.logs()).hasSize(6).allSatisfy(sample ->
          assertThat(sample.get("success")).as("%s", sample).isEqualTo("true"));
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(serverLog)
          .filteredOn(line -> line.startsWith("disconnected open-user-")).hasSize(3));
      assertThat(engine.process.isAlive()).as("the engine stays up for the next test").isTrue();
    }
  }
}
