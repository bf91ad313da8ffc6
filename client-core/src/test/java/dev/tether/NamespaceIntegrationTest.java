package dev.tether;

import static dev.tether.IntegrationSupport.TIMEOUT_SECONDS;
import static dev.tether.IntegrationSupport.barrier;
import static dev.tether.IntegrationSupport.connected;
import static dev.tether.IntegrationSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Namespaces multiplexed on one connection, separate connections, auth, and what the handshake carries. */
@RealServer
class NamespaceIntegrationTest {
  private final SocketIoServer server;
  private final Tether tether = Tether.create();

  NamespaceIntegrationTest(SocketIoServer server) {
    this.server = server;
  }

  @AfterEach void closeTether() {
    tether.close();
  }

  /** The server's {@code engine-id} answer: Engine.IO connection id, socket id, namespace. */
  private static Args engineId(Socket socket) throws InterruptedException {
    return socket.emitWithAck("engine-id").await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private static JsonObject handshake(Socket socket) throws InterruptedException {
    return socket.emitWithAck("handshake").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).json(0).getAsJsonObject();
  }

  // ---- multiplexing ----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void twoNamespacesOfOneServerShareOneManagerAndOneEngineIoConnection(TransportMode mode) throws Exception {
    Socket root = tether.socket(server.url(), mode.options());
    Socket admin = tether.socket(server.url() + "/admin", mode.options());
    assertThat(admin.manager()).isSameAs(root.manager());
    assertThat(root.namespace()).isEqualTo("/");
    assertThat(admin.namespace()).isEqualTo("/admin");
    assertThat(root.manager().uri()).isEqualTo(server.url());

    connected(root);
    connected(admin);
    Args rootIds = engineId(root);
    Args adminIds = engineId(admin);

    assertThat(adminIds.arg(0)).isNotNull().isEqualTo(rootIds.arg(0));
    assertThat(rootIds.arg(1)).isEqualTo(root.id());
    assertThat(adminIds.arg(1)).isEqualTo(admin.id());
    assertThat(admin.id()).isNotEqualTo(root.id());
    assertThat(rootIds.arg(2)).isEqualTo("/");
    assertThat(adminIds.arg(2)).isEqualTo("/admin");
    assertThat(root.manager().isOpen()).isTrue();
  }

  @Test void aDisconnectedNamespaceLeavesTheOthersOnTheConnectionWorking() throws Exception {
    Socket root = connected(tether.socket(server.url()));
    Socket admin = connected(tether.socket(server.url() + "/admin"));
    Object engine = engineId(root).arg(0);
    List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
    admin.onDisconnect(reasons::add);

    admin.disconnect();
    eventually().untilAsserted(() -> assertThat(reasons).containsExactly(DisconnectReason.IO_CLIENT_DISCONNECT));

    assertThat(engineId(root).arg(0)).isEqualTo(engine);
    assertThat(root.manager().isOpen()).isTrue();
    connected(admin);
    assertThat(engineId(admin).arg(0)).as("rejoined on the same connection").isEqualTo(engine);
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aDynamicNamespaceConnectsAndEchoes(TransportMode mode) throws Exception {
    Socket chat = connected(tether.socket(server.url() + "/chat", mode.options()));
    assertThat(chat.namespace()).isEqualTo("/chat");
    chat.emit("echo", "in chat");
    assertThat(chat.awaitEvent("echo", TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("in chat");
    assertThat(engineId(chat).arg(2)).isEqualTo("/chat");
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void anUnknownNamespaceIsRefusedWithoutDisturbingTheOthers(TransportMode mode) throws Exception {
    Socket root = connected(tether.socket(server.url(), mode.options()));
    Socket nope = tether.socket(server.url() + "/nope", mode.options());
    assertThat(nope.manager()).isSameAs(root.manager());
    List<ConnectError> refusals = new CopyOnWriteArrayList<>();
    AtomicInteger connects = new AtomicInteger();
    nope.onConnectError(refusals::add);
    nope.onConnect(connects::incrementAndGet);

    nope.connect();
    assertThatThrownBy(() -> nope.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(TetherException.class).hasMessageContaining("Invalid namespace");

    eventually().untilAsserted(() -> assertThat(refusals).hasSize(1));
    ConnectError error = refusals.get(0);
    assertThat(error.message()).isEqualTo("Invalid namespace");
    assertThat(error.isServerRefusal()).isTrue();
    assertThat(error.cause()).isNull();
    assertThat(nope.isActive()).isFalse();
    assertThat(nope.isConnected()).isFalse();
    assertThat(connects).hasValue(0);

    assertThat(root.isConnected()).isTrue();
    assertThat(root.emitWithAck("ack", "fine").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0)).isEqualTo("fine");
    Socket admin = connected(tether.socket(server.url() + "/admin", mode.options()));
    assertThat(engineId(admin).arg(0)).isEqualTo(engineId(root).arg(0));
  }

  @Test void forceNewGivesASeparateManagerAndConnection() throws Exception {
    Socket shared = connected(tether.socket(server.url()));
    Socket separate = connected(tether.socket(server.url() + "/admin",
        SocketOptions.builder().forceNew(true).build()));

    assertThat(separate.manager()).isNotSameAs(shared.manager());
    assertThat(engineId(separate).arg(0)).isNotEqualTo(engineId(shared).arg(0));
    Socket sharedAgain = tether.socket(server.url() + "/chat");
    assertThat(sharedAgain.manager()).isSameAs(shared.manager());
  }

  @Test void theSameNamespaceAskedForTwiceGetsASecondConnection() throws Exception {
    Socket first = connected(tether.socket(server.url() + "/chat"));
    Socket second = connected(tether.socket(server.url() + "/chat"));
    assertThat(second).isNotSameAs(first);
    assertThat(second.manager()).isNotSameAs(first.manager());
    assertThat(engineId(second).arg(0)).isNotEqualTo(engineId(first).arg(0));
    assertThat(first.manager().socket("/chat")).isSameAs(first);
  }

  @Test void incompatibleConnectionOptionsOnASharedManagerAreRejected() throws Exception {
    Socket root = tether.socket(server.url());
    Manager manager = root.manager();

    assertThatThrownBy(() -> tether.socket(server.url() + "/admin",
        SocketOptions.builder().transports(Transport.WEBSOCKET).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("forceNew");
    assertThatThrownBy(() -> tether.socket(server.url() + "/admin?x=1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tether.socket(server.url() + "/admin",
        SocketOptions.builder().extraHeader("X-A", "b").build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> manager.socket("/admin", SocketOptions.builder().query("q", "1").build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> manager.socket("/", SocketOptions.builder().ackTimeout(1, TimeUnit.SECONDS).build()))
        .as("the namespace already has a socket with other options")
        .isInstanceOf(IllegalArgumentException.class);

    // Namespace options may differ, and the Manager still works.
    Socket admin = manager.socket("/admin", SocketOptions.builder().ackTimeout(5, TimeUnit.SECONDS).build());
    assertThat(admin.manager()).isSameAs(manager);
    assertThat(manager.socket("admin")).isSameAs(admin);
    connected(root);
    connected(admin);
    assertThat(engineId(admin).arg(0)).isEqualTo(engineId(root).arg(0));
  }

  // ---- auth ------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aGoodTokenIsAcceptedBySecure(TransportMode mode) throws Exception {
    Socket secure = connected(tether.socket(server.url() + "/secure",
        mode.builder().auth(Map.of("token", "good")).build()));
    assertThat(handshake(secure).getAsJsonObject("auth").get("token").getAsString()).isEqualTo("good");
  }

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void aBadTokenIsRefusedWithTheMiddlewaresMessageAndData(TransportMode mode) throws Exception {
    Socket root = connected(tether.socket(server.url(), mode.options()));
    Socket secure = tether.socket(server.url() + "/secure", mode.builder().auth(Map.of("token", "bad")).build());
    List<ConnectError> refusals = new CopyOnWriteArrayList<>();
    secure.onConnectError(refusals::add);

    secure.connect();
    assertThatThrownBy(() -> secure.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(TetherException.class).hasMessageContaining("not authorized");

    eventually().untilAsserted(() -> assertThat(refusals).hasSize(1));
    ConnectError error = refusals.get(0);
    assertThat(error.message()).isEqualTo("not authorized");
    assertThat(error.isServerRefusal()).isTrue();
    Map<?, ?> data = error.data(Map.class);
    assertThat(data.get("reason")).isEqualTo("bad token");
    assertThat(error.dataJson().getAsJsonObject().get("reason").getAsString()).isEqualTo("bad token");
    assertThat(error.data()).isEqualTo(java.util.Map.of("reason", "bad token"));
    assertThat(error.<java.util.Map<String, String>>data(
        new com.google.gson.reflect.TypeToken<java.util.Map<String, String>>() { }.getType()))
        .containsEntry("reason", "bad token");
    assertThat(secure.isActive()).isFalse();
    assertThat(root.emitWithAck("ack", "unaffected").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0))
        .isEqualTo("unaffected");
  }

  @Test void anAuthProviderIsEvaluatedOnEveryConnect() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Socket secure = tether.socket(server.url() + "/secure", SocketOptions.builder()
        .auth(() -> Map.of("token", "good", "n", calls.incrementAndGet()))
        .build());
    List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
    secure.onDisconnect(reasons::add);

    connected(secure);
    String firstId = secure.id();
    assertThat(handshake(secure).getAsJsonObject("auth").get("n").getAsInt()).isEqualTo(1);
    secure.disconnect();
    eventually().untilAsserted(() -> assertThat(reasons).containsExactly(DisconnectReason.IO_CLIENT_DISCONNECT));
    connected(secure);

    assertThat(calls).hasValue(2);
    assertThat(handshake(secure).getAsJsonObject("auth").get("n").getAsInt()).isEqualTo(2);
    assertThat(secure.id()).isNotEqualTo(firstId);
  }

  @Test void anAuthProviderThatThrowsFailsTheConnectWithALocalConnectError() throws Exception {
    IllegalStateException boom = new IllegalStateException("token store unavailable");
    Socket secure = tether.socket(server.url() + "/secure", SocketOptions.builder()
        .auth((AuthProvider) () -> {
          throw boom;
        })
        .build());
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    secure.onConnectError(errors::add);

    secure.connect();
    assertThatThrownBy(() -> secure.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(TetherException.class);

    eventually().untilAsserted(() -> assertThat(errors).hasSize(1));
    ConnectError error = errors.get(0);
    assertThat(error.isServerRefusal()).isFalse();
    assertThat(error.cause()).isSameAs(boom);
    assertThat(error.message()).contains("token store unavailable");
    assertThat(secure.isActive()).isFalse();
    assertThat(secure.isConnected()).isFalse();
  }

  @Test void anAuthPayloadThatIsNotAnObjectFailsTheConnect() throws Exception {
    Socket secure = tether.socket(server.url() + "/secure", SocketOptions.builder().auth("just a string").build());
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    secure.onConnectError(errors::add);
    secure.connect();
    eventually().untilAsserted(() -> assertThat(errors).hasSize(1));
    assertThat(errors.get(0).isServerRefusal()).isFalse();
    assertThat(errors.get(0).cause()).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- handshake -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void theServerSeesTheUrlQueryTheOptionQueryAndExtraHeaders(TransportMode mode) throws Exception {
    Socket socket = connected(tether.socket(server.url() + "/?x=1", mode.builder()
        .query("y", "two words")
        .query(Map.of("z", "é"))
        .extraHeader("X-Tether-Test", "yes")
        .extraHeaders(Map.of("X-Other", "1"))
        .extraHeader("X-Replaced", "old")
        .extraHeader("X-Replaced", "new")
        .addExtraHeader("X-Multi", "a")
        .addExtraHeader("X-Multi", "b")
        .build()));

    JsonObject handshake = handshake(socket);

    JsonObject query = handshake.getAsJsonObject("query");
    assertThat(query.get("x").getAsString()).isEqualTo("1");
    assertThat(query.get("y").getAsString()).isEqualTo("two words");
    assertThat(query.get("z").getAsString()).isEqualTo("é");
    assertThat(query.get("EIO").getAsString()).isEqualTo("4");
    JsonObject headers = handshake.getAsJsonObject("headers");
    assertThat(headers.get("x-tether-test").getAsString()).isEqualTo("yes");
    assertThat(headers.get("x-other").getAsString()).isEqualTo("1");
    assertThat(headers.get("x-replaced").getAsString()).isEqualTo("new");
    assertThat(headers.get("x-multi").getAsString()).as("a repeated header, as Node joins it").isEqualTo("a, b");
    assertThat(socket.manager().options().extraHeaders()).containsEntry("X-Multi", List.of("a", "b"));
    assertThat(handshake.getAsJsonObject("auth").size()).as("no auth means {}").isZero();
  }

  @Test void theQueryOfTheUrlIsNotPartOfTheNamespace() throws Exception {
    Socket socket = connected(tether.socket(server.url() + "/chat?room=1"));
    assertThat(socket.namespace()).isEqualTo("/chat");
    assertThat(handshake(socket).getAsJsonObject("query").get("room").getAsString()).isEqualTo("1");
    barrier(socket);
  }
}
