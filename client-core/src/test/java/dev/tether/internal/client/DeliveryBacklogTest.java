package dev.tether.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ConnectError;
import dev.tether.ConnectionOptions;
import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import dev.tether.internal.client.FakeServer.FakeConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bound on events received and not yet delivered, per socket, against a scripted server
 * ({@link FakeServer}) whose events claim any size: a listener that falls behind gets the connection
 * dropped with a clear reason, nothing beyond the bound is kept, what was accepted is still delivered
 * in order, and recovery resumes right after it.
 */
class DeliveryBacklogTest {
  private static final long MIB = 1024 * 1024;

  private final ExecutorService callbacks = Executors.newSingleThreadExecutor();
  private final FakeServer server =
      new FakeServer(ConnectionOptions.builder().build(), callbacks, (manager, socket, event, error) -> { });
  /** Held by the first event's listener until the test releases it. */
  private final CountDownLatch release = new CountDownLatch(1);
  /** Event arguments and lifecycle notices, in the order the socket's listeners heard them. */
  private final List<Object> timeline = new CopyOnWriteArrayList<>();
  private final Logger managerLogger = Logger.getLogger(RealManager.class.getName());
  private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
  private final Handler warningRecorder = new Handler() {
    @Override public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) warnings.add(record);
    }

    @Override public void flush() {
    }

    @Override public void close() {
    }
  };

  DeliveryBacklogTest() {
    managerLogger.addHandler(warningRecorder);
  }

  @AfterEach void tearDown() {
    release.countDown();
    managerLogger.removeHandler(warningRecorder);
    server.close();
    callbacks.shutdownNow();
  }

  private static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10));
  }

  /** A socket whose "counted" listener blocks until {@link #release}, connected on the first connection. */
  private RealSocket connectedSocket() {
    RealSocket socket = server.socket("/");
    socket.on("counted", event -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      timeline.add(event.arg(0, Integer.class));
    });
    socket.onDisconnect(timeline::add);
    socket.connect();
    server.barrier();
    FakeConnection first = server.connection(0);
    first.accept();
    first.joined("/", "pid-1");
    assertThat(socket.isConnected()).isTrue();
    return socket;
  }

  /** The socket's backlog, read on its loop: events and bytes received and not yet delivered. */
  private long[] backlog(RealSocket socket) {
    AtomicReference<long[]> backlog = new AtomicReference<>();
    server.onLoop(() -> backlog.set(socket.backlog()));
    return backlog.get();
  }

  private static List<Object> counted(int from, int count) {
    return IntStream.range(from, from + count).boxed().collect(Collectors.toList());
  }

  private String warningText() {
    return warnings.stream()
        .map(record -> java.text.MessageFormat.format(record.getMessage(), record.getParameters()))
        .collect(Collectors.joining("\n"));
  }

  @Test void aListenerThatFallsTenThousandEventsBehindGetsTheConnectionDroppedAndMissesNothingAcceptedSoFar() {
    RealSocket socket = connectedSocket();
    FakeConnection connection = server.connection(0);

    connection.events("/", 0, RealSocket.MAX_BACKLOG_EVENTS, 10);
    assertThat(connection.closeRequested).isFalse();
    assertThat(socket.isConnected()).isTrue();
    assertThat(backlog(socket)).containsExactly(RealSocket.MAX_BACKLOG_EVENTS, RealSocket.MAX_BACKLOG_EVENTS * 10L);

    connection.events("/", RealSocket.MAX_BACKLOG_EVENTS, 1, 10); // one too many

    assertThat(connection.closeRequested).isTrue();
    assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING);
    assertThat(backlog(socket)).as("nothing beyond the bound is kept")
        .containsExactly(RealSocket.MAX_BACKLOG_EVENTS, RealSocket.MAX_BACKLOG_EVENTS * 10L);
    assertThat(warningText()).contains("listeners of / fell behind: 10000 events (100000 bytes) waiting for delivery");
    connection.events("/", RealSocket.MAX_BACKLOG_EVENTS + 1, 100, 10); // the dropped connection is not heard
    assertThat(backlog(socket)[0]).isEqualTo(RealSocket.MAX_BACKLOG_EVENTS);

    release.countDown();

    List<Object> expected = new ArrayList<>(counted(0, RealSocket.MAX_BACKLOG_EVENTS));
    expected.add(DisconnectReason.TRANSPORT_ERROR);
    eventually().untilAsserted(() -> assertThat(timeline).hasSize(expected.size()));
    assertThat(timeline).isEqualTo(expected);
    assertThat(backlog(socket)).containsExactly(0, 0);

    // It reconnects like after any transport error, and resumes after the last event it accepted.
    server.advance(1000);
    FakeConnection next = server.connection(1);
    next.accept();
    assertThat(next.lastRecovery()).isNotNull();
    assertThat(next.lastRecovery().pid).isEqualTo("pid-1");
    assertThat(next.lastRecovery().offset).isEqualTo("offset-9999");
  }

  @Test void theBytesWaitingAreBoundedToo() {
    RealSocket socket = connectedSocket();
    FakeConnection connection = server.connection(0);
    long quarter = RealSocket.MAX_BACKLOG_BYTES / 4;

    connection.events("/", 0, 4, quarter);
    assertThat(connection.closeRequested).isFalse();
    assertThat(backlog(socket)).containsExactly(4, RealSocket.MAX_BACKLOG_BYTES);

    connection.events("/", 4, 1, 1);

    assertThat(connection.closeRequested).isTrue();
    assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING);
    assertThat(backlog(socket)).containsExactly(4, RealSocket.MAX_BACKLOG_BYTES);
    assertThat(warningText()).contains("fell behind: 4 events (" + RealSocket.MAX_BACKLOG_BYTES + " bytes)");
    release.countDown();
    eventually().untilAsserted(() -> assertThat(timeline).containsExactly(0, 1, 2, 3, DisconnectReason.TRANSPORT_ERROR));
  }

  @Test void anEventLargerThanTheByteBoundIsDeliveredWhenNothingElseWaits() {
    RealSocket socket = connectedSocket();
    FakeConnection connection = server.connection(0);

    connection.events("/", 0, 1, 3 * RealSocket.MAX_BACKLOG_BYTES);
    assertThat(connection.closeRequested).as("one event always fits").isFalse();
    connection.events("/", 1, 1, 1);
    assertThat(connection.closeRequested).as("but nothing more while it waits").isTrue();

    release.countDown();
    eventually().untilAsserted(() -> assertThat(timeline).containsExactly(0, DisconnectReason.TRANSPORT_ERROR));
  }

  @Test void aNamespaceStillJoiningOnTheSameConnectionHearsTheReasonAsItsConnectError() {
    connectedSocket();
    FakeConnection connection = server.connection(0);
    RealSocket other = server.socket("/other");
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    other.onConnectError(errors::add);
    other.connect();
    server.barrier();
    assertThat(connection.joins).containsExactly("/", "/other"); // no reply for /other yet

    connection.events("/", 0, RealSocket.MAX_BACKLOG_EVENTS + 1, 10);
    release.countDown();

    eventually().untilAsserted(() -> assertThat(errors).hasSize(1));
    assertThat(errors.get(0).cause()).isInstanceOfSatisfying(TransportException.class, cause -> {
      assertThat(cause.kind()).isEqualTo(TransportException.Kind.LISTENERS_BEHIND);
      assertThat(cause.getMessage()).isEqualTo("listeners of / fell behind: 10000 events (100000 bytes) waiting for delivery");
    });
    assertThat(other.state()).isEqualTo(ConnectionState.RECONNECTING);
  }

  @Test void aRecoveryReplayLargerThanTheBoundIsDeliveredInPartsAcrossReconnections() throws Exception {
    release.countDown(); // listeners keep up; the replay alone is too large
    RealSocket socket = connectedSocket();
    server.connection(0).drop();
    server.advance(1000);
    FakeConnection second = server.connection(1);
    second.accept();
    assertThat(second.lastRecovery()).isNotNull();

    // socket.io replays the missed events before its CONNECT reply.
    second.events("/", 0, RealSocket.MAX_BACKLOG_EVENTS + 5, 10);
    second.joined("/", "pid-1");

    assertThat(second.closeRequested).as("dropped right after the reply").isTrue();
    assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING);
    eventually().untilAsserted(() -> assertThat(timeline).hasSize(RealSocket.MAX_BACKLOG_EVENTS + 2));
    List<Object> expected = new ArrayList<>();
    expected.add(DisconnectReason.TRANSPORT_CLOSE);
    expected.addAll(counted(0, RealSocket.MAX_BACKLOG_EVENTS));
    expected.add(DisconnectReason.TRANSPORT_ERROR);
    assertThat(timeline).isEqualTo(expected);

    // The next connection resumes after the last event delivered: the rest is replayed then.
    server.advance(2000); // the second connection was not useful: the delay grew
    FakeConnection third = server.connection(2);
    third.accept();
    assertThat(third.lastRecovery().offset).isEqualTo("offset-9999");
    third.events("/", RealSocket.MAX_BACKLOG_EVENTS, 5, 10);
    third.joined("/", "pid-1");
    assertThat(third.closeRequested).isFalse();
    eventually().untilAsserted(() -> assertThat(timeline).hasSize(RealSocket.MAX_BACKLOG_EVENTS + 7));
    assertThat(timeline.subList(RealSocket.MAX_BACKLOG_EVENTS + 2, timeline.size()))
        .isEqualTo(counted(RealSocket.MAX_BACKLOG_EVENTS, 5));
    assertThat(socket.isConnected()).isTrue();
  }
}
