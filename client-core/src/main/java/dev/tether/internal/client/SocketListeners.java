package dev.tether.internal.client;

import dev.tether.ConnectError;
import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.EmitError;
import dev.tether.Event;
import dev.tether.Listener;
import dev.tether.ServerClose;
import dev.tether.Socket;
import dev.tether.Subscription;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/**
 * The listener half of a socket's API: registration and removal, thread-safe, into one
 * {@link ListenerRegistry} that the socket's delivery reads when each listener's turn comes.
 */
abstract class SocketListeners implements Socket {
  final ListenerRegistry listeners = new ListenerRegistry();

  @Override public Subscription onStateChange(Listener<ConnectionState> listener) {
    return ListenerRegistry.add(listeners.state, listener, false);
  }

  @Override public Subscription on(String event, Listener<Event> listener) {
    checkEvent(event);
    return listeners.on(event, listener, false);
  }

  @Override public <T> Subscription on(String event, Class<T> type, Listener<@Nullable T> listener) {
    return on(event, (Type) type, listener);
  }

  @Override public <T> Subscription on(String event, Type type, Listener<@Nullable T> listener) {
    checkEvent(event);
    return listeners.on(event, bound(type, listener), listener, false);
  }

  @Override public Subscription once(String event, Listener<Event> listener) {
    checkEvent(event);
    return listeners.on(event, listener, true);
  }

  @Override public <T> Subscription once(String event, Class<T> type, Listener<@Nullable T> listener) {
    return once(event, (Type) type, listener);
  }

  @Override public <T> Subscription once(String event, Type type, Listener<@Nullable T> listener) {
    checkEvent(event);
    return listeners.on(event, bound(type, listener), listener, true);
  }

  private static <T> Listener<Event> bound(final Type type, final Listener<@Nullable T> listener) {
    if (type == null) throw new NullPointerException("type == null");
    if (listener == null) throw new NullPointerException("listener == null");
    return event -> listener.on(event.<T>arg(0, type));
  }

  static void checkEvent(String event) {
    if (event == null) throw new NullPointerException("event == null");
  }

  @Override public void off(String event) {
    checkEvent(event);
    listeners.off(event);
  }

  @Override public void off(String event, Listener<?> listener) {
    checkEvent(event);
    if (listener == null) throw new NullPointerException("listener == null");
    listeners.off(event, listener);
  }

  @Override public Subscription onAny(Listener<Event> listener) {
    return ListenerRegistry.add(listeners.any, listener, false);
  }

  @Override public Subscription onAnyOutgoing(Listener<Event> listener) {
    return ListenerRegistry.add(listeners.anyOutgoing, listener, false);
  }

  @Override public Subscription onConnect(final Runnable listener) {
    if (listener == null) throw new NullPointerException("listener == null");
    return ListenerRegistry.add(listeners.connect, ignored -> listener.run(), false);
  }

  @Override public Subscription onConnectBeforeFlush(final Runnable listener) {
    if (listener == null) throw new NullPointerException("listener == null");
    return ListenerRegistry.add(listeners.connectBeforeFlush, ignored -> listener.run(), false);
  }

  @Override public Subscription onDisconnect(Listener<DisconnectReason> listener) {
    return ListenerRegistry.add(listeners.disconnect, listener, false);
  }

  @Override public Subscription onConnectError(Listener<ConnectError> listener) {
    return ListenerRegistry.add(listeners.connectError, listener, false);
  }

  @Override public Subscription onServerClose(Listener<ServerClose> listener) {
    return ListenerRegistry.add(listeners.serverClose, listener, false);
  }

  @Override public Subscription onEmitError(Listener<EmitError> listener) {
    return ListenerRegistry.add(listeners.emitError, listener, false);
  }
}
