package dev.tether.internal.client;

import dev.tether.Listener;
import dev.tether.Subscription;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The listeners of one socket, by event name, plus catch-all and lifecycle listeners. Registration
 * and removal are thread-safe; dispatch happens on the socket's callback executor and looks the
 * listeners up at that moment, so a listener added in {@code onConnect} sees the events that follow.
 */
final class ListenerRegistry {
  /** Runs a listener and routes what it throws to the error handler. */
  interface Invoker {
    <T> void invoke(Listener<T> listener, T value, String what);
  }

  static final class Entry<T> implements Subscription {
    final Listener<T> listener;
    /** The listener the application registered (before any typed binding wrapped it). */
    final Object registered;
    final boolean once;
    private final List<Entry<T>> owner;
    private final AtomicBoolean removed = new AtomicBoolean();

    Entry(Listener<T> listener, Object registered, boolean once, List<Entry<T>> owner) {
      this.listener = listener;
      this.registered = registered;
      this.once = once;
      this.owner = owner;
    }

    /** Claims the entry for one call: false once removed (a once-listener removes itself here). */
    boolean claim() {
      if (removed.get()) return false;
      if (once) {
        if (!removed.compareAndSet(false, true)) return false;
        owner.remove(this);
      }
      return true;
    }

    @Override public void close() {
      if (removed.compareAndSet(false, true)) owner.remove(this);
    }
  }

  private final ConcurrentHashMap<String, CopyOnWriteArrayList<Entry<dev.tether.Event>>> byEvent =
      new ConcurrentHashMap<>();
  final CopyOnWriteArrayList<Entry<dev.tether.Event>> any = new CopyOnWriteArrayList<>();
  final CopyOnWriteArrayList<Entry<dev.tether.Event>> anyOutgoing = new CopyOnWriteArrayList<>();
  final CopyOnWriteArrayList<Entry<Void>> connect = new CopyOnWriteArrayList<>();
  final CopyOnWriteArrayList<Entry<Void>> connectBeforeFlush = new CopyOnWriteArrayList<>();
  final CopyOnWriteArrayList<Entry<dev.tether.DisconnectReason>> disconnect = new CopyOnWriteArrayList<>();
  final CopyOnWriteArrayList<Entry<dev.tether.ConnectError>> connectError = new CopyOnWriteArrayList<>();
  final CopyOnWriteArrayList<Entry<dev.tether.EmitError>> emitError = new CopyOnWriteArrayList<>();
  final CopyOnWriteArrayList<Entry<dev.tether.ServerClose>> serverClose = new CopyOnWriteArrayList<>();
  final CopyOnWriteArrayList<Entry<dev.tether.ConnectionState>> state = new CopyOnWriteArrayList<>();

  Subscription on(String event, Listener<dev.tether.Event> listener, boolean once) {
    return on(event, listener, listener, once);
  }

  /** @param registered what {@link #off(String, Object)} compares: the application's own listener */
  Subscription on(String event, Listener<dev.tether.Event> listener, Object registered, boolean once) {
    CopyOnWriteArrayList<Entry<dev.tether.Event>> list = byEvent.get(event);
    if (list == null) {
      CopyOnWriteArrayList<Entry<dev.tether.Event>> created = new CopyOnWriteArrayList<>();
      list = byEvent.putIfAbsent(event, created);
      if (list == null) list = created;
    }
    return add(list, listener, registered, once);
  }

  static <T> Subscription add(CopyOnWriteArrayList<Entry<T>> list, Listener<T> listener, boolean once) {
    return add(list, listener, listener, once);
  }

  private static <T> Subscription add(CopyOnWriteArrayList<Entry<T>> list, Listener<T> listener, Object registered,
      boolean once) {
    if (listener == null) throw new NullPointerException("listener == null");
    Entry<T> entry = new Entry<>(listener, registered, once, list);
    list.add(entry);
    return entry;
  }

  void off(String event) {
    CopyOnWriteArrayList<Entry<dev.tether.Event>> list = byEvent.get(event);
    if (list == null) return;
    for (Entry<dev.tether.Event> entry : list) entry.close();
  }

  /** Removes every registration of {@code registered} for {@code event}. */
  void off(String event, Object registered) {
    CopyOnWriteArrayList<Entry<dev.tether.Event>> list = byEvent.get(event);
    if (list == null) return;
    for (Entry<dev.tether.Event> entry : list) {
      if (entry.registered == registered) entry.close();
    }
  }

  @Nullable List<Entry<dev.tether.Event>> listeners(String event) {
    return byEvent.get(event);
  }

  static <T> void dispatch(@Nullable List<Entry<T>> list, T value, String what, Invoker invoker) {
    if (list == null) return;
    for (Entry<T> entry : list) {
      if (entry.claim()) invoker.invoke(entry.listener, value, what);
    }
  }
}
