package dev.tether.samples.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/** The two plain WebSocket samples, each against the demo server it starts itself, start to clean exit. */
class WsSamplesTest {

  @Test
  void theTextSampleAnswersEachPushedMessageAndTheServerSeesEveryAnswer() {
    Run run = capture(WsTextSample::run, "--interval", "100ms", "--count", "3");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    List<String> received = lines.stream().filter(l -> l.startsWith("< ")).map(l -> l.substring(2)).toList();
    assertThat(received).hasSize(3);
    assertThat(received.get(0)).startsWith("welcome, ");
    assertThat(received.subList(1, 3)).containsExactly("message #1 from the server", "message #2 from the server");
    // The server's own log: each answer arrived, then a normal close (1000) and no reconnection.
    for (String text : received) {
      assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("server: received from ")
          .endsWith(": " + WsTextSample.REPLY_PREFIX + text));
    }
    assertThat(lines).filteredOn(line -> line.startsWith("server: connected ")).hasSize(1);
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("server: disconnected ").endsWith(": 1000"));
    assertThat(lines).contains("disconnected: io client disconnect");
  }

  @Test
  void theEnvelopeSampleJoinsWithABufferedEmitAndReadsTheTypedHello() {
    Run run = capture(WsEnvelopeSample::run, "--room", "a'b\"c");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).contains("< hello: a=123, b=234");
    assertThat(lines).contains("server: message from client-1: join {\"room\":\"a'b\\\"c\"}");
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("server: disconnected client-1: 1000"));
  }

  @Test
  void bothSamplesHaveHelpAndRefuseUnknownOptions() {
    assertThat(capture(WsTextSample::run, "--help").exitCode()).isZero();
    assertThat(capture(WsEnvelopeSample::run, "--help").out()).contains("--room");
    Run bad = capture(WsTextSample::run, "--interval", "0ms");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("needs at least 1ms");
    assertThat(capture(WsEnvelopeSample::run, "--nope").exitCode()).isEqualTo(2);
  }

  record Run(int exitCode, String out, String err) {
  }

  private static Run capture(ToIntFunction<String[]> sample, String... args) {
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
}
