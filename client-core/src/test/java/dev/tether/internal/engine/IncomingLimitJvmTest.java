package dev.tether.internal.engine;

import static dev.tether.internal.http.IncomingMessageGuardTest.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.internal.engine.MockEngineServer.Hold;
import dev.tether.internal.engine.WebSocketTransportRawServer.Frame;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import mockwebserver3.MockWebServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Hostile servers against a client in a forked JVM with a 64 MiB heap ({@link HostileServerProbe},
 * public API only): a WebSocket frame announcing 1 GiB (and streaming it), and a polling body of
 * millions of tiny {@code 4a} packets. Each must end the connection with {@code transport error} and an
 * {@code INCOMING_TOO_LARGE} cause within 2 s of the hostile bytes, and the JVM must exit normally:
 * no {@link OutOfMemoryError}, no thread lost, no ping timeout (the heartbeat here is 45 s).
 */
class IncomingLimitJvmTest {
  static final String HEAP = "-Xmx64m";
  static final long DETECTION_BOUND_MILLIS = 2_000;
  static final String CONNECT_REPLY = "40{\"sid\":\"s1\"}";

  @Test void aWebSocketFrameAnnouncing1GiBEndsTheConnectionWithinTwoSecondsWithoutOutOfMemory() throws Exception {
    try (WebSocketTransportRawServer raw = new WebSocketTransportRawServer(0);
         Child child = Child.start(raw.url().toString(), "WEBSOCKET", 1024 * 1024)) {
      raw.accept();
      raw.sendText(WebSocketTransportTest.OPEN);
      assertThat(raw.readFrame().text()).as("Socket.IO CONNECT").isEqualTo("40");
      raw.sendText(CONNECT_REPLY);
      child.awaitLine("CONNECTED"::equals);

      raw.writeRaw(header(0x82, 1L << 30));
      long sent = System.nanoTime();
      Thread writer = new Thread(() -> streamZeros(raw, 1L << 30), "hostile-writer");
      writer.setDaemon(true);
      writer.start();

      long detection = awaitDisconnect(child, sent);
      assertThat(detection).as("detection, ms").isLessThan(DETECTION_BOUND_MILLIS);
      Frame close = raw.readFrame();
      assertThat(close.opcode).isEqualTo(WebSocketTransportRawServer.OPCODE_CLOSE);
      assertThat(close.closeCode()).isEqualTo(1009);
      child.assertExitedCleanly(
          "websocket message of 1073741824 bytes exceeds maxIncomingMessageBytes (1048576 bytes)");
    }
  }

  @Test void aPollingBodyOfMillionsOfTinyPacketsEndsTheConnectionWithinTwoSecondsWithoutOutOfMemory()
      throws Exception {
    MockEngineServer engine = new MockEngineServer();
    MockWebServer http = new MockWebServer();
    http.setDispatcher(engine);
    http.start(InetAddress.getByName("127.0.0.1"), 0);
    engine.respondToPoll(CONNECT_REPLY);
    Hold second = engine.holdPoll();
    StringBuilder body = new StringBuilder();
    while (body.length() < 12_000_000) body.append("4a\u001e"); // 4 million packets, 12 MB
    body.setLength(body.length() - 1);
    try (Child child = Child.start(http.url("/").newBuilder().host("127.0.0.1").build().toString(), "POLLING",
        16L * 1024 * 1024)) {
      child.awaitLine("CONNECTED"::equals);
      second.awaitArrival();
      long sent = System.nanoTime();
      second.release(MockEngineServer.payload(body.toString()));

      long detection = awaitDisconnect(child, sent);
      assertThat(detection).as("detection, ms").isLessThan(DETECTION_BOUND_MILLIS);
      child.assertExitedCleanly("polling body has more than 100000 packets");
    } finally {
      engine.release();
      http.close();
    }
  }

  /** The child's transport-error disconnect: how long after {@code sent} it was printed, in ms. */
  private static long awaitDisconnect(Child child, long sent) throws InterruptedException {
    Line disconnected = child.awaitLine(line -> line.startsWith("DISCONNECTED"));
    assertThat(disconnected.text).isEqualTo("DISCONNECTED transport error");
    long millis = TimeUnit.NANOSECONDS.toMillis(disconnected.at - sent);
    System.out.printf("IncomingLimitJvmTest over %s: disconnected %d ms after the hostile bytes%n", child.transport,
        millis);
    return millis;
  }

  /** Writes up to {@code total} zero bytes, until the client goes away. */
  private static void streamZeros(WebSocketTransportRawServer raw, long total) {
    byte[] chunk = new byte[64 * 1024];
    try {
      for (long written = 0; written < total; written += chunk.length) raw.writeRaw(chunk);
    } catch (IOException clientGone) {
      // expected: the client closes as soon as it has read the header
    }
  }

  /** One line of the child's output and when the parent read it. */
  static final class Line {
    final String text;
    final long at;

    Line(String text, long at) {
      this.text = text;
      this.at = at;
    }
  }

  /** The forked JVM running {@link HostileServerProbe}. */
  static final class Child implements AutoCloseable {
    static final long TIMEOUT_SECONDS = 40;
    final String transport;
    private final Process process;
    private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    private final List<String> output = new CopyOnWriteArrayList<>();

    private Child(String transport, Process process) {
      this.transport = transport;
      this.process = process;
      Thread reader = new Thread(this::read, "hostile-probe-reader");
      reader.setDaemon(true);
      reader.start();
    }

    static Child start(String url, String transport, long maxIncomingMessageBytes) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
      command.add(HEAP);
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      String logging = System.getProperty("java.util.logging.config.file");
      if (logging != null) command.add("-Djava.util.logging.config.file=" + logging);
      command.add(HostileServerProbe.class.getName());
      command.add(url);
      command.add(transport);
      command.add(Long.toString(maxIncomingMessageBytes));
      return new Child(transport, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private void read() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          output.add(line);
          lines.add(new Line(line, System.nanoTime()));
        }
      } catch (IOException e) {
        output.add("(reading the child's output failed: " + e + ")");
      }
    }

    /** The next line that matches, skipping others; fails after {@value #TIMEOUT_SECONDS} s. */
    Line awaitLine(Predicate<String> wanted) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (true) {
        long left = deadline - System.nanoTime();
        @Nullable Line line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
        assertThat(line).as("the expected line within %d s; output so far: %s", TIMEOUT_SECONDS, output).isNotNull();
        if (wanted.test(line.text)) return line;
      }
    }

    /**
     * The child reported an {@code INCOMING_TOO_LARGE} connection error saying {@code detail}, printed
     * DONE, exited with 0, and never ran out of memory.
     */
    void assertExitedCleanly(String detail) throws InterruptedException {
      assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("exited; output: %s", output).isTrue();
      awaitLine("DONE"::equals);
      assertThat(process.exitValue()).as("exit code; output: %s", output).isZero();
      assertThat(output).anySatisfy(line -> assertThat(line).startsWith("ERROR INCOMING_TOO_LARGE ").contains(detail));
      assertThat(output).as("output").noneMatch(line -> line.contains("OutOfMemoryError"));
    }

    @Override public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
