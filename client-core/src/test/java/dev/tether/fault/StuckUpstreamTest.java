package dev.tether.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.DisconnectReason;
import dev.tether.EmitError;
import dev.tether.OverflowPolicy;
import dev.tether.SendBufferOverflowException;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that stays alive — it answers the handshake and the namespace CONNECT, and pings — but
 * never answers a POST again: nothing the client sends gets through. The client must keep what it
 * cannot send within the send buffer's bounds (failing the rest visibly), notice the stuck write within
 * the server's heartbeat budget, and keep the emits it never handed over for the reconnection.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StuckUpstreamTest {
  private static final int PING_INTERVAL = 1000;
  private static final int PING_TIMEOUT = 1000;
  private static final int EMITS = 3_000;
  private static final int BUFFER = 100;

  private final MockWebServer server = new MockWebServer();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger posts = new AtomicInteger();
  /** Emits the server received in the bodies of POSTs (the held ones included): they were sent. */
  private final AtomicInteger emitsReceived = new AtomicInteger();
  private Tether tether;

  @BeforeEach void start() throws IOException {
    server.setDispatcher(new HoldingServer());
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    tether = Tether.create();
  }

  @AfterEach void stop() throws IOException {
    release.countDown();
    tether.close();
    server.close();
  }

  @Test void everyEmitIsBoundedAccountedForAndTheStuckWriteEndsTheConnection() throws Exception {
    Socket socket = tether.socket(server.url("/").toString(), SocketOptions.builder()
        .transports(Transport.POLLING)
        .reconnection(false)
        .sendBuffer(BUFFER, 16L * 1024 * 1024, OverflowPolicy.FAIL_NEWEST)
        .build());
    List<EmitError> errors = new CopyOnWriteArrayList<>();
    List<DisconnectReason> disconnects = new CopyOnWriteArrayList<>();
    socket.onEmitError(errors::add);
    socket.onDisconnect(disconnects::add);
    socket.connect();
    socket.awaitConnected(10, TimeUnit.SECONDS);

    char[] kib = new char[1024];
    Arrays.fill(kib, 'x');
    String payload = new String(kib);
    long start = System.nanoTime();
    for (int i = 0; i < EMITS; i++) socket.emit("data", payload);

    // Some emits went out in the POST the server holds; every other one is unsent or failed, visibly.
    await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(errors.size() + socket.bufferedPackets() + emitsReceived.get()).isEqualTo(EMITS));
    assertThat(socket.bufferedPackets()).as("the send buffer plus the connection's 1 MiB window")
        .isBetween(BUFFER, BUFFER + 1100);
    assertThat(socket.bufferedBytes()).isLessThan(BUFFER * 1100L + 1100L * 1100);
    assertThat(errors).allSatisfy(error -> assertThat(error.cause()).isInstanceOf(SendBufferOverflowException.class));

    // Noticed within the heartbeat budget (plus a second's grace), not by a ping timeout: the server
    // pings. (On polling the POST's own read timeout, the same budget, may notice it first.)
    await().atMost(10, TimeUnit.SECONDS).until(() -> !disconnects.isEmpty());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(disconnects).containsExactly(DisconnectReason.TRANSPORT_ERROR);
    assertThat(millis).as("stall noticed").isLessThan(PING_INTERVAL + PING_TIMEOUT + 1000 + 3000);

    // What the connection never handed over is kept for the next connection, not dropped.
    await().atMost(5, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(errors.size() + socket.bufferedPackets() + emitsReceived.get()).isEqualTo(EMITS));
    assertThat(socket.bufferedPackets()).as("the unsent window is buffered again").isGreaterThan(BUFFER);
    assertThat(posts.get()).as("one POST at a time: the CONNECT, then the one held").isEqualTo(2);
  }

  /** Engine.IO v4 polling and Socket.IO v5, scripted: every POST after the CONNECT is held forever. */
  private final class HoldingServer extends Dispatcher {
    private final AtomicInteger polls = new AtomicInteger();
    private final CountDownLatch connected = new CountDownLatch(1);

    @Override public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      String sid = request.getUrl().queryParameter("sid");
      if ("GET".equals(request.getMethod()) && sid == null) {
        return text("0{\"sid\":\"s1\",\"upgrades\":[],\"pingInterval\":" + PING_INTERVAL
            + ",\"pingTimeout\":" + PING_TIMEOUT + ",\"maxPayload\":1000000}");
      }
      if ("POST".equals(request.getMethod())) {
        for (String packet : request.getBody().utf8().split("\u001e")) {
          if (packet.startsWith("42[\"data\"")) emitsReceived.incrementAndGet();
        }
        if (posts.incrementAndGet() == 1) {
          connected.countDown(); // the namespace CONNECT
          return text("ok");
        }
        release.await(); // held: the test's end lets it go
        return text("ok");
      }
      if (polls.incrementAndGet() == 1) {
        connected.await(5, TimeUnit.SECONDS);
        return text("40{\"sid\":\"n1\"}");
      }
      // A live server: pings (twice per interval, so a busy client never misses its deadline),
      // whatever happens to the POSTs.
      release.await(PING_INTERVAL / 2, TimeUnit.MILLISECONDS);
      return text("2");
    }

    private MockResponse text(String body) {
      return new MockResponse.Builder().setHeader("Content-Type", "text/plain; charset=UTF-8").body(body).build();
    }
  }
}
