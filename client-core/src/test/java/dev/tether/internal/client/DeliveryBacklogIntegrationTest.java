package dev.tether.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.Transport;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real server floods a socket whose listener is blocked: the events waiting for delivery stop at
 * the bound, the connection is dropped with {@code transport error}, everything accepted is delivered
 * in order once the listener moves again, and the socket reconnects.
 */
@RealServer
class DeliveryBacklogIntegrationTest {
  private static final int FLOOD = RealSocket.MAX_BACKLOG_EVENTS + 2_000;

  private final SocketIoServer server;
  /** Several threads, so the Manager's listeners are not stuck behind the blocked socket. */
  private final ExecutorService callbacks = Executors.newCachedThreadPool();
  private final Tether tether = Tether.builder().callbackExecutor(callbacks).build();
  private final CountDownLatch release = new CountDownLatch(1);

  DeliveryBacklogIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void close() {
    release.countDown();
    tether.close();
    callbacks.shutdown();
  }

  private static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10));
  }

  /** The socket's backlog, read on its event loop (which owns it). */
  private static long[] backlog(Socket socket) throws InterruptedException {
    RealSocket real = (RealSocket) socket;
    AtomicReference<long[]> backlog = new AtomicReference<>();
    CountDownLatch read = new CountDownLatch(1);
    ((RealManager) real.manager()).loop.execute(() -> {
      backlog.set(real.backlog());
      read.countDown();
    });
    assertThat(read.await(10, TimeUnit.SECONDS)).isTrue();
    return backlog.get();
  }

  @Test void aServerFloodingABlockedListenerGetsTheConnectionDroppedAtTheBound() throws Exception {
    Socket socket = tether.socket(server.url(), SocketOptions.builder().transports(Transport.WEBSOCKET)
        .eventHistory(0, 0).build());
    List<Object> timeline = new CopyOnWriteArrayList<>();
    socket.on("counted", event -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      timeline.add(event.arg(0, Integer.class));
    });
    socket.onDisconnect(timeline::add);
    List<Integer> reconnects = new CopyOnWriteArrayList<>();
    socket.manager().onReconnect(reconnects::add);
    socket.connect();
    socket.awaitConnected(10, TimeUnit.SECONDS);

    socket.emit("emit-count", FLOOD, "flood");

    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING));
    long[] backlog = backlog(socket);
    assertThat(backlog[0]).as("events waiting").isEqualTo(RealSocket.MAX_BACKLOG_EVENTS);
    assertThat(timeline).as("the listener is still blocked").isEmpty();

    release.countDown();

    List<Object> expected = new ArrayList<>();
    for (int i = 0; i < RealSocket.MAX_BACKLOG_EVENTS; i++) expected.add(i);
    expected.add(DisconnectReason.TRANSPORT_ERROR);
    eventually().untilAsserted(() -> assertThat(timeline).hasSize(expected.size()));
    assertThat(timeline).isEqualTo(expected);
    socket.awaitConnected(10, TimeUnit.SECONDS); // after the first reconnection delay (1 s)
    assertThat(reconnects).containsExactly(1);
    assertThat(backlog(socket)).containsExactly(0, 0);
  }
}
