package dev.tether.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import android.app.Activity;
import android.app.Application;
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
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;

/**
 * {@link AndroidLifecycle}: activities are driven through their lifecycle by Robolectric and the
 * background delay passes on the main looper's clock; first against a recording Manager, then end to
 * end against the real server with connection state recovery.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = {21, 34})
public class AndroidLifecycleTest {
  private static final long DELAY_MILLIS = 30_000;
  private static SocketIoServer server;

  private final Application application = RuntimeEnvironment.getApplication();
  private final RecordingManager manager = new RecordingManager();
  private final List<AndroidLifecycle> bindings = new ArrayList<>();
  private final List<Tether> tethers = new ArrayList<>();

  @BeforeClass public static void startServer() {
    server = SocketIoServer.start("{\"connectionStateRecovery\":{\"maxDisconnectionDuration\":30000}}");
  }

  @AfterClass public static void stopServer() {
    server.close();
  }

  @After public void unbind() {
    for (AndroidLifecycle binding : bindings) binding.close();
    for (Tether tether : tethers) tether.close();
  }

  private AndroidLifecycle bind(dev.tether.Manager target, long delayMillis) {
    AndroidLifecycle binding = AndroidLifecycle.bind(application, target, delayMillis, TimeUnit.MILLISECONDS);
    bindings.add(binding);
    return binding;
  }

  /** An activity created, started and resumed: the app is in the foreground. */
  private static ActivityController<Activity> visibleActivity() {
    return Robolectric.buildActivity(Activity.class).setup();
  }

  // ---- against a recording Manager ---------------------------------------------------------------

  @Test public void afterTheDelayInTheBackgroundTheConnectionIsPausedAndOnReturnResumed() {
    AndroidLifecycle binding = bind(manager, DELAY_MILLIS);
    ActivityController<Activity> activity = visibleActivity();

    activity.pause().stop(); // home button
    MainLooper.advance(DELAY_MILLIS - 1);
    assertThat(manager.calls()).isEmpty();
    MainLooper.advance(1);
    assertThat(manager.takeCalls()).containsExactly("pause");
    assertThat(binding.isPaused()).isTrue();
    MainLooper.advance(TimeUnit.HOURS.toMillis(1));
    assertThat(manager.calls()).as("paused once").isEmpty();

    activity.restart().resume(); // back to the app

    assertThat(manager.takeCalls()).containsExactly("resume");
    assertThat(binding.isPaused()).isFalse();
  }

  @Test public void aShortTripToTheBackgroundClosesNothing() {
    bind(manager, DELAY_MILLIS);
    ActivityController<Activity> activity = visibleActivity();

    activity.pause().stop();
    MainLooper.advance(DELAY_MILLIS / 2);
    activity.restart().resume();
    MainLooper.advance(TimeUnit.HOURS.toMillis(1));

    assertThat(manager.calls()).isEmpty();
  }

  @Test public void anActivityRecreatedForAConfigurationChangeIsNotABackground() {
    bind(manager, 1); // the shortest delay: the new activity starts before it passes

    visibleActivity().recreate(); // e.g. a rotation: stop and destroy, then a new one started
    MainLooper.advance(TimeUnit.HOURS.toMillis(1));

    assertThat(manager.calls()).isEmpty();
  }

  @Test public void theAppIsInTheForegroundWhileAnyOfItsActivitiesIsVisible() {
    bind(manager, DELAY_MILLIS);
    ActivityController<Activity> first = visibleActivity();
    ActivityController<Activity> second = visibleActivity(); // e.g. side by side in multi-window

    first.pause().stop();
    MainLooper.advance(TimeUnit.HOURS.toMillis(1));
    assertThat(manager.calls()).isEmpty();

    second.pause().stop();
    MainLooper.advance(DELAY_MILLIS);
    assertThat(manager.takeCalls()).containsExactly("pause");
  }

  @Test public void aBindingMadeWhileAnActivityIsVisibleCountsItsStop() {
    ActivityController<Activity> activity = visibleActivity(); // started before the binding
    bind(manager, DELAY_MILLIS);

    activity.pause().stop();
    MainLooper.advance(DELAY_MILLIS);

    assertThat(manager.takeCalls()).containsExactly("pause");
  }

  @Test public void closingResumesAPausedConnectionAndStopsListening() {
    AndroidLifecycle binding = bind(manager, DELAY_MILLIS);
    ActivityController<Activity> activity = visibleActivity();
    activity.pause().stop();
    MainLooper.advance(DELAY_MILLIS);
    assertThat(manager.takeCalls()).containsExactly("pause");

    binding.close();
    binding.close(); // idempotent
    assertThat(manager.takeCalls()).containsExactly("resume");

    activity.restart().resume();
    activity.pause().stop();
    MainLooper.advance(TimeUnit.HOURS.toMillis(1));
    assertThat(manager.calls()).isEmpty();
  }

  @Test public void closingCancelsAPendingPause() {
    AndroidLifecycle binding = bind(manager, DELAY_MILLIS);
    visibleActivity().pause().stop();

    binding.close();
    MainLooper.advance(TimeUnit.HOURS.toMillis(1));

    assertThat(manager.calls()).isEmpty();
  }

  @Test public void aNegativeDelayIsRefused() {
    assertThatThrownBy(() -> AndroidLifecycle.bind(application, manager, -1, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- end to end, against the real server -------------------------------------------------------

  @Test public void inTheBackgroundTheTransportClosesAndOnReturnTheSessionIsResumed() throws Exception {
    Tether tether = Tether.builder().callbackExecutor(AndroidExecutors.mainThread()).build();
    tethers.add(tether);
    // A short backoff: if anything but the binding reconnected, it would do so within 50 ms.
    Socket socket = tether.socket(server.url(), SocketOptions.builder()
        .reconnectionDelay(50, 50, TimeUnit.MILLISECONDS).randomizationFactor(0).build());
    AtomicInteger attempts = new AtomicInteger();
    socket.manager().onReconnectAttempt(attempt -> attempts.incrementAndGet());
    List<DisconnectReason> disconnects = new CopyOnWriteArrayList<>();
    socket.onDisconnect(disconnects::add);
    socket.connect();
    // Not awaitConnected: its wake-up comes through the callback executor, here this very thread.
    MainLooper.runUntil("connected", socket::isConnected);
    Sessions.receiveABroadcast(socket);
    String id = socket.id();
    ActivityController<Activity> activity = visibleActivity();
    bind(socket.manager(), DELAY_MILLIS);

    activity.pause().stop();
    MainLooper.advance(DELAY_MILLIS);

    MainLooper.runUntil("the transport closed", () -> socket.state() == ConnectionState.RECONNECTING);
    assertThat(socket.manager().isOpen()).isFalse();
    MainLooper.runUntil("the disconnect listener", () -> !disconnects.isEmpty());
    assertThat(disconnects).containsExactly(DisconnectReason.TRANSPORT_CLOSE);
    MainLooper.runWhile("in the background: no reconnection attempt", 1000,
        () -> attempts.get() == 0 && socket.state() == ConnectionState.RECONNECTING);

    activity.restart().resume();

    MainLooper.runUntil("reconnected", socket::isConnected);
    assertThat(socket.recovered()).isTrue();
    assertThat(socket.id()).isEqualTo(id);
  }
}
