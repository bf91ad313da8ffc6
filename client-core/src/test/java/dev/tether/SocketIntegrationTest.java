package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.barrier;
import static dev.tether.IntegrationSupport.connected;
import static dev.tether.IntegrationSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A socket's life (connect, kick, close, disconnect), its listeners, its blocking helpers, and Tether.close. */
@RealServer
class SocketIntegrationTest {
  private final SocketIoServer server;
  private final IntegrationSupport.RecordingErrorHandler errors = new IntegrationSupport.RecordingErrorHandler();
  private final Tether tether = Tether.builder().listenerErrorHandler(errors).build();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  SocketIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeTether() throws Exception {
    tether.close();
    for (AutoCloseable closeable : toClose) closeable.close();
  }

  private Socket socket(TransportMode mode) {
    return tether.socket(server.url(), mode.options());
  }

  // ---- transports ------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void theConnectionRunsOverTheRequestedTransport(TransportMode mode) throws Exception {
    Socket socket = socket(mode);
    List<Transport> upgrades = new CopyOnWriteArrayList<>();
    socket.manager().onUpgrade(upgrades::add);
    connected(socket);

    Transport expected = mode == TransportMode.POLLING ? Transport.POLLING : Transport.WEBSOCKET;
    eventually().untilAsserted(() -> assertThat(socket.manager().transport()).isEqualTo(expected));
    assertThat(socket.emitWithAck("transport").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0))
        .isEqualTo(expected.name().toLowerCase(java.util.Locale.ROOT));
    assertThat(socket.manager().isOpen()).isTrue();
    if (mode == TransportMode.UPGRADE) {
      eventually().untilAsserted(() -> assertThat(upgrades).containsExactly(Transport.WEBSOCKET));
    } else {
      assertThat(upgrades).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void emitsMadeBeforeConnectAreSentInOrderOnceConnected(TransportMode mode) throws Exception {
    Socket socket = socket(mode);
    List<Object> echoes = new CopyOnWriteArrayList<>();
    socket.on("echo", event -> echoes.add(event.arg(0)));
    socket.emit("echo", "first");
    AckCall ack = socket.emitWithAck("ack", "second");
    socket.emit("echo", "third");
    assertThat(socket.isConnected()).isFalse();

    connected(socket);

    assertThat(ack.await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("second");
    barrier(socket);
    assertThat(echoes).containsExactly("first", "third");
  }

  // ---- disconnects -----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aServerKickEndsTheSocketWithIoServerDisconnectAndDoesNotReconnect(TransportMode mode) throws Exception {
    Socket socket = socket(mode);
    List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
    AtomicInteger connects = new AtomicInteger();
    socket.onDisconnect(reasons::add);
    socket.onConnect(connects::incrementAndGet);
    connected(socket);

    socket.emit("server-disconnect");

    eventually().untilAsserted(() -> assertThat(reasons).containsExactly(DisconnectReason.IO_SERVER_DISCONNECT));
    assertThat(socket.isConnected()).isFalse();
    assertThat(socket.isActive()).isFalse();
    assertThat(socket.id()).isNull();
    eventually().untilAsserted(() -> assertThat(socket.manager().isOpen()).as("last socket gone").isFalse());
    eventually().during(Duration.ofMillis(300)).untilAsserted(() -> {
      assertThat(connects).hasValue(1);
      assertThat(socket.isActive()).isFalse();
    });
    assertThat(DisconnectReason.IO_SERVER_DISCONNECT.isRecoverable()).isFalse();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aServerCloseEndsEveryNamespaceWithIoServerDisconnect(TransportMode mode) throws Exception {
    Socket root = socket(mode);
    Socket admin = tether.socket(server.url() + "/admin", mode.options());
    List<DisconnectReason> rootReasons = new CopyOnWriteArrayList<>();
    List<DisconnectReason> adminReasons = new CopyOnWriteArrayList<>();
    root.onDisconnect(rootReasons::add);
    admin.onDisconnect(adminReasons::add);
    connected(root);
    connected(admin);

    root.emit("server-close");

    eventually().untilAsserted(() -> {
      assertThat(rootReasons).containsExactly(DisconnectReason.IO_SERVER_DISCONNECT);
      assertThat(adminReasons).hasSize(1);
    });
    assertThat(root.isActive()).isFalse();
    assertThat(admin.isConnected()).isFalse();
    eventually().untilAsserted(() -> assertThat(root.manager().isOpen()).isFalse());
    assertThat(adminReasons.get(0)).as("admin: the connection closed under it")
        .isIn(DisconnectReason.IO_SERVER_DISCONNECT, DisconnectReason.TRANSPORT_CLOSE);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void theServerClosingTheEngineConnectionEndsTheSocketWithTransportClose(TransportMode mode) throws Exception {
    Socket socket = socket(mode);
    List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
    socket.onDisconnect(reasons::add);
    connected(socket);

    socket.emit("engine-close");

    eventually().untilAsserted(() -> assertThat(reasons).containsExactly(DisconnectReason.TRANSPORT_CLOSE));
    assertThat(socket.isConnected()).isFalse();
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aClientDisconnectReportsIoClientDisconnectAndConnectAgainGivesANewId(TransportMode mode) throws Exception {
    Socket socket = socket(mode);
    List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
    AtomicInteger connects = new AtomicInteger();
    socket.onDisconnect(reasons::add);
    socket.onConnect(connects::incrementAndGet);
    connected(socket);
    String firstId = socket.id();

    socket.disconnect();
    socket.disconnect();

    eventually().untilAsserted(() -> assertThat(reasons).containsExactly(DisconnectReason.IO_CLIENT_DISCONNECT));
    assertThat(socket.isConnected()).isFalse();
    assertThat(socket.isActive()).isFalse();
    eventually().untilAsserted(() -> assertThat(socket.manager().isOpen()).isFalse());

    connected(socket);
    assertThat(socket.id()).isNotNull().isNotEqualTo(firstId);
    eventually().untilAsserted(() -> assertThat(connects).hasValue(2));
    assertThat(socket.emitWithAck("ack", "again").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("again");
    assertThat(reasons).hasSize(1);
  }

  @Test void disconnectThenConnectRightAwayWaitsForTheNewSession() throws Exception {
    Socket socket = connected(socket(TransportMode.POLLING));
    String firstId = socket.id();

    socket.disconnect();
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertThat(socket.id()).isNotNull().isNotEqualTo(firstId);
    assertThat(socket.emitWithAck("ack", "new session").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0))
        .isEqualTo("new session");
  }

  // ---- listeners -------------------------------------------------------------------------------

  @Test void listenersAreRemovedBySubscriptionCloseAndOffAndOnceFiresOnce() throws Exception {
    Socket socket = connected(socket(TransportMode.UPGRADE));
    List<Object> a = new CopyOnWriteArrayList<>();
    List<Object> b = new CopyOnWriteArrayList<>();
    List<Object> onceEvent = new CopyOnWriteArrayList<>();
    List<Object> any = new CopyOnWriteArrayList<>();
    Subscription first = socket.on("echo", event -> a.add(event.arg(0)));
    socket.on("echo", String.class, b::add);
    socket.once("echo", event -> onceEvent.add(event.arg(0)));
    Subscription anySubscription = socket.onAny(event -> any.add(event.name()));

    socket.emit("echo", "1");
    barrier(socket);
    first.close();
    first.close();
    anySubscription.close();
    socket.emit("echo", "2");
    barrier(socket);
    socket.off("echo");
    socket.emit("echo", "3");
    barrier(socket);
    List<Object> onceTyped = new CopyOnWriteArrayList<>();
    socket.once("echo", String.class, onceTyped::add);
    socket.emit("echo", "4");
    socket.emit("echo", "5");
    barrier(socket);

    assertThat(a).containsExactly("1");
    assertThat(b).containsExactly("1", "2");
    assertThat(onceEvent).containsExactly("1");
    assertThat(any).containsExactly("echo");
    assertThat(onceTyped).containsExactly("4");
    assertThat(errors.snapshot()).isEmpty();
  }

  @Test void aListenerThatThrowsGoesToTheErrorHandlerAndLaterEventsStillArrive() throws Exception {
    Socket socket = connected(socket(TransportMode.UPGRADE));
    List<Object> seen = new CopyOnWriteArrayList<>();
    RuntimeException boom = new IllegalStateException("listener bug");
    socket.on("echo", event -> {
      seen.add(event.arg(0));
      if ("throw".equals(event.arg(0))) throw boom;
    });
    List<Object> later = new CopyOnWriteArrayList<>();
    socket.on("echo", event -> later.add(event.arg(0)));

    socket.emit("echo", "throw");
    socket.emit("echo", "after");
    barrier(socket);

    assertThat(seen).containsExactly("throw", "after");
    assertThat(later).as("the next listener of the same event still runs").containsExactly("throw", "after");
    assertThat(errors.snapshot()).singleElement().satisfies(failure -> {
      assertThat(failure.socket).isSameAs(socket);
      assertThat(failure.event).isEqualTo("echo");
      assertThat(failure.error).isSameAs(boom);
    });
    assertThat(socket.isConnected()).isTrue();
  }

  record Message(String text, int n) {
  }

  @Test void aTypedListenerWhosePayloadDoesNotBindReportsAPayloadBindingExceptionNamingTheEvent() throws Exception {
    Socket socket = connected(socket(TransportMode.UPGRADE));
    List<Message> bound = new CopyOnWriteArrayList<>();
    socket.on("echo", Message.class, bound::add);

    socket.emit("echo", List.of("not", "an", "object"));
    socket.emit("echo", new Message("fine", 1));
    barrier(socket);

    assertThat(bound).containsExactly(new Message("fine", 1));
    assertThat(errors.snapshot()).singleElement().satisfies(failure -> {
      assertThat(failure.event).isEqualTo("echo");
      assertThat(failure.error).isInstanceOf(PayloadBindingException.class)
          .hasMessageContaining("'echo'").hasMessageContaining("argument 0");
    });
  }

  // ---- blocking helpers ------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void awaitEventCatchesAWelcomeEmittedInTheServersConnectionHandler(TransportMode mode) throws Exception {
    Socket socket = tether.socket(server.url(), mode.builder().auth(Map.of("welcome", true)).build());
    connected(socket);

    Event welcome = socket.awaitEvent("welcome", TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertThat(welcome.arg(0)).isEqualTo(Map.of("id", socket.id()));
    assertThatThrownBy(() -> socket.awaitEvent("welcome", 100, TimeUnit.MILLISECONDS))
        .as("each event is returned once").isInstanceOf(TetherException.class);
  }

  @Test void blockingHelpersCalledInsideListenersFailFastWithIllegalStateException() throws Exception {
    Socket socket = socket(TransportMode.UPGRADE);
    List<Throwable> thrown = new CopyOnWriteArrayList<>();
    socket.onConnect(() -> {
      try {
        socket.awaitConnected(5, TimeUnit.SECONDS);
      } catch (Throwable t) {
        thrown.add(t);
      }
    });
    socket.on("echo", event -> {
      try {
        socket.awaitEvent("echo", 5, TimeUnit.SECONDS);
      } catch (Throwable t) {
        thrown.add(t);
      }
    });
    connected(socket);
    socket.emitWithAck("ack").then(args -> {
      try {
        socket.emitWithAck("ack").await(5, TimeUnit.SECONDS);
      } catch (Throwable t) {
        thrown.add(t);
      }
    }, thrown::add);
    socket.emit("echo", "x");

    long start = System.nanoTime();
    eventually().untilAsserted(() -> assertThat(thrown).hasSize(3));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4000);
    assertThat(thrown).allSatisfy(t -> assertThat(t).isInstanceOf(IllegalStateException.class));
    assertThat(thrown).extracting(Throwable::getMessage)
        .anySatisfy(m -> assertThat(m).contains("awaitConnected"))
        .anySatisfy(m -> assertThat(m).contains("awaitEvent"))
        .anySatisfy(m -> assertThat(m).contains("await"));
  }

  // ---- threading -------------------------------------------------------------------------------

  @Test void listenersOfOneSocketRunOneAtATimeInArrivalOrderEvenOnAThreadPool() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    toClose.add(pool::shutdownNow);
    Tether pooled = Tether.builder().callbackExecutor(pool).build();
    toClose.add(pooled);
    Socket socket = connected(pooled.socket(server.url(), TransportMode.WEBSOCKET.options()));
    int count = 300;
    List<Long> order = new CopyOnWriteArrayList<>();
    List<Long> anyOrder = new CopyOnWriteArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicBoolean overlapped = new AtomicBoolean();
    Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    socket.on("counted", event -> {
      if (running.incrementAndGet() != 1) overlapped.set(true);
      threads.add(Thread.currentThread().getName());
      order.add((Long) event.arg(0));
      for (int i = 0; i < 1000; i++) Thread.onSpinWait();
      running.decrementAndGet();
    });
    socket.onAny(event -> {
      if (running.incrementAndGet() != 1) overlapped.set(true);
      if (event.name().equals("counted")) anyOrder.add((Long) event.arg(0));
      running.decrementAndGet();
    });

    socket.emit("emit-count", count, Map.of("payload", "p"));
    barrier(socket);

    List<Long> expected = new ArrayList<>();
    for (long i = 0; i < count; i++) expected.add(i);
    assertThat(order).containsExactlyElementsOf(expected);
    assertThat(anyOrder).containsExactlyElementsOf(expected);
    assertThat(overlapped).isFalse();
    assertThat(threads).allSatisfy(name -> assertThat(name).startsWith("pool-"));
  }

  @Test void closingTheTetherDisconnectsEverySocketAndEndsEveryTetherThread() throws Exception {
    Set<Thread> before = IntegrationSupport.tetherThreads();
    Tether closing = Tether.create();
    Socket root = closing.socket(server.url());
    Socket admin = closing.socket(server.url() + "/admin");
    Socket websocket = closing.socket(server.url(), SocketOptions.builder().forceNew(true)
        .transports(Transport.WEBSOCKET).auth(() -> Map.of("via", "provider")).build());
    List<Socket> sockets = List.of(root, admin, websocket);
    List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
    for (Socket socket : sockets) {
      socket.onDisconnect(reasons::add);
      connected(socket);
      assertThat(socket.emitWithAck("ack", 1).await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo(1L);
    }
    Set<Thread> started = new HashSet<>(IntegrationSupport.tetherThreads());
    started.removeAll(before);
    assertThat(started).isNotEmpty();

    closing.close();

    assertThat(closing.isClosed()).isTrue();
    assertThatThrownBy(() -> closing.socket(server.url())).isInstanceOf(IllegalStateException.class);
    eventually().untilAsserted(() -> {
      assertThat(reasons).hasSize(3).containsOnly(DisconnectReason.IO_CLIENT_DISCONNECT);
      for (Socket socket : sockets) {
        assertThat(socket.isConnected()).isFalse();
        assertThat(socket.isActive()).isFalse();
      }
    });
    eventually().untilAsserted(() -> {
      Set<Thread> alive = new HashSet<>(IntegrationSupport.tetherThreads());
      alive.removeAll(before);
      assertThat(alive.stream().map(Thread::getName).collect(Collectors.toList())).isEmpty();
    });
  }
}
