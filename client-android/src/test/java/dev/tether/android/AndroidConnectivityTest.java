package dev.tether.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import android.Manifest;
import android.app.Application;
import android.content.Context;
import android.net.ConnectivityManager;
import android.net.Network;
import android.os.Build;
import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.testserver.SocketIoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;
import org.robolectric.shadow.api.Shadow;
import org.robolectric.shadows.ShadowApplication;
import org.robolectric.shadows.ShadowConnectivityManager;
import org.robolectric.shadows.ShadowNetwork;

/**
 * {@link AndroidConnectivity} on API 21 (a callback per network) and API 34 (the default network
 * callback): the system's network callbacks are played by the test through Robolectric's
 * ConnectivityManager, first against a recording Manager, then end to end against the real server.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = {21, 34})
public class AndroidConnectivityTest {
  private static final String RECOVERY = "{\"connectionStateRecovery\":{\"maxDisconnectionDuration\":30000}}";
  private static SocketIoServer server;

  private final Application application = RuntimeEnvironment.getApplication();
  private final RecordingManager manager = new RecordingManager();
  private final Network wifi = ShadowNetwork.newInstance(101);
  private final Network cellular = ShadowNetwork.newInstance(102);
  private final List<AndroidConnectivity> bindings = new ArrayList<>();
  private final List<Tether> tethers = new ArrayList<>();

  @BeforeClass public static void startServer() {
    server = SocketIoServer.start(RECOVERY);
  }

  @AfterClass public static void stopServer() {
    server.close();
  }

  @Before public void grantNetworkState() {
    ShadowApplication app = Shadow.extract(application);
    app.grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
  }

  @After public void unbind() {
    for (AndroidConnectivity binding : bindings) binding.close();
    for (Tether tether : tethers) tether.close();
  }

  private ShadowConnectivityManager connectivity() {
    return Shadow.extract(application.getSystemService(Context.CONNECTIVITY_SERVICE));
  }

  private AndroidConnectivity bind(dev.tether.Manager target) {
    AndroidConnectivity binding = AndroidConnectivity.bind(application, target);
    bindings.add(binding);
    return binding;
  }

  /** The one callback the binding registered: the test plays the system with it. */
  private ConnectivityManager.NetworkCallback system() {
    assertThat(connectivity().getNetworkCallbacks()).hasSize(1);
    return connectivity().getNetworkCallbacks().iterator().next();
  }

  private static boolean followsTheDefaultNetwork() {
    return Build.VERSION.SDK_INT >= 24;
  }

  // ---- against a recording Manager ---------------------------------------------------------------

  @Test @Config(sdk = 21)
  public void theApi21SandboxRunsTheApi21Framework() {
    // The test classpath also holds the API 34 framework (see the pom): it must not leak in here.
    assertThat(Build.VERSION.SDK_INT).isEqualTo(21);
    assertThatThrownBy(() -> ConnectivityManager.class.getMethod("registerDefaultNetworkCallback",
        ConnectivityManager.NetworkCallback.class)).isInstanceOf(NoSuchMethodException.class);
  }

  @Test public void bindingWithoutTheNetworkStatePermissionFailsWithAClearMessage() {
    ShadowApplication app = Shadow.extract(application);
    app.denyPermissions(Manifest.permission.ACCESS_NETWORK_STATE);

    assertThatThrownBy(() -> bind(manager))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining("ACCESS_NETWORK_STATE")
        .hasMessageContaining("<uses-permission android:name=\"android.permission.ACCESS_NETWORK_STATE\" />");
    assertThat(connectivity().getNetworkCallbacks()).isEmpty();
    assertThat(manager.calls()).isEmpty();
  }

  @Test public void bindingRegistersOneCallbackAndCloseUnregistersIt() {
    AndroidConnectivity binding = bind(manager);
    system().onAvailable(wifi); // the system reports the current network: nothing to do
    assertThat(binding.isOnline()).isTrue();
    assertThat(binding.toString()).contains(followsTheDefaultNetwork() ? "default network" : "all networks");

    binding.close();
    binding.close(); // idempotent

    assertThat(connectivity().getNetworkCallbacks()).isEmpty();
    assertThat(manager.calls()).isEmpty();
  }

  @Test public void networkLossSuspendsReconnectionAndDropsTheTransportAndItsReturnReconnectsAtOnce() {
    AndroidConnectivity binding = bind(manager);
    ConnectivityManager.NetworkCallback system = system();
    system.onAvailable(wifi);

    system.onLost(wifi);
    assertThat(manager.takeCalls()).containsExactly("suspendReconnection", "restartConnection");
    assertThat(binding.isOnline()).isFalse();

    system.onAvailable(cellular);
    assertThat(manager.takeCalls()).containsExactly("resumeReconnection");
    assertThat(binding.isOnline()).isTrue();

    system.onLost(cellular);
    system.onAvailable(cellular); // the same network back
    assertThat(manager.takeCalls()).containsExactly("suspendReconnection", "restartConnection", "resumeReconnection");
  }

  @Test public void offlineAtBindSuspendsReconnectionUntilANetworkAppears() {
    connectivity().setActiveNetworkInfo(null);

    AndroidConnectivity binding = bind(manager);
    assertThat(manager.takeCalls()).containsExactly("suspendReconnection");
    assertThat(binding.isOnline()).isFalse();

    system().onAvailable(wifi);
    assertThat(manager.takeCalls()).containsExactly("resumeReconnection");
  }

  @Test @Config(sdk = 34) // API 24+: the default network callback
  public void aNewDefaultNetworkRestartsTheConnectionOnIt() {
    bind(manager);
    ConnectivityManager.NetworkCallback system = system();
    system.onAvailable(wifi);

    system.onAvailable(cellular); // Wi-Fi -> cellular
    assertThat(manager.takeCalls()).containsExactly("restartConnection");
    system.onLost(wifi); // the old default goes afterwards: nothing more to do
    assertThat(manager.takeCalls()).isEmpty();
    system.onAvailable(wifi); // and back
    assertThat(manager.takeCalls()).containsExactly("restartConnection");
  }

  @Test @Config(sdk = 21) // API 21-23: a callback per network
  public void onApi21To23TheLossOfOneOfTwoNetworksRestartsTheConnection() {
    bind(manager);
    ConnectivityManager.NetworkCallback system = system();
    system.onAvailable(wifi);

    system.onAvailable(cellular); // another network joins: the connection stays where it is
    assertThat(manager.takeCalls()).isEmpty();
    system.onLost(wifi); // the connection may have used it
    assertThat(manager.takeCalls()).containsExactly("restartConnection");
    system.onLost(cellular); // the last one
    assertThat(manager.takeCalls()).containsExactly("suspendReconnection", "restartConnection");
  }

  @Test public void closingWhileOfflineResumesReconnectionAndLaterCallbacksAreIgnored() {
    AndroidConnectivity binding = bind(manager);
    ConnectivityManager.NetworkCallback system = system();
    system.onAvailable(wifi);
    system.onLost(wifi);
    manager.takeCalls();

    binding.close();
    assertThat(manager.takeCalls()).containsExactly("resumeReconnection");

    system.onAvailable(cellular); // a report already on its way when the binding closed
    system.onLost(cellular);
    assertThat(manager.calls()).isEmpty();
  }

  // ---- end to end, against the real server -------------------------------------------------------

  /** A socket whose backoff (a minute) is far longer than the tests wait: whatever reconnects is the binding. */
  private Socket connectedSocket() throws InterruptedException {
    Tether tether = Tether.create();
    tethers.add(tether);
    Socket socket = tether.socket(server.url(), SocketOptions.builder()
        .reconnectionDelay(60, 60, TimeUnit.SECONDS).build());
    socket.connect();
    socket.awaitConnected(MainLooper.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Sessions.receiveABroadcast(socket);
    return socket;
  }

  @Test public void offlineNoAttemptIsMadeAndWhenTheNetworkReturnsTheSessionIsBack() throws Exception {
    Tether tether = Tether.create();
    tethers.add(tether);
    // A short backoff: without the suspension an attempt would come within 50 ms.
    Socket socket = tether.socket(server.url(), SocketOptions.builder()
        .reconnectionDelay(50, 50, TimeUnit.MILLISECONDS).randomizationFactor(0).build());
    AtomicInteger attempts = new AtomicInteger();
    socket.manager().onReconnectAttempt(attempt -> attempts.incrementAndGet());
    List<DisconnectReason> disconnects = new CopyOnWriteArrayList<>();
    socket.onDisconnect(disconnects::add);
    socket.connect();
    socket.awaitConnected(MainLooper.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Sessions.receiveABroadcast(socket);
    String id = socket.id();
    bind(socket.manager());
    ConnectivityManager.NetworkCallback system = system();
    system.onAvailable(wifi);

    system.onLost(wifi);
    MainLooper.runUntil("the transport dropped", () -> socket.state() == ConnectionState.RECONNECTING);
    MainLooper.runUntil("the disconnect listener", () -> !disconnects.isEmpty()); // runs on a Tether thread
    assertThat(disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE);
    MainLooper.runWhile("offline: no reconnection attempt", 1000,
        () -> attempts.get() == 0 && socket.state() == ConnectionState.RECONNECTING);

    system.onAvailable(wifi);
    MainLooper.runUntil("reconnected", socket::isConnected);
    MainLooper.runUntil("one attempt reported", () -> attempts.get() == 1);
    assertThat(socket.recovered()).isTrue();
    assertThat(socket.id()).isEqualTo(id);
  }

  @Test public void returningNetworkReconnectsAtOnceNotAfterTheBackoff() throws Exception {
    Socket socket = connectedSocket();
    bind(socket.manager());
    ConnectivityManager.NetworkCallback system = system();
    system.onAvailable(wifi);
    system.onLost(wifi);
    MainLooper.runUntil("the transport dropped", () -> socket.state() == ConnectionState.RECONNECTING);

    system.onAvailable(cellular);

    MainLooper.runUntil("reconnected well before the minute of backoff", socket::isConnected);
  }

  @Test public void aNetworkSwitchMovesTheConnectionToTheNewNetworkAtOnce() throws Exception {
    Socket socket = connectedSocket();
    AtomicInteger reconnects = new AtomicInteger();
    socket.manager().onReconnect(attempt -> reconnects.incrementAndGet());
    List<DisconnectReason> disconnects = new CopyOnWriteArrayList<>();
    socket.onDisconnect(disconnects::add);
    bind(socket.manager());
    ConnectivityManager.NetworkCallback system = system();
    system.onAvailable(wifi);

    if (followsTheDefaultNetwork()) {
      system.onAvailable(cellular); // the new default
    } else {
      system.onAvailable(cellular);
      system.onLost(wifi);
    }

    MainLooper.runUntil("the old transport dropped", () -> !disconnects.isEmpty());
    assertThat(disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE);
    MainLooper.runUntil("reconnected well before the minute of backoff", () -> reconnects.get() == 1);
    MainLooper.runUntil("connected", socket::isConnected);
    // Whether the session is recovered here depends on a race this test cannot control: the server
    // must have seen the old transport close before the new CONNECT arrives (see the README).
  }
}
