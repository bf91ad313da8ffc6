package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A program that uses Tether and returns from {@code main} exits at once: with {@link Tether#close()}
 * and also when it only disconnected its socket (every Tether thread is a daemon). Forks a JVM running
 * {@link ExitProbe} on the test classpath and prints how long the exit took after the probe's last line.
 */
@RealServer
class JvmExitTest {
  private static final long EXIT_SECONDS = 15;
  private final SocketIoServer server;

  JvmExitTest(SocketIoServer server) {
    this.server = server;
  }

  @Test void theForkedJvmSeesTheTestClasspath() {
    String classpath = System.getProperty("java.class.path");
    List<String> entries = Arrays.asList(classpath.split(File.pathSeparator));
    assertThat(entries).as("java.class.path of the test JVM").anySatisfy(entry ->
        assertThat(entry.replace('\\', '/')).endsWith("target/test-classes"));
    assertThat(entries).anySatisfy(entry -> assertThat(entry).contains("okhttp"));
  }

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({
      "close, UPGRADE",
      "close, POLLING",
      "close, WEBSOCKET",
      "disconnect-only, UPGRADE",
      "disconnect-only, POLLING",
      "disconnect-only, WEBSOCKET",
  })
  void theJvmExitsAfterMainReturns(String mode, TransportMode transport) throws Exception {
    List<String> output = runProbe(mode, transport, null);
    assertThat(output).contains("DONE").anySatisfy(line -> assertThat(line).startsWith("CONNECTED "));
  }

  /**
   * Tether's threads are daemons: a program whose main returns right after close() could cut off the
   * goodbye still being written. awaitTermination makes it wait: the last emits and the DISCONNECT
   * reach the server before the JVM exits. Polling: its goodbyes go in requests of their own (over a
   * WebSocket the server may read the emits together with the DISCONNECT and drop them, as the README
   * says).
   */
  @Test void aProgramThatAwaitsTerminationLosesNothingWhenItExits() throws Exception {
    String key = "exit-" + java.util.UUID.randomUUID();
    List<String> output = runProbe("emit-close-wait", TransportMode.POLLING, key);
    assertThat(output).contains("DONE").doesNotContain("NOT TERMINATED");
    try (Tether checker = Tether.create()) {
      Socket check = checker.socket(server.url());
      check.connect();
      check.awaitConnected(10, TimeUnit.SECONDS);
      // the child has exited: what it wrote is all the server will ever get
      assertThat(check.emitWithAck("flaky-count", key).await(10, TimeUnit.SECONDS).arg(0, Long.class)).isEqualTo(3L);
    }
  }

  private List<String> runProbe(String mode, TransportMode transport, String key) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    String logging = System.getProperty("java.util.logging.config.file");
    if (logging != null) command.add("-Djava.util.logging.config.file=" + logging);
    command.add(ExitProbe.class.getName());
    command.add(server.url());
    command.add(mode);
    command.add(transport.name());
    if (key != null) command.add(key);

    long start = System.nanoTime();
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> output = new CopyOnWriteArrayList<>();
    BlockingQueue<Long> doneAt = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> readLines(child, output, doneAt), "exit-probe-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      Long done = doneAt.poll(EXIT_SECONDS, TimeUnit.SECONDS);
      assertThat(done).as("DONE within %d s; output: %s", EXIT_SECONDS, output).isNotNull();
      long left = EXIT_SECONDS * 1_000_000_000L - (System.nanoTime() - start);
      boolean exited = child.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS);
      long exitedAt = System.nanoTime();
      String dump = exited ? "" : threadDump(child);
      assertThat(exited).as("the child JVM exited within %d s of its start; output: %s%nthreads:%n%s", EXIT_SECONDS,
          output, dump).isTrue();
      reader.join(TimeUnit.SECONDS.toMillis(5));
      System.out.printf("ExitProbe %s over %s: DONE after %d ms, exit %d ms after DONE (code %d)%n", mode, transport,
          TimeUnit.NANOSECONDS.toMillis(done - start), TimeUnit.NANOSECONDS.toMillis(exitedAt - done),
          child.exitValue());
      assertThat(child.exitValue()).as("exit code; output: %s", output).isZero();
      return output;
    } finally {
      if (child.isAlive()) {
        child.destroyForcibly();
        child.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  /** The child's thread dump through {@code jcmd}, when the JDK has it. */
  private static String threadDump(Process child) {
    File jcmd = new File(System.getProperty("java.home"), "bin" + File.separator + "jcmd");
    if (!jcmd.canExecute()) return "(no jcmd in " + jcmd.getParent() + ")";
    try {
      Process dump = new ProcessBuilder(jcmd.getPath(), Long.toString(child.pid()), "Thread.print")
          .redirectErrorStream(true).start();
      byte[] text = dump.getInputStream().readAllBytes();
      dump.waitFor(10, TimeUnit.SECONDS);
      return new String(text, StandardCharsets.UTF_8);
    } catch (IOException | InterruptedException e) {
      return "(jcmd failed: " + e + ")";
    }
  }

  private static void readLines(Process child, List<String> output, BlockingQueue<Long> doneAt) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.equals("DONE")) doneAt.add(System.nanoTime());
        output.add(line);
      }
    } catch (IOException e) {
      output.add("(reading the child's output failed: " + e + ")");
    }
  }
}
