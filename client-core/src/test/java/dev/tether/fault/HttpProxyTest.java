package dev.tether.fault;

import static dev.tether.fault.FaultSupport.TIMEOUT_SECONDS;
import static dev.tether.fault.FaultSupport.eventually;
import static dev.tether.fault.FaultSupport.millisSince;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.ConnectError;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.Transport;
import dev.tether.TransportException;
import dev.tether.TransportMode;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Authenticator;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Through a real HTTP proxy (tinyproxy, see {@link Tinyproxy}), configured the way users configure one:
 * {@code proxy(...)} and {@code proxyAuthenticator(...)} on their own {@code OkHttpClient}.
 *
 * <ul>
 *   <li>https and wss go through a CONNECT tunnel (the test CA trusted by the client);
 *   <li>plain http polling is forwarded;
 *   <li>a plain {@code ws://} handshake, which tinyproxy forwards without its {@code Upgrade} header,
 *       falls back to polling with the default transports, and fails at once with a clear error when
 *       WebSocket is the only transport (never a hang until a timeout);
 *   <li>with {@code BasicAuth}, the proxy's 407 is answered by the application's proxy authenticator,
 *       and without one it is a clear connect error.
 * </ul>
 */
@RealServer
class HttpProxyTest {
  private static final String USER = "tether";
  private static final String PASSWORD = "proxy-secret";

  private static TestTls tls;
  private static SocketIoServer tlsServer;
  private final SocketIoServer plainServer;
  private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();

  HttpProxyTest(SocketIoServer plainServer) {
    this.plainServer = plainServer;
  }

  @BeforeAll static void startTlsServer() {
    tls = TestTls.create();
    tlsServer = tls.startServer("{}");
  }

  @AfterAll static void stopTlsServer() {
    if (tlsServer != null) tlsServer.close();
  }

  @AfterEach void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) resources.get(i).close();
  }

  private Tinyproxy proxy(boolean basicAuth) throws Exception {
    Tinyproxy proxy = basicAuth ? Tinyproxy.start(USER, PASSWORD) : Tinyproxy.start();
    resources.add(proxy);
    return proxy;
  }

  private Tether tether(OkHttpClient client) {
    Tether tether = Tether.builder().okHttpClient(client).build();
    resources.add(tether);
    return tether;
  }

  private static Socket connected(Socket socket) throws InterruptedException {
    socket.connect();
    socket.awaitConnected(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(socket.emitWithAck("ack", "via proxy").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0))
        .isEqualTo("via proxy");
    return socket;
  }

  private static String serverTransport(Socket socket) throws InterruptedException {
    return socket.emitWithAck("transport").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0, String.class);
  }

  // ---- https / wss: CONNECT tunnels -------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @EnumSource(TransportMode.class)
  void httpsAndWssGoThroughAConnectTunnel(TransportMode mode) throws Exception {
    Tinyproxy proxy = proxy(false);
    List<Transport> upgrades = new CopyOnWriteArrayList<>();
    Socket socket = tether(tls.trustingClient().proxy(proxy.proxy()).build()).socket(tlsServer.url(), mode.options());
    socket.manager().onUpgrade(upgrades::add);

    connected(socket);

    if (mode == TransportMode.UPGRADE) eventually().untilAsserted(() -> assertThat(upgrades).hasSize(1));
    assertThat(serverTransport(socket)).isEqualTo(mode == TransportMode.POLLING ? "polling" : "websocket");
    assertThat(proxy.log()).contains("CONNECT 127.0.0.1:" + tlsServer.port());
  }

  // ---- plain http -----------------------------------------------------------------------------

  @Test void plainHttpPollingIsForwarded() throws Exception {
    Tinyproxy proxy = proxy(false);
    Socket socket = tether(new OkHttpClient.Builder().proxy(proxy.proxy()).build())
        .socket(plainServer.url(), TransportMode.POLLING.options());

    connected(socket); // each request on a connection of its own (ForwardProxyConnections): tinyproxy closes them

    assertThat(serverTransport(socket)).isEqualTo("polling");
    String endpoint = "http://127.0.0.1:" + plainServer.port() + "/socket.io/?EIO=4&transport=polling";
    assertThat(proxy.log()).contains("GET " + endpoint).contains("POST " + endpoint);
  }

  @Test void aPlainWebSocketUpgradeTheProxyDoesNotForwardFallsBackToPolling() throws Exception {
    Tinyproxy proxy = proxy(false);
    List<TransportException> upgradeErrors = new CopyOnWriteArrayList<>();
    Socket socket = tether(new OkHttpClient.Builder().proxy(proxy.proxy()).build())
        .socket(plainServer.url(), TransportMode.UPGRADE.options());
    socket.manager().onUpgradeError(upgradeErrors::add);

    connected(socket);

    eventually().untilAsserted(() -> assertThat(upgradeErrors).hasSize(1));
    assertThat(upgradeErrors.get(0).kind()).isEqualTo(TransportException.Kind.BAD_REQUEST);
    assertThat(upgradeErrors.get(0).httpStatus()).isEqualTo(400);
    assertThat(socket.manager().transport()).isEqualTo(Transport.POLLING);
    assertThat(serverTransport(socket)).isEqualTo("polling");
    assertThat(socket.emitWithAck("ack", "still polling").await(TIMEOUT_SECONDS, TimeUnit.SECONDS).arg(0))
        .isEqualTo("still polling");
  }

  @Test void websocketOnlyThroughAProxyThatDropsTheUpgradeFailsAtOnceWithAClearError() throws Exception {
    Tinyproxy proxy = proxy(false);
    Socket socket = tether(new OkHttpClient.Builder().proxy(proxy.proxy()).build())
        .socket(plainServer.url(), TransportMode.WEBSOCKET.builder().reconnection(false).build());
    long start = System.nanoTime();

    TransportException error = connectFailure(socket);

    assertThat(millisSince(start)).as("ms until the error (the handshake timeout is 20 s)").isLessThan(5_000);
    assertThat(error.kind()).isEqualTo(TransportException.Kind.BAD_REQUEST);
    assertThat(error.httpStatus()).isEqualTo(400);
    assertThat(error.serverMessage()).isEqualTo("Bad request");
    assertThat(error.getMessage()).contains("websocket handshake");
  }

  // ---- basic auth -------------------------------------------------------------------------------

  /** How the request reaches the server: tunnelled (https, then wss) or forwarded (plain http polling). */
  enum Route { TUNNELLED, FORWARDED }

  @ParameterizedTest(name = "{0}") @EnumSource(Route.class)
  void theProxys407IsAnsweredByTheApplicationsProxyAuthenticator(Route route) throws Exception {
    Tinyproxy proxy = proxy(true);
    AtomicInteger challenges = new AtomicInteger();
    Authenticator authenticator = (routeOfRequest, response) -> {
      challenges.incrementAndGet();
      assertThat(response.code()).isEqualTo(407);
      if (response.request().header("Proxy-Authorization") != null) return null; // refused: give up
      return response.request().newBuilder()
          .header("Proxy-Authorization", Credentials.basic(USER, PASSWORD)).build();
    };
    boolean tunnelled = route == Route.TUNNELLED;
    OkHttpClient.Builder client = tunnelled ? tls.trustingClient() : new OkHttpClient.Builder();
    client.proxy(proxy.proxy()).proxyAuthenticator(authenticator);
    Socket socket = tether(client.build()).socket(tunnelled ? tlsServer.url() : plainServer.url(),
        tunnelled ? TransportMode.UPGRADE.options() : TransportMode.POLLING.options());

    connected(socket);

    assertThat(challenges).as("407 challenges answered").hasPositiveValue();
    if (tunnelled) eventually().untilAsserted(() -> assertThat(serverTransport(socket)).isEqualTo("websocket"));
  }

  @ParameterizedTest(name = "{0}") @EnumSource(Route.class)
  void withoutCredentialsTheProxysRefusalIsAClearConnectError(Route route) throws Exception {
    Tinyproxy proxy = proxy(true);
    boolean tunnelled = route == Route.TUNNELLED;
    OkHttpClient.Builder client = tunnelled ? tls.trustingClient() : new OkHttpClient.Builder();
    SocketOptions once = TransportMode.POLLING.builder().reconnection(false).build();
    Socket socket = tether(client.proxy(proxy.proxy()).build())
        .socket(tunnelled ? tlsServer.url() : plainServer.url(), once);

    TransportException error = connectFailure(socket);

    if (tunnelled) { // OkHttp: "Failed to authenticate with proxy" when the CONNECT gets 407
      assertThat(error.getMessage()).contains("authenticate with proxy");
    } else {
      assertThat(error.kind()).isEqualTo(TransportException.Kind.HTTP_ERROR);
      assertThat(error.httpStatus()).isEqualTo(407);
    }
  }

  /** Connects, expects exactly one connect error, and returns its transport cause. */
  private static TransportException connectFailure(Socket socket) {
    List<ConnectError> errors = new CopyOnWriteArrayList<>();
    socket.onConnectError(errors::add);
    socket.connect();
    eventually().untilAsserted(() -> assertThat(errors).hasSize(1));
    assertThat(errors.get(0).cause()).isInstanceOf(TransportException.class);
    return (TransportException) errors.get(0).cause();
  }
}
