package dev.tether.jmeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.samples.DemoServer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The same samplers against the other kinds of server Tether speaks, each a real demo server. */
class EveryServerKindIT {
  private static final Path PLANS = Paths.get("src/test/resources/plans").toAbsolutePath();

  @Test void socketIo2AndPlainWebSocketServers() throws Exception {
    JMeterInstallation jmeter = JMeterInstallation.get();
    List<String> newsLog = new CopyOnWriteArrayList<>();
    List<String> textLog = new CopyOnWriteArrayList<>();
    List<String> envelopeLog = new CopyOnWriteArrayList<>();
    try (DemoServer news = DemoServer.start(DemoServer.NEWS_V2, 0, Map.of(), List.of(), newsLog::add);
         DemoServer text = DemoServer.start(DemoServer.WS_TEXT, 0, Map.of(), List.of(), textLog::add);
         DemoServer envelope = DemoServer.start(DemoServer.WS_ENVELOPE, 0, Map.of(), List.of(), envelopeLog::add)) {
      Path dir = jmeter.newRunDirectory("every-server");
      JMeterInstallation.Run run = jmeter.run(PLANS.resolve("every-server.jmx"), dir, List.of(
          "-JnewsV2Url=" + news.url(),
          "-JwsTextUrl=" + text.url().replace("http://", "ws://") + "/",
          "-JwsEnvelopeUrl=" + envelope.url().replace("http://", "ws://") + "/"));

      assertThat(run.exitCode).as(run.logs()).isZero();
      List<Map<String, String>> samples = run.samples();
      assertThat(samples).as(run.logs()).hasSize(12).allSatisfy(sample ->
          assertThat(sample.get("success")).as("%s", sample).isEqualTo("true"));
      Map<String, Map<String, String>> byLabel = Jtl.byLabel(samples);
      assertThat(byLabel.get("JSON WebSocket: hello").get("responseMessage")).isEqualTo("hello");

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(newsLog).anyMatch(line -> line.startsWith("reply from ") && line.endsWith(": hello from jmeter"));
        assertThat(textLog).anyMatch(line -> line.startsWith("received from ") && line.endsWith(": hello raw from jmeter"));
        assertThat(envelopeLog).anyMatch(line -> line.startsWith("message from ") && line.contains(": join {\"room\":\"jmeter\"}"));
      });
    }
  }
}
