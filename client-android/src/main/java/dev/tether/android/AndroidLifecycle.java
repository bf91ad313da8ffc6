package dev.tether.android;

import android.app.Activity;
import android.app.Application;
import android.content.Context;
import android.os.Bundle;
import android.os.Handler;
import android.os.Looper;
import dev.tether.Manager;
import dev.tether.Socket;
import java.io.Closeable;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Opt-in: closes a connection while the app is in the background and reopens it when the app
 * returns, so an app the user left does not hold a socket (and the radio) open for hours.
 *
 * <pre>{@code
 * AndroidLifecycle lifecycle = AndroidLifecycle.bind(context, socket, 1, TimeUnit.MINUTES);
 * }</pre>
 *
 * When no activity of the app has been visible (started) for {@code backgroundDelay}, the connection
 * is {@linkplain Manager#pause() paused}: the transport closes as a network loss would, without
 * leaving the namespaces, so a server with connection state recovery keeps the sessions (for as long
 * as its {@code maxDisconnectionDuration}). When an activity starts again the connection is
 * {@linkplain Manager#resume() resumed} at once, and the sockets get their ids, rooms and missed
 * events back (or a new session after the server's window). Meanwhile the sockets are {@code
 * RECONNECTING} and emits are buffered.
 *
 * <p>A short trip to the background (a rotation, a permission dialog, a quick switch of apps) closes
 * nothing: only a stay longer than the delay does. "Visible" follows {@code onActivityStarted}/{@code
 * onActivityStopped} of {@link Application.ActivityLifecycleCallbacks} (androidx's {@code
 * ProcessLifecycleOwner} is an AAR, which a jar cannot depend on). Bind from {@code
 * Application.onCreate} or before the first activity starts; a binding made later counts as in the
 * background once the activities started before it have stopped.
 *
 * <p>Works on the socket's {@link Manager}, so it serves every socket sharing that connection. Works
 * alongside {@link AndroidConnectivity}: a connection paused here stays closed when the network
 * returns, and one resumed while offline waits for the network.
 *
 * <p>Thread-safe. The lifecycle callbacks and the delay run on the main thread.
 */
public final class AndroidLifecycle implements Closeable {
  private static final Logger logger = Logger.getLogger(AndroidLifecycle.class.getName());

  private final Application application;
  private final Manager manager;
  private final long delayMillis;
  private final Handler mainThread = new Handler(Looper.getMainLooper());
  private final Runnable pauseTask = this::backgroundDelayPassed;
  private final Application.ActivityLifecycleCallbacks callbacks = new Application.ActivityLifecycleCallbacks() {
    @Override public void onActivityStarted(Activity activity) {
      started(activity);
    }

    @Override public void onActivityStopped(Activity activity) {
      stopped(activity);
    }

    @Override public void onActivityDestroyed(Activity activity) {
      forget(activity);
    }

    @Override public void onActivityCreated(Activity activity, Bundle savedInstanceState) {
    }

    @Override public void onActivityResumed(Activity activity) {
    }

    @Override public void onActivityPaused(Activity activity) {
    }

    @Override public void onActivitySaveInstanceState(Activity activity, Bundle outState) {
    }
  };

  private final Object lock = new Object();
  /** The activities started and not yet stopped, since the binding. Guarded by lock. */
  private final Set<Activity> visible = new HashSet<>();
  private boolean paused; // guarded by lock
  private boolean closed; // guarded by lock

  private AndroidLifecycle(Application application, Manager manager, long delayMillis) {
    this.application = application;
    this.manager = manager;
    this.delayMillis = delayMillis;
  }

  /**
   * Pauses the connection of {@code socket} (its {@link Socket#manager()}) once the app has been in
   * the background for {@code backgroundDelay}, and resumes it when the app comes back. {@link
   * #close()} unbinds.
   *
   * @param context any context of the app (its {@link Application} is used)
   * @param backgroundDelay how long the app must stay in the background, at least 0
   * @throws IllegalArgumentException if {@code context.getApplicationContext()} is not an
   *     {@link Application}
   */
  public static AndroidLifecycle bind(Context context, Socket socket, long backgroundDelay, TimeUnit unit) {
    if (socket == null) throw new NullPointerException("socket == null");
    return bind(context, socket.manager(), backgroundDelay, unit);
  }

  /** As {@link #bind(Context, Socket, long, TimeUnit)}, for a {@link Manager}. */
  public static AndroidLifecycle bind(Context context, Manager manager, long backgroundDelay, TimeUnit unit) {
    if (context == null) throw new NullPointerException("context == null");
    if (manager == null) throw new NullPointerException("manager == null");
    if (unit == null) throw new NullPointerException("unit == null");
    if (backgroundDelay < 0) throw new IllegalArgumentException("backgroundDelay < 0: " + backgroundDelay);
    Context app = context.getApplicationContext();
    if (!(app instanceof Application)) {
      throw new IllegalArgumentException("the application context is not an android.app.Application: " + app);
    }
    AndroidLifecycle binding = new AndroidLifecycle((Application) app, manager, unit.toMillis(backgroundDelay));
    binding.application.registerActivityLifecycleCallbacks(binding.callbacks);
    return binding;
  }

  /** True while this binding holds the connection paused. */
  public boolean isPaused() {
    synchronized (lock) {
      return paused;
    }
  }

  /**
   * Unbinds: no more lifecycle callbacks, no pending pause. A connection it paused is resumed.
   * Idempotent; does not close the connection.
   */
  @Override public void close() {
    synchronized (lock) {
      if (closed) return;
      closed = true;
      visible.clear();
      mainThread.removeCallbacks(pauseTask);
      if (paused) {
        paused = false;
        manager.resume();
      }
    }
    application.unregisterActivityLifecycleCallbacks(callbacks);
  }

  private void started(Activity activity) {
    synchronized (lock) {
      if (closed) return;
      visible.add(activity);
      mainThread.removeCallbacks(pauseTask); // back before the delay passed: nothing happens
      if (paused) {
        logger.log(Level.FINE, "{0}: app in the foreground, resuming the connection", manager);
        paused = false;
        manager.resume();
      }
    }
  }

  private void stopped(Activity activity) {
    synchronized (lock) {
      if (closed) return;
      visible.remove(activity); // one started before the binding is not in the set
      if (visible.isEmpty() && !paused) {
        mainThread.removeCallbacks(pauseTask);
        mainThread.postDelayed(pauseTask, delayMillis);
      }
    }
  }

  private void forget(Activity activity) {
    synchronized (lock) {
      visible.remove(activity);
    }
  }

  private void backgroundDelayPassed() {
    synchronized (lock) {
      if (closed || paused || !visible.isEmpty()) return;
      logger.log(Level.FINE, "{0}: app in the background for {1} ms, pausing the connection",
          new Object[] {manager, delayMillis});
      paused = true;
      manager.pause();
    }
  }

  @Override public String toString() {
    return "AndroidLifecycle{" + manager + ", after " + delayMillis + " ms in the background}";
  }
}
