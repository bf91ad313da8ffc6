package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.counted;
import static dev.tether.fault.FaultSupport.eventually;
import static dev.tether.fault.FaultSupport.millisBetween;
import static dev.tether.fault.FaultSupport.report;
import static dev.tether.fault.FaultSupport.serverCount;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.AckCall;
import dev.tether.ConnectionState;
import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.TransportMode;
import dev.tether.fault.FaultSupport.Outcome;
import dev.tether.fault.FaultSupport.Recorder;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The connection breaks in the middle of a 200 KB binary event: the server sent the event's header
 * packet and part of its attachment (a WebSocket binary frame, or the base64 text of a polling
 * response), then the connection is cut. No listener may ever see a partial or corrupt event: either
 * the whole event (here: asked for again after the reconnect) or nothing. Emits buffered during the
 * outage are delivered exactly once.
 */
@RealServer
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BinaryCutTest {
  private static final int SIZE = 200_000;

  private final SocketIoServer server;
  private final Tether tether = Tether.create();
  private FaultProxy proxy;

  BinaryCutTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void tearDown() {
    tether.close();
    if (proxy != null) proxy.close();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(value = TransportMode.class, names = {"WEBSOCKET", "POLLING"})
  void aBinaryEventCutInTheMiddleIsNeverDeliveredPartiallyAndTheSocketRecovers(TransportMode mode) throws Exception {
    proxy = new FaultProxy(server.port());
    Socket socket = tether.socket(proxy.url(), mode.builder()
        .reconnectionDelay(100, 500, TimeUnit.MILLISECONDS)
        .build());
    Recorder recorder = new Recorder(socket);
    List<byte[]> received = new CopyOnWriteArrayList<>();
    List<String> corrupt = new CopyOnWriteArrayList<>();
    socket.on("binary", event -> {
      Object value = event.arg(0);
      if (!(value instanceof byte[])) {
        corrupt.add("not binary: " + value);
        return;
      }
      byte[] bytes = (byte[]) value;
      received.add(bytes);
      if (bytes.length != SIZE) corrupt.add("length " + bytes.length);
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] != (byte) (i % 256)) {
          corrupt.add("byte " + i + " is " + bytes[i]);
          break;
        }
      }
    });
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    // The connection carries whole binary events without the fault. How many bytes is one on the
    // wire? (Polling responses are gzipped: this repetitive attachment shrinks to a few KB.)
    long before = proxy.serverBytes();
    socket.emit("emit-binary", SIZE);
    eventually().untilAsserted(() -> assertThat(received).hasSize(1));
    long onTheWire = proxy.serverBytes() - before;
    received.clear();

    // Cut past the header packet, in the middle of the attachment.
    long cutAfter = onTheWire / 2;
    proxy.cutOnceAfterServerBytes(cutAfter);
    long askedAt = System.nanoTime();
    socket.emit("emit-binary", SIZE);

    eventually().untilAsserted(() -> assertThat(proxy.cuts()).isEqualTo(1));
    long detectedAt = recorder.awaitState(ConnectionState.RECONNECTING, askedAt, Duration.ofSeconds(TIMEOUT_SECONDS));
    long detect = millisBetween(askedAt, detectedAt);
    // The RECONNECTING state listener may run before the disconnect listener: wait for the latter.
    eventually().untilAsserted(() -> assertThat(recorder.disconnects).isNotEmpty());
    assertThat(recorder.disconnects).hasSize(1).allSatisfy(reason -> assertThat(reason.isRecoverable()).isTrue());

    String run = UUID.randomUUID().toString();
    List<AckCall> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) calls.add(counted(socket, run + "-" + i));
    List<Outcome> outcomes = Outcome.all(calls);

    long reconnectedAt = recorder.awaitConnectAfter(detectedAt, Duration.ofSeconds(TIMEOUT_SECONDS));
    long recover = millisBetween(detectedAt, reconnectedAt);
    eventually().untilAsserted(() -> assertThat(outcomes).allSatisfy(o -> assertThat(o.successes).hasSize(1)));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failures).isEmpty());
    for (int i = 0; i < 5; i++) assertThat(serverCount(socket, run + "-" + i)).as("server saw emit %d", i).isEqualTo(1);
    assertThat(received).as("nothing of the cut event was delivered").isEmpty();

    // Asked again on the new connection: the whole event, once.
    socket.emit("emit-binary", SIZE);
    eventually().untilAsserted(() -> assertThat(received).hasSize(1));
    assertThat(socket.emitWithAck("ack", "barrier").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("barrier");
    assertThat(received).hasSize(1);
    assertThat(corrupt).isEmpty();
    assertThat(recorder.disconnects).hasSize(1);
    assertThat(proxy.cuts()).isEqualTo(1);

    report("binary-cut", mode, detect, recover, "(cut after " + cutAfter + " of the " + onTheWire + " bytes on the"
        + " wire of a " + SIZE + "-byte binary event) reason=" + recorder.disconnects.get(0).wireName() + " partial events delivered=0"
        + " reconnectErrors=" + recorder.reconnectErrors.size());
  }
}
