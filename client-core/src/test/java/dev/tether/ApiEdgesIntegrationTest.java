package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.barrier;
import static dev.tether.IntegrationSupport.connected;
import static dev.tether.IntegrationSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.reflect.TypeToken;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a new user reaches for first: removing one listener, try-with-resources, generic once, clearing auth. */
@RealServer
class ApiEdgesIntegrationTest {
  private final SocketIoServer server;
  private final Tether tether = Tether.create();

  ApiEdgesIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void close() {
    tether.close();
  }

  @Test void offRemovesOneListenerTypedOrNotAndKeepsTheOthers() throws Exception {
    Socket socket = connected(tether.socket(server.url()));
    List<String> heard = new CopyOnWriteArrayList<>();
    Listener<Long> typed = i -> heard.add("typed " + i);
    Listener<Event> plain = e -> heard.add("plain " + e.arg(0));
    Listener<Event> kept = e -> heard.add("kept " + e.arg(0));
    socket.on("counted", Long.class, typed);
    socket.on("counted", plain);
    socket.once("counted", plain);
    socket.on("counted", kept);

    socket.off("counted", typed);
    socket.off("counted", plain); // both of its registrations
    socket.off("counted", e -> { }); // never registered: nothing happens
    socket.emit("emit-count", 2, "x");
    barrier(socket);

    assertThat(heard).containsExactly("kept 0", "kept 1");
  }

  @Test void onceTakesAGenericType() throws Exception {
    Socket socket = connected(tether.socket(server.url()));
    Type listOfLongs = new TypeToken<List<Long>>() { }.getType();
    List<List<Long>> heard = new CopyOnWriteArrayList<>();
    socket.<List<Long>>once("echo", listOfLongs, heard::add);
    socket.emit("echo", Arrays.asList(1, 2));
    socket.emit("echo", Arrays.asList(3));
    barrier(socket);
    assertThat(heard).containsExactly(Arrays.asList(1L, 2L));
  }

  @Test void socketsAndManagersCloseInTryWithResources() throws Exception {
    Socket outer;
    try (Socket socket = tether.socket(server.url(), SocketOptions.builder().forceNew(true).build())) {
      connected(socket);
      outer = socket;
    }
    eventually().untilAsserted(() -> assertThat(outer.state()).isEqualTo(ConnectionState.DISCONNECTED));

    Socket inManager = tether.socket(server.url(), SocketOptions.builder().forceNew(true).build());
    try (Manager manager = inManager.manager()) {
      connected(inManager);
      assertThat(manager.isOpen()).isTrue();
    }
    eventually().untilAsserted(() -> assertThat(inManager.state()).isEqualTo(ConnectionState.CLOSED));
  }

  @Test void authNullClearsAuthWhicheverOverloadIsChosen() throws Exception {
    SocketOptions cleared = SocketOptions.builder().auth(Collections.singletonMap("token", "x")).auth(null).build();
    assertThat(cleared.auth()).isNull();
    assertThat(SocketOptions.builder().auth(() -> "x").auth((Object) null).build().auth()).isNull();
    assertThat(SocketOptions.builder().auth(() -> "x").auth((AuthProvider) null).build().auth()).isNull();
    assertThat(SocketOptions.builder().auth((Object) null).build()).isEqualTo(SocketOptions.builder().build());

    // The server sees no auth at all.
    Socket socket = connected(tether.socket(server.url(), cleared.newBuilder().forceNew(true).build()));
    assertThat(socket.emitWithAck("handshake").await(TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
        .json(0).getAsJsonObject().get("auth").getAsJsonObject().size()).isZero();
  }

  @Test void onConnectBeforeFlushEmitsGoAheadOfTheBufferedOnesAfterEveryReconnection() throws Exception {
    Socket socket = tether.socket(server.url(), SocketOptions.builder().forceNew(true)
        .reconnectionDelay(20, 50, java.util.concurrent.TimeUnit.MILLISECONDS).build());
    List<Object> echoes = new CopyOnWriteArrayList<>();
    socket.on("echo", e -> echoes.add(e.arg(0)));
    socket.onConnectBeforeFlush(() -> socket.emit("echo", "rejoin"));
    socket.onConnect(() -> socket.emit("echo", "on connect"));
    socket.emit("echo", "buffered before connect");
    connected(socket);
    // onConnect runs on the callback thread after the connect: wait for its echo, then check the order.
    eventually().untilAsserted(() -> assertThat(echoes).hasSize(3));
    assertThat(echoes).containsExactly("rejoin", "buffered before connect", "on connect");

    // After a reconnection: a line "typed" during the outage waits behind the rejoin.
    echoes.clear();
    socket.manager().suspendReconnection();
    socket.emit("engine-close");
    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.RECONNECTING));
    socket.emit("echo", "typed during the outage");
    socket.manager().resumeReconnection();
    eventually().untilAsserted(() -> assertThat(echoes).hasSize(3));
    assertThat(echoes).containsExactly("rejoin", "typed during the outage", "on connect");
  }

  @Test void anAuthProviderThatFailsWhileReconnectingIsRetriedWithBackoffUntilItWorks() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    Socket socket = tether.socket(server.url(), SocketOptions.builder().forceNew(true)
        .reconnectionDelay(20, 50, java.util.concurrent.TimeUnit.MILLISECONDS)
        .auth(() -> {
          int call = calls.incrementAndGet();
          if (call == 2 || call == 3) throw new java.io.IOException("token service down (" + call + ")");
          return Collections.singletonMap("call", call);
        }).build());
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    socket.onConnectError(errors::add);
    connected(socket);

    socket.emit("engine-close"); // reconnect: calls 2 and 3 fail, call 4 works
    eventually().untilAsserted(() -> assertThat(calls.get()).isEqualTo(4));
    eventually().untilAsserted(() -> assertThat(socket.isConnected()).isTrue());
    assertThat(errors).hasSize(2).allSatisfy(error -> {
      assertThat(error.isServerRefusal()).isFalse();
      assertThat(error.cause()).isInstanceOf(java.io.IOException.class);
    });
    assertThat(socket.emitWithAck("handshake").await(TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
        .json(0).getAsJsonObject().getAsJsonObject("auth").get("call").getAsInt()).isEqualTo(4);
  }

  @Test void anAuthRefusedExceptionStopsReconnectionForGood() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    Socket socket = tether.socket(server.url(), SocketOptions.builder().forceNew(true)
        .reconnectionDelay(20, 50, java.util.concurrent.TimeUnit.MILLISECONDS)
        .auth(() -> {
          if (calls.incrementAndGet() > 1) throw new AuthRefusedException("signed out");
          return null;
        }).build());
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    socket.onConnectError(errors::add);
    connected(socket);

    socket.emit("engine-close");
    eventually().untilAsserted(() -> assertThat(socket.state()).isEqualTo(ConnectionState.DISCONNECTED));
    assertThat(calls.get()).isEqualTo(2);
    // The state changes on the loop; the connect_error listener runs after it on the callback executor.
    eventually().untilAsserted(() -> assertThat(errors).isNotEmpty());
    assertThat(errors).singleElement().satisfies(error -> assertThat(error.cause()).isInstanceOf(AuthRefusedException.class));
    assertThat(socket.isActive()).isFalse();
  }
}
