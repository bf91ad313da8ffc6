package dev.tether.jmeter.internal;

import dev.tether.Tether;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one {@link Tether} of this JVM (a JMeter controller or {@code jmeter-server} engine) and the
 * virtual users connected through it. Created by the first connect of a test, closed with every
 * socket when the test ends, so an engine that stays up starts the next test clean.
 *
 * <p>Thread-safe.
 */
public final class SharedTether {
  private static final Object lock = new Object();
  private static Tether tether; // guarded by lock
  private static final Set<VirtualUser> users = ConcurrentHashMap.newKeySet();

  private SharedTether() {}

  public static Tether get() {
    synchronized (lock) {
      if (tether == null) {
        JmeterLogBridge.install();
        tether = Tether.create();
      }
      return tether;
    }
  }

  static void register(VirtualUser user) {
    users.add(user);
  }

  static void unregister(VirtualUser user) {
    users.remove(user);
  }

  /** Virtual users with a socket now. */
  public static int users() {
    return users.size();
  }

  /** Disconnects every virtual user and closes the Tether (waiting, bounded, for the goodbyes). */
  public static void closeAll() {
    Tether closing;
    synchronized (lock) {
      closing = tether;
      tether = null;
    }
    List<VirtualUser> open = new ArrayList<>(users);
    for (VirtualUser user : open) user.close();
    if (closing != null) closing.close();
  }
}
