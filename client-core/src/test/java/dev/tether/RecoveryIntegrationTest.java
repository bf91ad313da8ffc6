package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.barrier;
import static dev.tether.IntegrationSupport.connected;
import static dev.tether.IntegrationSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ReconnectionVirtualTimeTest.Recorder;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Connection state recovery (docs/protocol.md §16) against a real server that keeps sessions for 2 s: a
 * socket whose transport dropped comes back with the same id and rooms, and the room events it missed
 * are replayed in order, exactly once. With recovery on, the server appends each event's offset as a
 * last string argument, which listeners see (as in the reference client).
 *
 * <p>A room is a per-test name; {@code broadcast-room} from a second connection sends to it.
 */
@RealServer("{\"connectionStateRecovery\":{\"maxDisconnectionDuration\":2000,\"skipMiddlewares\":true}}")
class RecoveryIntegrationTest {
  private static final String SHORT_WINDOW =
      "{\"connectionStateRecovery\":{\"maxDisconnectionDuration\":300,\"skipMiddlewares\":true}}";

  private final SocketIoServer server;
  private final Tether tether = Tether.create();
  private final String room = "r-" + UUID.randomUUID();

  RecoveryIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeTether() {
    tether.close();
  }

  /** The {@code room-news} a socket receives. */
  private static List<Event> recordNews(Socket socket) {
    List<Event> news = new CopyOnWriteArrayList<>();
    socket.on("room-news", news::add);
    return news;
  }

  private static List<Object> payloads(List<Event> news) {
    return news.stream().map(event -> event.arg(0)).collect(Collectors.toList());
  }

  private void join(Socket socket) throws InterruptedException {
    List<Object> rooms = socket.emitWithAck("join", room).await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0, List.class);
    assertThat(rooms).contains(room);
  }

  private void broadcast(Socket sender, String payload) throws InterruptedException {
    sender.emitWithAck("broadcast-room", room, payload).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** The server's view: {@code [socket.recovered, socket.id]}. */
  private static List<Object> serverSideRecovered(Socket socket) throws InterruptedException {
    return socket.emitWithAck("recovered").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).toList();
  }

  private static void assertOffsetsAppended(List<Event> news) {
    assertThat(news).allSatisfy(event -> {
      assertThat(event.size()).as("payload and offset of %s", event.toList()).isEqualTo(2);
      assertThat(event.arg(event.size() - 1)).as("the offset").isInstanceOf(String.class);
    });
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aSocketBackWithinTheWindowKeepsItsIdAndRoomsAndGetsTheMissedEventsInOrderExactlyOnce(TransportMode mode)
      throws Exception {
    Socket socket = tether.socket(server.url(), mode.builder()
        .reconnectionDelay(50, 200, TimeUnit.MILLISECONDS).forceNew(true).build());
    Socket sender = tether.socket(server.url(), SocketOptions.builder().forceNew(true).build());
    Recorder recorder = new Recorder(socket);
    List<Event> news = recordNews(socket);
    List<Object> timeline = new CopyOnWriteArrayList<>();
    socket.onConnect(() -> timeline.add("connect"));
    socket.on("room-news", event -> timeline.add(event.arg(0)));
    connected(socket);
    connected(sender);
    join(socket);
    broadcast(sender, "before"); // an event with an offset: without one the server cannot recover
    eventually().untilAsserted(() -> assertThat(payloads(news)).containsExactly("before"));
    String id = socket.id();
    assertThat(socket.recovered()).isFalse();
    assertThat(serverSideRecovered(socket)).containsExactly(false, id);

    for (int round = 1; round <= 2; round++) {
      // Hold the reconnection until the sender has broadcast, so the socket surely misses them.
      socket.manager().suspendReconnection();
      socket.emit("engine-close");
      eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING));
      for (int i = 1; i <= 3; i++) broadcast(sender, "missed-" + round + "-" + i);
      int before = news.size();
      socket.manager().resumeReconnection();

      socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(socket.recovered()).as("round %d", round).isTrue();
      assertThat(socket.id()).isEqualTo(id);
      barrier(socket);
      assertThat(payloads(news.subList(before, news.size())))
          .containsExactly("missed-" + round + "-1", "missed-" + round + "-2", "missed-" + round + "-3");
      assertThat(serverSideRecovered(socket)).containsExactly(true, id);
      // The replayed events arrive before the CONNECT reply; they are delivered after the connect
      // listeners, so a listener registered in onConnect sees them too (Socket's contract).
      assertThat(timeline.subList(timeline.size() - 4, timeline.size()))
          .containsExactly("connect", "missed-" + round + "-1", "missed-" + round + "-2", "missed-" + round + "-3");
    }

    // The rooms were kept: a new broadcast arrives without joining again.
    broadcast(sender, "after");
    barrier(socket);
    assertThat(payloads(news)).containsExactly("before", "missed-1-1", "missed-1-2", "missed-1-3",
        "missed-2-1", "missed-2-2", "missed-2-3", "after");
    assertOffsetsAppended(news);
    assertThat(news.stream().map(event -> event.arg(1)).distinct().count()).as("distinct offsets").isEqualTo(8);
    assertThat(recorder.disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE, DisconnectReason.TRANSPORT_CLOSE);
    assertThat(recorder.connects).hasValue(3);
    assertThat(recorder.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
        ConnectionState.RECONNECTING, ConnectionState.CONNECTED, ConnectionState.RECONNECTING,
        ConnectionState.CONNECTED);
  }

  @Test void restartConnectionRecoversTheSession() throws Exception {
    Socket socket = tether.socket(server.url(), SocketOptions.builder().forceNew(true).build());
    List<Event> news = recordNews(socket);
    connected(socket);
    join(socket);
    broadcast(socket, "before");
    eventually().untilAsserted(() -> assertThat(payloads(news)).containsExactly("before"));
    String id = socket.id();
    List<DisconnectReason> disconnects = new CopyOnWriteArrayList<>();
    socket.onDisconnect(disconnects::add);

    socket.manager().restartConnection();

    eventually().untilAsserted(() -> assertThat(disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE));
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(socket.recovered()).isTrue();
    assertThat(socket.id()).isEqualTo(id);
    assertThat(serverSideRecovered(socket)).containsExactly(true, id);
  }

  @Test void pauseAndResumeRecoverTheSessionWithTheEventsMissedMeanwhile() throws Exception {
    Socket socket = tether.socket(server.url(), SocketOptions.builder().forceNew(true).build());
    Socket sender = tether.socket(server.url(), SocketOptions.builder().forceNew(true).build());
    List<Event> news = recordNews(socket);
    connected(socket);
    connected(sender);
    join(socket);
    broadcast(sender, "before");
    eventually().untilAsserted(() -> assertThat(payloads(news)).containsExactly("before"));
    String id = socket.id();

    socket.manager().pause(); // e.g. the app went to the background
    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING));
    broadcast(sender, "missed");
    socket.manager().resume();

    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(socket.recovered()).isTrue();
    assertThat(socket.id()).isEqualTo(id);
    barrier(socket);
    assertThat(payloads(news)).containsExactly("before", "missed");
    assertThat(serverSideRecovered(socket)).containsExactly(true, id);
  }

  @Test void noRecoveryOnceTheServersWindowHasPassed() throws Exception {
    try (SocketIoServer shortWindow = SocketIoServer.start(SHORT_WINDOW)) {
      // Back after 1000 ms, well past the server's 300 ms.
      Socket socket = tether.socket(shortWindow.url(), SocketOptions.builder()
          .reconnectionDelay(1000, 1000, TimeUnit.MILLISECONDS).randomizationFactor(0).forceNew(true).build());
      Socket sender = tether.socket(shortWindow.url(), SocketOptions.builder().forceNew(true).build());
      Recorder recorder = new Recorder(socket);
      List<Event> news = recordNews(socket);
      connected(socket);
      connected(sender);
      join(socket);
      broadcast(sender, "before");
      eventually().untilAsserted(() -> assertThat(payloads(news)).containsExactly("before"));
      String id = socket.id();

      socket.emit("engine-close");
      eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING));
      for (int i = 1; i <= 3; i++) broadcast(sender, "missed-" + i);
      assertThat(recorder.attempts).as("the socket was away during the broadcasts").isEmpty();

      eventually().untilAsserted(() -> assertThat(recorder.reconnects).hasSize(1));
      socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(socket.recovered()).isFalse();
      assertThat(socket.id()).isNotNull().isNotEqualTo(id);
      assertThat(serverSideRecovered(socket)).containsExactly(false, socket.id());

      // Nothing replayed, and the room was lost with the session.
      broadcast(sender, "after");
      barrier(socket);
      assertThat(payloads(news)).containsExactly("before");
    }
  }

  @Test void noRecoveryAfterAnExplicitDisconnect() throws Exception {
    Socket socket = tether.socket(server.url(), SocketOptions.builder().forceNew(true).build());
    Socket sender = tether.socket(server.url(), SocketOptions.builder().forceNew(true).build());
    List<Event> news = recordNews(socket);
    connected(socket);
    connected(sender);
    join(socket);
    broadcast(sender, "before");
    eventually().untilAsserted(() -> assertThat(payloads(news)).containsExactly("before"));
    String id = socket.id();

    socket.disconnect();
    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.DISCONNECTED));
    broadcast(sender, "missed");
    connected(socket);

    assertThat(socket.recovered()).isFalse();
    assertThat(socket.id()).isNotNull().isNotEqualTo(id);
    assertThat(serverSideRecovered(socket)).containsExactly(false, socket.id());
    barrier(socket);
    assertThat(payloads(news)).containsExactly("before");
  }
}
