package dev.tether.jmeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import dev.tether.samples.DemoServer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The example plan, as a JMeter user runs it: non-GUI, against the real chat demo server. */
class ChatRoomPlanIT {
  static final Path PLAN = Paths.get(System.getProperty("tether.plansDir"), "chat-room.jmx");

  @Test void theExamplePlanRunsWithExactCountsAndNoErrors() throws Exception {
    JMeterInstallation jmeter = JMeterInstallation.get();
    List<String> serverLog = new CopyOnWriteArrayList<>();
    try (DemoServer chat = DemoServer.start(DemoServer.CHAT, 0, Map.of(), List.of(), serverLog::add)) {
      Path dir = jmeter.newRunDirectory("chat-room");
      JMeterInstallation.Run run = jmeter.run(PLAN, dir, List.of("-Jurl=" + chat.url(), "-Jusers=6",
          "-Jmessages=4", "-Jrampup=1", "-Jroom=nongui"));

      assertThat(run.exitCode).as(run.logs()).isZero();
      List<Map<String, String>> samples = run.samples();
      assertThat(samples).as(run.logs()).allSatisfy(sample ->
          assertThat(sample.get("success")).as("%s", sample).isEqualTo("true"));
      assertThat(Jtl.countByLabel(samples)).containsExactly(
          entry("Connect", 6L), entry("Disconnect", 6L), entry("Join room", 6L), entry("Leave room", 6L),
          entry("Read broadcasts", 6L), entry("Send message", 24L));
      // every user read the 5 x 4 messages of the others
      assertThat(samples).filteredOn(s -> s.get("label").equals("Read broadcasts"))
          .extracting(s -> s.get("responseMessage")).containsOnly("20 events");
      assertThat(samples).filteredOn(s -> s.get("label").equals("Connect"))
          .allSatisfy(s -> assertThat(Long.parseLong(s.get("Connect"))).isPositive());

      // what the server saw: 24 messages in the room, and every user gone once JMeter exited
      assertThat(serverLog).filteredOn(line -> line.startsWith("message nongui user-")).hasSize(24);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(serverLog)
          .filteredOn(line -> line.startsWith("disconnected user-")).hasSize(6));
    }
  }
}
