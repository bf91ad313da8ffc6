package dev.tether.samples.news;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RxNewsSampleTest {
  @Test void answersNewsThroughTheRxApiAndLeaves() throws Exception {
    try (NewsServer server = NewsServer.start(Duration.ofMillis(100))) {
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      PrintStream original = System.out;
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        RxNewsSample.main(new String[] {"--url", server.url(), "--count", "2"});
      } finally {
        System.setOut(original);
      }
      String output = captured.toString(StandardCharsets.UTF_8);
      assertThat(output).contains("state: CONNECTING", "state: CONNECTED", "news #1", "news #2", "done");
      assertThat(output).doesNotContain("news #3");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(server.output()).contains("Hello Node.JS from Rx"));
    }
  }

  @Test void printsUsageForHelpAndBadArguments() {
    NewsSampleTest.Run help = NewsSampleTest.capture(RxNewsSample::run, "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).startsWith("Usage: rx-news [OPTIONS]").contains("--url=<url>", "--count=<n>");

    NewsSampleTest.Run bad = NewsSampleTest.capture(RxNewsSample::run, "--count", "many");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("Invalid value for option '--count': 'many' is not a number"
        + System.lineSeparator() + "Try --help for the options." + System.lineSeparator());
  }
}
