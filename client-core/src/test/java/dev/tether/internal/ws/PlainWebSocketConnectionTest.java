package dev.tether.internal.ws;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonPrimitive;
import dev.tether.Envelope;
import dev.tether.Frame;
import dev.tether.PlainWebSocket;
import dev.tether.Socket;
import dev.tether.TransportException;
import dev.tether.internal.loop.FakeTaskScheduler;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.wire.Payload;
import java.net.SocketTimeoutException;
import java.util.Collections;
import java.util.List;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okio.ByteString;
import org.junit.jupiter.api.Test;

/**
 * {@link PlainWebSocketConnection} on virtual time over a {@link FakeWebSocket}: the test plays
 * OkHttp's threads, so lifecycle, the write window, liveness and close codes are checked step by
 * step, without a network.
 */
class PlainWebSocketConnectionTest {
  static final HttpUrl URL = HttpUrl.get("http://example.com/feed?token=secret");
  static final long MAX_MESSAGE = 1024;

  final FakeTaskScheduler clock = new FakeTaskScheduler();
  final SerialExecutor loop = new SerialExecutor(Runnable::run, clock, "test");
  final FakeWebSocket ws = new FakeWebSocket();
  final RecordingListener listener = new RecordingListener();
  PlainWebSocketConnection connection;

  PlainWebSocketConnection connection(PlainWebSocket settings) {
    PlainWebSocketServer.Endpoint endpoint = new PlainWebSocketServer.Endpoint(URL,
        Headers.of("Authorization", "Bearer t"), 20_000, MAX_MESSAGE, settings);
    connection = new PlainWebSocketConnection(endpoint, ws, loop, listener);
    return connection;
  }

  /** Opened and joined, with the calls so far forgotten. */
  PlainWebSocketConnection open(Envelope envelope) {
    connection(PlainWebSocket.builder(envelope).pingInterval(1, SECONDS).build());
    loop.execute(connection::open);
    ws.listener().onOpen(ws, upgraded());
    loop.execute(() -> joinRoot());
    assertThat(listener.take()).containsExactly("open", "joined /");
    return connection;
  }

  private void joinRoot() {
    try {
      connection.join("/", null, null);
    } catch (TransportException e) {
      throw new AssertionError(e);
    }
  }

  static Response upgraded() {
    return new Response.Builder().request(new Request.Builder().url(URL).build()).protocol(Protocol.HTTP_1_1)
        .code(101).message("Switching Protocols").build();
  }

  long emit(String name, Object tag, Object... args) {
    JsonArray json = new JsonArray();
    json.add(name);
    for (Object arg : args) json.add(new JsonPrimitive(String.valueOf(arg)));
    long[] queued = new long[1];
    loop.execute(() -> {
      try {
        queued[0] = connection.emit("/", new Payload(json, Collections.emptyList()), null, tag);
      } catch (TransportException e) {
        throw new AssertionError(e);
      }
    });
    return queued[0];
  }

  @Test void opensWithTheUpgradeAndAnswersTheJoinOnTheNextTurn() {
    connection(PlainWebSocket.of(Envelope.raw()));
    loop.execute(connection::open);
    assertThat(ws.request.url()).isEqualTo(URL);
    assertThat(ws.request.header("Authorization")).isEqualTo("Bearer t");
    assertThat(connection.isOpen()).isFalse();
    assertThat(listener.calls).isEmpty();

    ws.listener().onOpen(ws, upgraded());
    assertThat(listener.take()).containsExactly("open");
    assertThat(connection.isOpen()).isTrue();
    loop.execute(this::joinRoot);
    assertThat(listener.take()).containsExactly("joined /");
  }

  @Test void noUpgradeWithinTheTimeoutFailsTheOpen() {
    connection(PlainWebSocket.of(Envelope.raw()));
    loop.execute(connection::open);
    clock.advanceBy(20_000, MILLISECONDS);
    assertThat(listener.take()).containsExactly("openFailed TIMEOUT");
    assertThat(listener.error.getMessage()).contains("example.com").doesNotContain("secret");
    assertThat(ws.cancelled).isTrue();
  }

  @Test void anEmitIsWrittenOnceOkHttpTookItAndUnsentIfItRefused() {
    open(Envelope.raw());
    assertThat(emit("message", "a", "héllo")).isEqualTo(5);
    assertThat(ws.sent).containsExactly("héllo");
    assertThat(listener.take()).containsExactly("written [a]");

    ws.accept = false; // OkHttp is closing
    emit("message", "b", "lost?");
    assertThat(connection.isOpen()).as("down at once").isFalse();
    assertThat(listener.take()).as("told on the next turn: unsent first, then the close")
        .containsExactly("unsent [b]", "closed transport error CONNECTION_LOST");
    assertThat(ws.cancelled).isTrue();
  }

  @Test void aFullBacklogHasNoRoomUntilItDrainsToHalf() {
    open(Envelope.raw());
    ws.queueSize = Outbox.WINDOW_BYTES;
    assertThat(connection.hasRoom()).isFalse(); // and starts watching for room
    assertThat(connection.isWritableNow()).isFalse();
    clock.advanceBy(50, MILLISECONDS);
    assertThat(listener.take()).as("still above half the window").isEmpty();

    ws.queueSize = Outbox.WINDOW_BYTES / 2 - 1;
    clock.advanceBy(5, MILLISECONDS);
    assertThat(listener.take()).containsExactly("writable");
    assertThat(connection.hasRoom()).isTrue();
    assertThat(connection.isWritableNow()).as("volatile emits want an idle backlog").isFalse();
    ws.queueSize = Outbox.IDLE_BYTES - 1;
    assertThat(connection.isWritableNow()).isTrue();
  }

  @Test void aBacklogThatStopsDrainingEndsTheConnection() {
    open(Envelope.raw());
    ws.queueSize = 10; // OkHttp counts what we sent, less what it has written
    emit("message", "a", "0123456789");
    listener.take();
    long budget = 2 * PlainWebSocket.DEFAULT_PING_INTERVAL_MILLIS + 1_000;
    clock.advanceBy(budget - 1, MILLISECONDS);
    ws.queueSize = 5; // progress: half of it written
    clock.advanceBy(1, MILLISECONDS);
    assertThat(listener.take()).isEmpty();
    clock.advanceBy(budget, MILLISECONDS);
    assertThat(listener.take()).containsExactly("closed transport error TIMEOUT");
    assertThat(listener.error.getMessage()).contains("not taking data");
  }

  @Test void aFrameTooLargeToQueueIsRefusedBeforeSending() {
    open(Envelope.raw());
    byte[] huge = new byte[(int) Outbox.MAX_FRAME_BYTES + 1];
    JsonArray json = new JsonArray();
    json.add("message");
    json.add(Payload.placeholder(0));
    TransportException[] thrown = new TransportException[1];
    loop.execute(() -> {
      try {
        connection.emit("/", new Payload(json, Collections.singletonList(okio.ByteString.of(huge))), null, "big");
      } catch (TransportException e) {
        thrown[0] = e;
      }
    });
    assertThat(thrown[0].kind()).isEqualTo(TransportException.Kind.PAYLOAD_TOO_LARGE);
    assertThat(ws.sent).isEmpty();
    assertThat(connection.isOpen()).isTrue();
  }

  @Test void framesAreDecodedByTheEnvelopeAndWhatItCannotReadIsUnparsed() {
    open(Envelope.json("name", "data", "id"));
    ws.listener().onMessage(ws, "{\"name\":\"hello\",\"data\":{\"a\":\"1\"}}");
    ws.listener().onMessage(ws, "{\"id\":4,\"data\":true}");
    ws.listener().onMessage(ws, "{\"name\":\"q\",\"id\":9}");
    ws.listener().onMessage(ws, "not json");
    ws.listener().onMessage(ws, ByteString.of((byte) 1, (byte) 2));
    assertThat(listener.take()).containsExactly("event hello", "ack #4", "event q #9", "event " + Socket.UNPARSED,
        "event " + Socket.UNPARSED);
    assertThat(listener.events.get(0).args.toString()).isEqualTo("[{\"a\":\"1\"}]");
    assertThat(listener.acks.get(0).json.toString()).isEqualTo("[true]");
    assertThat(listener.events.get(2).args.toString()).isEqualTo("[\"not json\"]");
    assertThat(listener.events.get(3).attachments).singleElement().isEqualTo(okio.ByteString.of(new byte[] {1, 2}));
    assertThat(connection.isOpen()).isTrue();
  }

  @Test void anApplicationCloseCodeIsReportedAndEndsWithoutReconnection() {
    open(Envelope.raw());
    ws.listener().onClosing(ws, 4001, "unauthorized");
    assertThat(ws.closeCode).as("answered").isEqualTo(1000);
    assertThat(listener.take()).as("a clean close: the code and reason are the server close's")
        .containsExactly("serverClose 4001 unauthorized", "closed io server disconnect");
  }

  @Test void otherCloseCodesAreATransportClose() {
    open(Envelope.raw());
    ws.listener().onClosing(ws, 1001, "");
    assertThat(listener.take()).containsExactly("serverClose 1001 ", "closed transport close");
  }

  @Test void aMessageOverTheLimitIsRefusedWith1009() {
    open(Envelope.raw());
    ws.listener().onMessage(ws, "x".repeat((int) MAX_MESSAGE));
    assertThat(listener.take()).containsExactly("event message");
    ws.listener().onMessage(ws, "é".repeat((int) MAX_MESSAGE / 2 + 1)); // 1,026 UTF-8 bytes
    assertThat(ws.closeCode).isEqualTo(1009);
    assertThat(listener.take()).containsExactly("closed transport error INCOMING_TOO_LARGE");
  }

  @Test void whateverACallbackThrowsEndsTheConnection() {
    open(Envelope.raw());
    ws.listener().onMessage(ws, (String) null); // Frame.text refuses null: an unexpected failure
    assertThat(listener.take()).containsExactly("closed transport error CONNECTION_LOST");
  }

  @Test void aMissedPongIsAPingTimeout() {
    open(Envelope.raw());
    ws.listener().onFailure(ws, new SocketTimeoutException(
        "sent ping but didn't receive pong within 1000ms (after 3 successful ping/pongs)"), null);
    assertThat(listener.take()).as("a reason, not an error").containsExactly("closed ping timeout");
  }

  @Test void anyOtherFailureIsATransportError() {
    open(Envelope.raw());
    ws.listener().onFailure(ws, new java.io.EOFException(), null);
    assertThat(listener.take()).containsExactly("closed transport error CONNECTION_LOST");
  }

  @Test void ourCloseIsNormalAndFinishesWithTheServersAnswerOrTheTimeout() {
    open(Envelope.raw());
    boolean[] done = new boolean[1];
    loop.execute(() -> connection.close(() -> done[0] = true));
    assertThat(ws.closeCode).isEqualTo(1000);
    assertThat(done[0]).isFalse();
    ws.listener().onClosing(ws, 1000, ""); // the server's answer: not a server close
    ws.listener().onClosed(ws, 1000, "");
    assertThat(done[0]).isTrue();
    assertThat(listener.take()).isEmpty();

    FakeWebSocket silent = new FakeWebSocket();
    PlainWebSocketConnection other = new PlainWebSocketConnection(new PlainWebSocketServer.Endpoint(URL, Headers.of(),
        1_000, MAX_MESSAGE, PlainWebSocket.of(Envelope.raw())), silent, loop, listener);
    loop.execute(other::open);
    silent.listener().onOpen(silent, upgraded());
    listener.take();
    boolean[] gaveUp = new boolean[1];
    loop.execute(() -> other.close(() -> gaveUp[0] = true));
    clock.advanceBy(PlainWebSocketConnection.CLOSE_TIMEOUT_MILLIS, MILLISECONDS);
    assertThat(gaveUp[0]).isTrue();
    assertThat(silent.cancelled).isTrue();
  }

  @Test void anEnvelopeMaySendFramesOnOpenAndAHeartbeat() {
    Envelope phoenixLike = new Envelope() {
      @Override public List<Frame> opening() {
        return Collections.singletonList(Frame.text("[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]"));
      }

      @Override public List<Frame> encode(Message message) {
        return Collections.singletonList(Frame.text(message.name()));
      }

      @Override public List<Message> decode(Frame frame) {
        return Collections.emptyList(); // e.g. heartbeat replies: nothing for the application
      }

      @Override public long heartbeatIntervalMillis() {
        return 30_000;
      }

      @Override public List<Frame> heartbeat() {
        return Collections.singletonList(Frame.text("[null,\"hb\",\"phoenix\",\"heartbeat\",{}]"));
      }
    };
    open(phoenixLike);
    assertThat(ws.sent).containsExactly("[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]");
    clock.advanceBy(60_000, MILLISECONDS);
    assertThat(ws.sent).hasSize(3).last().isEqualTo("[null,\"hb\",\"phoenix\",\"heartbeat\",{}]");
    ws.listener().onMessage(ws, "[null,\"hb\",\"phoenix\",\"phx_reply\",{}]");
    assertThat(listener.take()).isEmpty();
  }

  @Test void aClosedConnectionTakesNoEmits() {
    open(Envelope.raw());
    ws.listener().onClosing(ws, 1000, "");
    listener.take();
    JsonArray json = new JsonArray();
    json.add("message");
    json.add("x");
    TransportException[] thrown = new TransportException[1];
    loop.execute(() -> {
      try {
        connection.emit("/", new Payload(json, Collections.emptyList()), null, "t");
      } catch (TransportException e) {
        thrown[0] = e;
      }
    });
    assertThat(thrown[0]).hasMessageContaining("not connected");
  }
}
