package dev.tether.rx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.AckCall;
import dev.tether.AckCancelledException;
import dev.tether.AckTimeoutException;
import dev.tether.Args;
import dev.tether.AuthProvider;
import dev.tether.ConnectErrorException;
import dev.tether.ConnectionState;
import dev.tether.ListenerErrorHandler;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.Transport;
import dev.tether.TransportException;
import dev.tether.TransportMode;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import io.reactivex.rxjava3.core.BackpressureStrategy;
import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link RxSocket} against the real socket.io server: connect, events, acks, refusal, reconnection. */
@RealServer
class RxSocketIntegrationTest {
  private static final long TIMEOUT_SECONDS = 10;

  private final SocketIoServer server;
  private final List<Throwable> listenerErrors = new CopyOnWriteArrayList<>();
  private final Tether tether = Tether.builder()
      .listenerErrorHandler((ListenerErrorHandler) (manager, socket, event, error) -> listenerErrors.add(error))
      .build();
  private final List<Throwable> undeliverable = new CopyOnWriteArrayList<>();

  RxSocketIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @BeforeEach void captureUndeliverableErrors() {
    RxJavaPlugins.setErrorHandler(undeliverable::add);
  }

  @AfterEach void closeAndReset() {
    tether.close();
    RxJavaPlugins.reset();
    assertThat(undeliverable).as("errors sent to RxJavaPlugins.onError").isEmpty();
    assertThat(listenerErrors).as("errors thrown by listeners").isEmpty();
  }

  private static void awaitTerminal(TestObserver<?> observer) throws InterruptedException {
    assertThat(observer.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("terminated in time").isTrue();
  }

  /** Wraps a socket to keep every AckCall its emitWithAck returns. */
  private static Socket recordingAcks(Socket socket, List<AckCall> calls) {
    return (Socket) Proxy.newProxyInstance(Socket.class.getClassLoader(), new Class<?>[] {Socket.class},
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(socket, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (result instanceof AckCall) calls.add((AckCall) result);
          return result;
        });
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void connectThenTypedEvents(TransportMode mode) throws InterruptedException {
    RxSocket rx = RxSocket.from(tether.socket(server.url(), mode.builder().build()));
    TestObserver<String> echoes = rx.on("echo", String.class).test();

    TestObserver<Void> connected = rx.connect().test();
    awaitTerminal(connected);
    connected.assertComplete();
    assertThat(rx.socket().isConnected()).isTrue();

    rx.emit("echo", "hello").test().assertComplete();
    rx.emit("echo", "world").test().assertComplete();
    echoes.awaitCount(2).assertValuesOnly("hello", "world");

    echoes.dispose();
    // Nothing after dispose: an echo followed by an ack round trip, which is delivered after the echo.
    rx.emit("echo", "unseen").test().assertComplete();
    TestObserver<Args> barrier = rx.emitWithAck("ack").test();
    awaitTerminal(barrier);
    barrier.assertComplete();
    echoes.assertValuesOnly("hello", "world");
  }

  @Test void connectCompletesAtOnceWhenAlreadyConnected() throws InterruptedException {
    RxSocket rx = RxSocket.from(tether.socket(server.url()));
    TestObserver<Void> first = rx.connect().test();
    awaitTerminal(first);
    first.assertComplete();
    rx.connect().test().assertComplete(); // synchronously, on this thread
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void ackRoundTripAsASingle(TransportMode mode) throws InterruptedException {
    RxSocket rx = RxSocket.from(tether.socket(server.url(), mode.builder().build()));
    TestObserver<String> reply = rx.connect().andThen(rx.emitWithAck("ack", String.class, "x")).test();
    awaitTerminal(reply);
    reply.assertResult("x");

    TestObserver<Args> raw = rx.emitWithAck("ack", 1, "two", true).test();
    awaitTerminal(raw);
    raw.assertComplete();
    assertThat(raw.values().get(0).toList()).containsExactly(1L, "two", true);
  }

  @Test void disposeCancelsThePendingAck() throws InterruptedException {
    List<AckCall> calls = new CopyOnWriteArrayList<>();
    Socket socket = tether.socket(server.url());
    RxSocket rx = RxSocket.from(recordingAcks(socket, calls));
    TestObserver<Void> connected = rx.connect().test();
    awaitTerminal(connected);
    connected.assertComplete();

    TestObserver<String> late = rx.emitWithAck("ack-after", String.class, 500, "late").test();
    assertThat(late.await(50, TimeUnit.MILLISECONDS)).as("no ack within 50 ms").isFalse();
    late.dispose();

    assertThat(calls).hasSize(1);
    AckCall call = calls.get(0);
    assertThat(call.isDone()).as("disposing cancelled the ack").isTrue();
    assertThatThrownBy(() -> call.await(1, TimeUnit.SECONDS)).isInstanceOf(AckCancelledException.class);

    // The server acks "late" at 500 ms and "barrier" at 700 ms: acks are delivered in arrival order,
    // so once "barrier" arrived the late ack has come and gone.
    TestObserver<String> barrier = rx.emitWithAck("ack-after", String.class, 700, "barrier").test();
    awaitTerminal(barrier);
    barrier.assertResult("barrier");
    late.assertEmpty();
    // @AfterEach: nothing reached RxJavaPlugins (the cancellation is not undeliverable) or the
    // listener error handler.
  }

  @Test void disposeBeforeSubscribeDoesNotEmit() throws InterruptedException {
    List<AckCall> calls = new CopyOnWriteArrayList<>();
    RxSocket rx = RxSocket.from(recordingAcks(tether.socket(server.url()), calls));
    TestObserver<Void> connected = rx.connect().test();
    awaitTerminal(connected);

    rx.emitWithAck("ack", "x").test(true).assertEmpty();
    assertThat(calls).isEmpty();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void connectFailsWithConnectErrorExceptionWhenTheServerRefuses(TransportMode mode) throws InterruptedException {
    RxSocket rx = RxSocket.from(tether.socket(server.url() + "/secure",
        mode.builder().auth(Map.of("token", "bad")).build()));
    TestObserver<Void> connect = rx.connect().test();
    awaitTerminal(connect);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    connect.assertError(e -> {
      failure.set(e);
      return e instanceof ConnectErrorException;
    });
    ConnectErrorException error = (ConnectErrorException) failure.get();
    assertThat(error.connectError().message()).isEqualTo("not authorized");
    assertThat(error.connectError().isServerRefusal()).isTrue();
    @SuppressWarnings("unchecked")
    Map<String, Object> data = error.connectError().data(Map.class);
    assertThat(data).containsEntry("reason", "bad token");
    assertThat(rx.socket().isActive()).isFalse();
  }

  /** The ConnectErrorException {@code connect} failed with (it must have failed with one). */
  private static ConnectErrorException connectErrorOf(TestObserver<Void> connect) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    connect.assertError(e -> {
      failure.set(e);
      return true;
    });
    assertThat(failure.get()).isInstanceOf(ConnectErrorException.class);
    return (ConnectErrorException) failure.get();
  }

  @Test void anAuthProviderThatThrowsFailsTheConnectWithThatExceptionAsTheCause() throws InterruptedException {
    IllegalStateException noToken = new IllegalStateException("no token");
    RxSocket rx = RxSocket.from(tether.socket(server.url(),
        SocketOptions.builder().auth((AuthProvider) () -> {
          throw noToken;
        }).build()));

    TestObserver<Void> connect = rx.connect().test();
    awaitTerminal(connect);

    ConnectErrorException error = connectErrorOf(connect);
    assertThat(error.connectError().cause()).isSameAs(noToken);
    assertThat(error.getCause()).isSameAs(noToken);
    assertThat(error.connectError().isServerRefusal()).isFalse();
    assertThat(rx.socket().state()).isEqualTo(ConnectionState.DISCONNECTED);
  }

  @Test void aConnectTimeoutFailsTheConnectWithConnectErrorException() throws InterruptedException {
    // "/silent" never answers the namespace CONNECT.
    RxSocket rx = RxSocket.from(tether.socket(server.url() + "/silent",
        SocketOptions.builder().connectTimeout(300, TimeUnit.MILLISECONDS).build()));

    TestObserver<Void> connect = rx.connect().test();
    awaitTerminal(connect);

    ConnectErrorException error = connectErrorOf(connect);
    assertThat(error.connectError().cause()).isInstanceOf(AckTimeoutException.class);
    assertThat(error.connectError().isServerRefusal()).isFalse();
    assertThat(rx.socket().state()).isEqualTo(ConnectionState.DISCONNECTED);
  }

  @Test void connectFailsWhenReconnectionGivesUp() throws Exception {
    int deadPort;
    try (ServerSocket free = new ServerSocket(0)) {
      deadPort = free.getLocalPort(); // nothing listens there once closed
    }
    RxSocket rx = RxSocket.from(tether.socket("http://127.0.0.1:" + deadPort, SocketOptions.builder()
        .reconnectionAttempts(1).reconnectionDelay(10, 10, TimeUnit.MILLISECONDS).build()));
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    rx.socket().onStateChange(states::add);

    TestObserver<Void> connect = rx.connect().test();
    awaitTerminal(connect);

    // The transport errors while it retried did not end the wait; giving up did, with the last of them.
    assertThat(states).containsExactly(ConnectionState.CONNECTING, ConnectionState.RECONNECTING,
        ConnectionState.DISCONNECTED);
    ConnectErrorException error = connectErrorOf(connect);
    assertThat(error.connectError().cause()).isInstanceOf(TransportException.class);
    assertThat(rx.socket().isActive()).isFalse();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void retryingARefusedConnectFailsEachTimeWithTheRefusal(TransportMode mode) throws InterruptedException {
    // retry() subscribes again from inside the failure, on the callback executor: the new attempt
    // must not be ended by what the socket still delivers about the previous one.
    AtomicInteger attempts = new AtomicInteger();
    RxSocket rx = RxSocket.from(tether.socket(server.url() + "/secure",
        mode.builder().auth((AuthProvider) () -> {
          attempts.incrementAndGet();
          return Map.of("token", "bad");
        }).build()));

    TestObserver<Void> connect = rx.connect().retry(3).test();
    awaitTerminal(connect);

    ConnectErrorException error = connectErrorOf(connect);
    assertThat(error.connectError().isServerRefusal()).isTrue();
    assertThat(error.connectError().message()).isEqualTo("not authorized");
    assertThat(attempts.get()).as("one CONNECT per subscription").isEqualTo(4);
  }

  @Test void connectSucceedsWithTheGoodToken() throws InterruptedException {
    RxSocket rx = RxSocket.from(tether.socket(server.url() + "/secure",
        SocketOptions.builder().auth(Map.of("token", "good")).build()));
    TestObserver<String> reply = rx.connect().andThen(rx.emitWithAck("ack", String.class, "in")).test();
    awaitTerminal(reply);
    reply.assertResult("in");
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void theStateStreamFollowsADropAndTheReconnect(TransportMode mode) throws InterruptedException {
    RxSocket rx = RxSocket.from(tether.socket(server.url(),
        mode.builder().reconnectionDelay(50, 200, TimeUnit.MILLISECONDS).build()));
    TestObserver<ConnectionState> states = rx.state().test();
    states.assertValuesOnly(ConnectionState.DISCONNECTED);

    TestObserver<Void> connected = rx.connect().test();
    awaitTerminal(connected);
    connected.assertComplete();

    rx.emit("engine-close").test().assertComplete();
    states.awaitCount(5);
    states.assertValuesOnly(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING, ConnectionState.CONNECTED,
        ConnectionState.RECONNECTING, ConnectionState.CONNECTED);

    // And the socket works again.
    TestObserver<String> reply = rx.emitWithAck("ack", String.class, "after").test();
    awaitTerminal(reply);
    reply.assertResult("after");

    states.dispose();
    rx.socket().disconnect();
    TestObserver<ConnectionState> after = rx.state().filter(s -> s == ConnectionState.DISCONNECTED).take(1).test();
    awaitTerminal(after);
    states.assertValueCount(5);
  }

  @Test void aFlowableWithBufferDeliversEverythingOnDemand() throws InterruptedException {
    RxSocket rx = RxSocket.from(tether.socket(server.url()));
    TestSubscriber<Long> counted = rx.flowable("counted", Long.class, BackpressureStrategy.BUFFER).test(10);
    TestObserver<Void> connected = rx.connect().test();
    awaitTerminal(connected);

    rx.emit("emit-count", 100, "payload").test().assertComplete();
    counted.awaitCount(10);
    TestObserver<Args> barrier = rx.emitWithAck("ack").test(); // every "counted" is delivered before it
    awaitTerminal(barrier);
    counted.assertValueCount(10);

    counted.request(Long.MAX_VALUE);
    counted.awaitCount(100);
    assertThat(counted.values()).containsExactlyElementsOf(
        LongStream.range(0, 100).boxed().collect(Collectors.toList()));
    counted.assertNoErrors().assertNotComplete();
    counted.cancel();
  }
}
