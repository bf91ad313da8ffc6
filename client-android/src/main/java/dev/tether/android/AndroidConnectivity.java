package dev.tether.android;

import android.Manifest;
import android.content.Context;
import android.content.pm.PackageManager;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.net.NetworkInfo;
import android.net.NetworkRequest;
import android.os.Build;
import android.os.Process;
import dev.tether.Manager;
import dev.tether.Socket;
import java.io.Closeable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Drives a connection's reconnection from the device's connectivity, through {@link
 * ConnectivityManager} network callbacks:
 *
 * <ul>
 *   <li><b>Network lost</b> (no network left): the transport, now on a dead network, is dropped at
 *       once (sockets see {@code transport close} and buffer their emits) and reconnection is
 *       {@linkplain Manager#suspendReconnection() suspended}: no futile attempts, no backoff growing
 *       to its maximum while the device is offline.
 *   <li><b>Network back</b>: reconnection resumes and the first attempt is made at once, not after
 *       the remaining backoff delay.
 *   <li><b>Network switch</b> (Wi-Fi to cellular and back): the old transport is dropped and a new
 *       one opens at once on the new network ({@link Manager#restartConnection()}), instead of waiting
 *       for the old one to time out. A server with connection state recovery resumes the sessions.
 * </ul>
 *
 * <pre>{@code
 * AndroidConnectivity connectivity = AndroidConnectivity.bind(context, socket);
 * ...
 * connectivity.close(); // e.g. with tether.close()
 * }</pre>
 *
 * A binding works on the socket's {@link Manager}, so it serves every socket sharing that
 * connection; bind each connection once. It assumes the application does not call {@code
 * suspendReconnection()}/{@code resumeReconnection()} itself. It is independent of {@link
 * Manager#pause()}, and so of {@link AndroidLifecycle}.
 *
 * <h2>Platform levels</h2>
 * From API 24 it follows the system's default network ({@code registerDefaultNetworkCallback}). On
 * API 21–23, which cannot tell which network is the default, it follows every network with internet
 * access ({@code registerNetworkCallback}): the loss of the last one is a loss, the loss of one while
 * another remains is treated as a switch (the connection may have used it).
 *
 * <h2>Permission</h2>
 * Needs {@code android.permission.ACCESS_NETWORK_STATE} in the app's manifest (a normal permission,
 * granted at install); this library is a jar and cannot add it.
 *
 * <p>Thread-safe. The callbacks arrive on a system thread and only post to the Manager's event loop.
 */
public final class AndroidConnectivity implements Closeable {
  private static final Logger logger = Logger.getLogger(AndroidConnectivity.class.getName());

  private final ConnectivityManager connectivity;
  private final Manager manager;
  private final boolean followsDefaultNetwork;
  private final ConnectivityManager.NetworkCallback callback = new ConnectivityManager.NetworkCallback() {
    @Override public void onAvailable(Network network) {
      available(network);
    }

    @Override public void onLost(Network network) {
      lost(network);
    }
  };

  private final Object lock = new Object();
  /** The default network (API 24+), or every network with internet access (API 21-23). Guarded by lock. */
  private final Set<Network> networks = new HashSet<>();
  /** Reconnection is suspended because the device is offline. Guarded by lock. */
  private boolean offline;
  private boolean closed; // guarded by lock

  private AndroidConnectivity(ConnectivityManager connectivity, Manager manager, boolean followsDefaultNetwork) {
    this.connectivity = connectivity;
    this.manager = manager;
    this.followsDefaultNetwork = followsDefaultNetwork;
  }

  /**
   * Binds the connection of {@code socket} (its {@link Socket#manager()}) to the device's
   * connectivity. Call it once per connection, e.g. where the Tether is created; {@link #close()}
   * unbinds. If the device is offline now, reconnection is suspended until a network appears.
   *
   * @param context any context (its application context is used; an Activity is not retained)
   * @throws SecurityException if the app's manifest lacks {@code ACCESS_NETWORK_STATE}
   */
  public static AndroidConnectivity bind(Context context, Socket socket) {
    if (socket == null) throw new NullPointerException("socket == null");
    return bind(context, socket.manager());
  }

  /** As {@link #bind(Context, Socket)}, for a {@link Manager}. */
  public static AndroidConnectivity bind(Context context, Manager manager) {
    if (context == null) throw new NullPointerException("context == null");
    if (manager == null) throw new NullPointerException("manager == null");
    Context app = context.getApplicationContext() != null ? context.getApplicationContext() : context;
    if (app.checkPermission(Manifest.permission.ACCESS_NETWORK_STATE, Process.myPid(), Process.myUid())
        != PackageManager.PERMISSION_GRANTED) {
      throw new SecurityException("Tether's AndroidConnectivity needs the ACCESS_NETWORK_STATE permission: add "
          + "<uses-permission android:name=\"android.permission.ACCESS_NETWORK_STATE\" /> to the app's "
          + "AndroidManifest.xml (Tether is a jar and cannot add it to the manifest for you)");
    }
    ConnectivityManager connectivity = (ConnectivityManager) app.getSystemService(Context.CONNECTIVITY_SERVICE);
    if (connectivity == null) throw new IllegalStateException("no ConnectivityManager on this device");
    @Nullable Method registerDefault = Build.VERSION.SDK_INT >= 24 ? registerDefaultNetworkCallbackMethod() : null;
    AndroidConnectivity binding = new AndroidConnectivity(connectivity, manager, registerDefault != null);
    binding.start(registerDefault);
    return binding;
  }

  private void start(@Nullable Method registerDefault) {
    synchronized (lock) {
      if (!isActiveNetworkConnected()) goOffline(false);
    }
    if (registerDefault != null) {
      try {
        registerDefault.invoke(connectivity, callback);
      } catch (InvocationTargetException e) {
        throw rethrow(e.getCause());
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    } else {
      NetworkRequest internet = new NetworkRequest.Builder()
          .addCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET)
          .build();
      connectivity.registerNetworkCallback(internet, callback);
    }
  }

  /**
   * {@code ConnectivityManager.registerDefaultNetworkCallback} (API 24), looked up at run time: this
   * library compiles against API 21, which lacks it. Framework methods are not renamed by R8.
   */
  private static @Nullable Method registerDefaultNetworkCallbackMethod() {
    try {
      return ConnectivityManager.class.getMethod("registerDefaultNetworkCallback",
          ConnectivityManager.NetworkCallback.class);
    } catch (NoSuchMethodException e) {
      logger.log(Level.WARNING, "no registerDefaultNetworkCallback on API " + Build.VERSION.SDK_INT, e);
      return null;
    }
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException) throw (RuntimeException) cause;
    if (cause instanceof Error) throw (Error) cause;
    throw new IllegalStateException(cause);
  }

  @SuppressWarnings("deprecation") // getActiveNetworkInfo: deprecated in API 29, still works, and is all API 21 has
  private boolean isActiveNetworkConnected() {
    NetworkInfo active = connectivity.getActiveNetworkInfo();
    return active != null && active.isConnected();
  }

  /** True unless the device was offline at the last report. */
  public boolean isOnline() {
    synchronized (lock) {
      return !offline;
    }
  }

  /**
   * Unbinds: no more network callbacks. If reconnection was suspended because the device was
   * offline, it is resumed. Idempotent; does not close the connection.
   */
  @Override public void close() {
    synchronized (lock) {
      if (closed) return;
      closed = true;
      if (offline) {
        offline = false;
        manager.resumeReconnection();
      }
    }
    try {
      connectivity.unregisterNetworkCallback(callback);
    } catch (IllegalArgumentException e) {
      logger.log(Level.FINE, "network callback already unregistered", e);
    }
  }

  private void available(Network network) {
    synchronized (lock) {
      if (closed) return;
      if (followsDefaultNetwork) {
        if (networks.contains(network)) return;
        boolean switched = !networks.isEmpty(); // a new default while the old one was still up
        networks.clear();
        networks.add(network);
        if (offline) {
          goOnline();
        } else if (switched) {
          logger.log(Level.FINE, "{0}: default network switched to {1}", new Object[] {manager, network});
          manager.restartConnection();
        }
        // else: the first report, of the network the connection already uses
      } else {
        if (!networks.add(network)) return;
        // Another network joining (Wi-Fi while on cellular) leaves the connection where it is until
        // the network it uses goes away.
        if (offline) goOnline();
      }
    }
  }

  private void lost(Network network) {
    synchronized (lock) {
      if (closed || !networks.remove(network)) return; // (API 24+) an old default, already replaced
      if (networks.isEmpty()) {
        goOffline(true);
      } else {
        logger.log(Level.FINE, "{0}: network {1} lost, others remain", new Object[] {manager, network});
        manager.restartConnection();
      }
    }
  }

  /** Lock held. */
  private void goOffline(boolean dropTransport) {
    logger.log(Level.FINE, "{0}: offline, reconnection suspended", manager);
    offline = true;
    manager.suspendReconnection();
    // The transport is on a network that is gone: drop it now (its emits are buffered instead of
    // written into a dead socket). Suspended, the restart makes no attempt.
    if (dropTransport) manager.restartConnection();
  }

  /** Lock held. */
  private void goOnline() {
    logger.log(Level.FINE, "{0}: online, reconnecting", manager);
    offline = false;
    manager.resumeReconnection(); // tries at once if the connection is down
  }

  @Override public String toString() {
    return "AndroidConnectivity{" + manager + (followsDefaultNetwork ? ", default network" : ", all networks") + "}";
  }
}
