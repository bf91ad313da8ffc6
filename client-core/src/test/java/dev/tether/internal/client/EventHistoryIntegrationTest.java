package dev.tether.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.Transport;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event history kept for awaitEvent stays within its bounds, and is released on disconnect. */
@RealServer
class EventHistoryIntegrationTest {
  private static final int MIB = 1024 * 1024;
  private static final int EVENTS = 64;

  private final SocketIoServer server;
  private final Tether tether = Tether.create();

  EventHistoryIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void close() {
    tether.close();
  }

  @Test void binaryEventsNobodyKeepsDoNotPileUpInTheHeap() throws Exception {
    Socket socket = tether.socket(server.url(), SocketOptions.builder().transports(Transport.WEBSOCKET).build());
    CountDownLatch received = new CountDownLatch(EVENTS);
    socket.on("binary", event -> received.countDown()); // keeps nothing
    socket.connect();
    socket.awaitConnected(10, TimeUnit.SECONDS);
    long before = usedHeapAfterGc();

    for (int i = 0; i < EVENTS; i++) socket.emit("emit-binary", MIB);
    assertThat(received.await(30, TimeUnit.SECONDS)).as("all %d events of 1 MiB", EVENTS).isTrue();

    long[] kept = ((RealSocket) socket).historySize();
    long defaultBytes = SocketOptions.builder().build().eventHistoryMaxBytes();
    assertThat(kept[1]).as("bytes kept").isLessThanOrEqualTo(defaultBytes).isGreaterThan(0);
    assertThat(kept[0]).as("events kept").isLessThanOrEqualTo(defaultBytes / MIB);
    // 64 MiB went through; what stays is the history's bound plus noise, far from 64 MiB.
    assertThat(usedHeapAfterGc() - before).as("heap growth").isLessThan(defaultBytes + 16L * MIB);

    socket.disconnect();
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(((RealSocket) socket).historySize()).containsExactly(0, 0));
  }

  @Test void aHistoryTurnedOffKeepsNothingAndAwaitEventStillSeesWhatArrivesWhileItWaits() throws Exception {
    Socket socket = tether.socket(server.url(), SocketOptions.builder().transports(Transport.WEBSOCKET)
        .eventHistory(0, 0).build());
    socket.connect();
    socket.awaitConnected(10, TimeUnit.SECONDS);
    socket.emit("emit-binary", 16);
    socket.emitWithAck("ack").await(10, TimeUnit.SECONDS); // the binary event came before this ack
    assertThat(((RealSocket) socket).historySize()).containsExactly(0, 0);

    // A stream of events, one every 20 ms for 5 s: the wait below surely overlaps some of them.
    socket.emit("emit-stream", 250, 20);
    assertThat(socket.awaitEvent("streamed", 10, TimeUnit.SECONDS).arg(0, Integer.class)).isNotNull();
    assertThat(((RealSocket) socket).historySize()).containsExactly(0, 0);
  }

  private static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }
}
