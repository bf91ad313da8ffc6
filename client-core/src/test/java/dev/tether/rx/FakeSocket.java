package dev.tether.rx;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import dev.tether.AckCall;
import dev.tether.AckCancelledException;
import dev.tether.Args;
import dev.tether.ConnectError;
import dev.tether.ConnectionState;
import dev.tether.DisconnectReason;
import dev.tether.Event;
import dev.tether.Listener;
import dev.tether.Manager;
import dev.tether.PayloadBindingException;
import dev.tether.Socket;
import dev.tether.Subscription;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Socket} without a network for unit tests of {@link RxSocket}: it records what is asked of
 * it (connects, disconnects, emits, acks and their cancellation, listeners and their removal) and
 * lets the test fire events, state changes, connect errors and ack outcomes synchronously, on the
 * test's thread, in the order the real socket would deliver them.
 */
final class FakeSocket implements Socket {
  private static final Set<String> RESERVED = Set.of("connect", "connect_error", "disconnect", "disconnecting",
      "newListener", "removeListener");

  /** A registered listener; {@link #close()} removes it and is counted. */
  static final class FakeSubscription<T> implements Subscription {
    final Listener<T> listener;
    private final List<FakeSubscription<T>> owner;
    volatile boolean closed;

    FakeSubscription(Listener<T> listener, List<FakeSubscription<T>> owner) {
      this.listener = listener;
      this.owner = owner;
    }

    @Override public void close() {
      closed = true;
      owner.remove(this);
    }
  }

  /** An emit as the socket received it. */
  static final class Emitted {
    final String event;
    final List<Object> args;

    Emitted(String event, Object[] args) {
      this.event = event;
      this.args = Arrays.asList(args.clone());
    }
  }

  private volatile ConnectionState state = ConnectionState.DISCONNECTED;
  private final List<FakeSubscription<ConnectionState>> stateListeners = new CopyOnWriteArrayList<>();
  private final List<FakeSubscription<ConnectError>> connectErrorListeners = new CopyOnWriteArrayList<>();
  private final List<FakeSubscription<Event>> anyListeners = new CopyOnWriteArrayList<>();
  private final Map<String, List<FakeSubscription<Event>>> eventListeners = new HashMap<>();
  /** Every subscription ever handed out, closed or not. */
  final List<FakeSubscription<?>> subscriptions = new CopyOnWriteArrayList<>();

  int connectCalls;
  int disconnectCalls;
  final List<Emitted> emits = new CopyOnWriteArrayList<>();
  final List<FakeAckCall> ackCalls = new CopyOnWriteArrayList<>();

  // ---- driving the fake ----------------------------------------------------------------------------

  /** Changes the state and notifies the state listeners (only on a change, as the real socket does). */
  void state(ConnectionState next) {
    if (state == next) return;
    state = next;
    fireState(next);
  }

  /** Notifies the state listeners of {@code value} whether or not the state changed (a late delivery). */
  void fireState(ConnectionState value) {
    for (FakeSubscription<ConnectionState> s : stateListeners) s.listener.on(value);
  }

  void fireConnectError(ConnectError error) {
    for (FakeSubscription<ConnectError> s : connectErrorListeners) s.listener.on(error);
  }

  /**
   * A failed connect attempt, in the real socket's order: the connect error first, then the state
   * change to {@code DISCONNECTED} it causes (a refusal, a local failure: timeout, auth provider).
   */
  void fail(ConnectError error) {
    fireConnectError(error);
    state(ConnectionState.DISCONNECTED);
  }

  /** Delivers an incoming event to the listeners of its name, then to the catch-all listeners. */
  void fireEvent(String name, @Nullable Object... args) {
    FakeEvent event = new FakeEvent(name, args == null ? new Object[] {null} : args);
    List<FakeSubscription<Event>> named = eventListeners.get(name);
    if (named != null) {
      for (FakeSubscription<Event> s : named) s.listener.on(event);
    }
    for (FakeSubscription<Event> s : anyListeners) s.listener.on(event);
  }

  int eventListenerCount(String name) {
    List<FakeSubscription<Event>> named = eventListeners.get(name);
    return named == null ? 0 : named.size();
  }

  int anyListenerCount() {
    return anyListeners.size();
  }

  int stateListenerCount() {
    return stateListeners.size();
  }

  int connectErrorListenerCount() {
    return connectErrorListeners.size();
  }

  /** Listeners of every kind still registered. */
  int listenerCount() {
    int n = stateListeners.size() + connectErrorListeners.size() + anyListeners.size();
    for (List<FakeSubscription<Event>> named : eventListeners.values()) n += named.size();
    return n;
  }

  FakeAckCall lastAckCall() {
    if (ackCalls.isEmpty()) throw new AssertionError("no emitWithAck call");
    return ackCalls.get(ackCalls.size() - 1);
  }

  static ConnectError refusal(String message) {
    return new ConnectError(message, null, null, new FakeEvent("connect error data", new Object[0]));
  }

  static ConnectError localFailure(String message, Throwable cause) {
    return new ConnectError(message, null, cause, new FakeEvent("connect error data", new Object[0]));
  }

  private <T> Subscription add(List<FakeSubscription<T>> list, Listener<T> listener) {
    if (listener == null) throw new NullPointerException("listener == null");
    FakeSubscription<T> subscription = new FakeSubscription<>(listener, list);
    list.add(subscription);
    subscriptions.add(subscription);
    return subscription;
  }

  private static void checkNotReserved(String event) {
    if (event == null) throw new NullPointerException("event == null");
    if (RESERVED.contains(event)) throw new IllegalArgumentException("'" + event + "' is a reserved event name");
  }

  // ---- Socket --------------------------------------------------------------------------------------

  @Override public String namespace() {
    return "/fake";
  }

  @Override public Manager manager() {
    throw new UnsupportedOperationException();
  }

  @Override public @Nullable String id() {
    return state == ConnectionState.CONNECTED ? "fake-id" : null;
  }

  @Override public boolean isConnected() {
    return state == ConnectionState.CONNECTED;
  }

  @Override public boolean isActive() {
    return state == ConnectionState.CONNECTING || state == ConnectionState.CONNECTED
        || state == ConnectionState.RECONNECTING;
  }

  @Override public ConnectionState state() {
    return state;
  }

  @Override public Subscription onStateChange(Listener<ConnectionState> listener) {
    return add(stateListeners, listener);
  }

  @Override public boolean recovered() {
    return false;
  }

  @Override public Socket connect() {
    connectCalls++;
    return this;
  }

  @Override public Socket disconnect() {
    disconnectCalls++;
    return this;
  }

  @Override public void close() {
    disconnect();
  }

  @Override public synchronized Subscription on(String event, Listener<Event> listener) {
    return add(eventListeners.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()), listener);
  }

  @Override public <T> Subscription on(String event, Class<T> type, Listener<@Nullable T> listener) {
    return on(event, (Type) type, listener);
  }

  @Override public <T> Subscription on(String event, Type type, Listener<@Nullable T> listener) {
    return on(event, e -> listener.on(e.<T>arg(0, type)));
  }

  @Override public Subscription once(String event, Listener<Event> listener) {
    throw new UnsupportedOperationException("not used by RxSocket");
  }

  @Override public <T> Subscription once(String event, Class<T> type, Listener<@Nullable T> listener) {
    throw new UnsupportedOperationException("not used by RxSocket");
  }

  @Override public <T> Subscription once(String event, Type type, Listener<@Nullable T> listener) {
    throw new UnsupportedOperationException("not used by RxSocket");
  }

  @Override public Subscription onConnectBeforeFlush(Runnable listener) {
    throw new UnsupportedOperationException("not used by RxSocket");
  }

  @Override public Subscription onEmitError(Listener<dev.tether.EmitError> listener) {
    throw new UnsupportedOperationException("not used by RxSocket");
  }

  @Override public Subscription onServerClose(Listener<dev.tether.ServerClose> listener) {
    throw new UnsupportedOperationException("not used by RxSocket");
  }

  @Override public void off(String event, Listener<?> listener) {
    throw new UnsupportedOperationException("not used by RxSocket");
  }

  @Override public void off(String event) {
    List<FakeSubscription<Event>> named = eventListeners.get(event);
    if (named != null) {
      for (FakeSubscription<Event> s : named) s.close();
    }
  }

  @Override public Subscription onAny(Listener<Event> listener) {
    return add(anyListeners, listener);
  }

  @Override public Subscription onAnyOutgoing(Listener<Event> listener) {
    throw new UnsupportedOperationException("not used by RxSocket");
  }

  @Override public Subscription onConnect(Runnable listener) {
    throw new UnsupportedOperationException("not used by RxSocket");
  }

  @Override public Subscription onDisconnect(Listener<DisconnectReason> listener) {
    throw new UnsupportedOperationException("not used by RxSocket");
  }

  @Override public Subscription onConnectError(Listener<ConnectError> listener) {
    return add(connectErrorListeners, listener);
  }

  @Override public Socket emit(String event, Object... args) {
    checkNotReserved(event);
    emits.add(new Emitted(event, args));
    return this;
  }

  @Override public Socket volatileEmit(String event, Object... args) {
    return emit(event, args);
  }

  @Override public AckCall emitWithAck(String event, Object... args) {
    checkNotReserved(event);
    emits.add(new Emitted(event, args));
    FakeAckCall call = new FakeAckCall(event);
    ackCalls.add(call);
    return call;
  }

  @Override public int bufferedPackets() {
    return 0;
  }

  @Override public long bufferedBytes() {
    return 0;
  }

  @Override public void clearSendBuffer() {
  }

  @Override public void awaitConnected(long timeout, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by RxSocket");
  }

  @Override public Event awaitEvent(String event, long timeout, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by RxSocket");
  }

  // ---- acks ----------------------------------------------------------------------------------------

  /**
   * An ack the test completes. Like the real one it completes once (later outcomes are ignored) and
   * {@link #cancel()} fails it with {@link AckCancelledException}. Callbacks run at once, or, with
   * {@link #deferDelivery}, only on {@link #deliver()}: the real socket completes the call on its
   * loop and runs the callbacks later on the callback executor, so a cancel can come in between.
   */
  static final class FakeAckCall implements AckCall {
    final String event;
    int cancelCalls;
    boolean deferDelivery;
    private final List<Listener<Args>> successes = new ArrayList<>();
    private final List<Listener<Throwable>> failures = new ArrayList<>();
    private boolean done;
    private @Nullable Args result;
    private @Nullable Throwable failure;
    private boolean delivered;

    FakeAckCall(String event) {
      this.event = event;
    }

    @Override public AckCall timeout(long timeout, TimeUnit unit) {
      return this;
    }

    @Override public AckCall retries(int retries) {
      return this;
    }

    @Override public synchronized AckCall then(Listener<Args> success, Listener<Throwable> failure) {
      successes.add(success);
      failures.add(failure);
      if (delivered) deliverTo(success, failure);
      return this;
    }

    @Override public void cancel() {
      cancelCalls++;
      fail(new AckCancelledException());
    }

    @Override public synchronized boolean isDone() {
      return done;
    }

    @Override public Args await(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("not used by RxSocket");
    }

    /** The server's ack: true if it completed the call. */
    boolean succeed(@Nullable Object... args) {
      synchronized (this) {
        if (done) return false;
        done = true;
        result = new FakeEvent(event, args == null ? new Object[] {null} : args);
      }
      if (!deferDelivery) deliver();
      return true;
    }

    /** A failure (timeout, disconnect, cancel): true if it completed the call. */
    boolean fail(Throwable error) {
      synchronized (this) {
        if (done) return false;
        done = true;
        failure = error;
      }
      if (!deferDelivery) deliver();
      return true;
    }

    /** Runs the callbacks of the outcome (the real socket's callback executor catching up). */
    void deliver() {
      List<Listener<Args>> s;
      List<Listener<Throwable>> f;
      synchronized (this) {
        if (!done || delivered) return;
        delivered = true;
        s = new ArrayList<>(successes);
        f = new ArrayList<>(failures);
      }
      for (int i = 0; i < s.size(); i++) deliverTo(s.get(i), f.get(i));
    }

    private void deliverTo(Listener<Args> success, Listener<Throwable> failureListener) {
      if (result != null) {
        success.on(result);
      } else {
        failureListener.on(failure);
      }
    }
  }

  // ---- payloads ------------------------------------------------------------------------------------

  /**
   * Arguments kept as Java values. {@code arg(i, type)} returns the value when it is an instance of
   * {@code type} and fails with {@link PayloadBindingException} otherwise, as Gson binding would.
   */
  static final class FakeEvent implements Event {
    private static final Gson GSON = new Gson();
    private final String name;
    private final List<@Nullable Object> values;

    FakeEvent(String name, @Nullable Object[] values) {
      this.name = name;
      this.values = Collections.unmodifiableList(new ArrayList<>(Arrays.asList(values)));
    }

    @Override public String name() {
      return name;
    }

    @Override public boolean hasAck() {
      return false;
    }

    @Override public void ack(Object... args) {
    }

    @Override public int size() {
      return values.size();
    }

    @Override public <T> @Nullable T arg(int index, Class<T> type) {
      return arg(index, (Type) type);
    }

    @SuppressWarnings("unchecked")
    @Override public <T> @Nullable T arg(int index, Type type) {
      Object value = arg(index);
      if (value == null) return null;
      if (type instanceof Class && ((Class<?>) type).isInstance(value)) return (T) value;
      throw new PayloadBindingException("argument " + index + " of event '" + name + "' is "
          + value.getClass().getSimpleName() + ", not " + type.getTypeName());
    }

    @Override public @Nullable Object arg(int index) {
      return index < values.size() ? values.get(index) : null;
    }

    @Override public boolean isBinary(int index) {
      return arg(index) instanceof byte[];
    }

    @Override public JsonElement json(int index) {
      return GSON.toJsonTree(arg(index));
    }

    @Override public JsonElement jsonView(int index) {
      return json(index);
    }

    @Override public List<@Nullable Object> toList() {
      return values;
    }

    @Override public String toString() {
      return name + values;
    }
  }
}
