package dev.tether.internal.client;

import dev.tether.DisconnectReason;
import dev.tether.Listener;
import dev.tether.Manager;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Subscription;
import dev.tether.TransportException;
import dev.tether.internal.engine.EngineOptions;
import dev.tether.internal.engine.EnginePacket;
import dev.tether.internal.engine.EngineSocket;
import dev.tether.internal.engine.Handshake;
import dev.tether.internal.engine.TransportMemory;
import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.sio.SioDecodingException;
import dev.tether.internal.sio.SioPacket;
import dev.tether.internal.sio.SocketIoProtocol;
import dev.tether.internal.sio.SocketIoV5;
import dev.tether.internal.util.Redact;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * One Engine.IO connection and the namespaces multiplexed on it. All protocol state lives on the
 * Manager's event loop; public methods are thread-safe and post to it.
 */
public final class RealManager implements Manager {
  private static final Logger logger = Logger.getLogger(RealManager.class.getName());

  /** Told when the Manager closed, so a registry can forget it. */
  public interface CloseHook {
    void onClosed(RealManager manager);
  }

  final SerialExecutor loop;
  private final ClientContext context;
  private final String uri;
  private final SocketOptions connectionOptions;
  private final EngineOptions engineOptions;
  private final TransportMemory memory = new TransportMemory();
  private final SocketIoProtocol protocol = SocketIoV5.INSTANCE;
  private final CloseHook closeHook;
  private final ConcurrentHashMap<String, RealSocket> sockets = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<ListenerRegistry.Entry<String>> upgradeListeners = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<ListenerRegistry.Entry<TransportException>> upgradeErrorListeners =
      new CopyOnWriteArrayList<>();
  private final SerialExecutor delivery;

  private final CopyOnWriteArrayList<ListenerRegistry.Entry<Integer>> reconnectAttemptListeners = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<ListenerRegistry.Entry<Integer>> reconnectListeners = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<ListenerRegistry.Entry<TransportException>> reconnectErrorListeners =
      new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<ListenerRegistry.Entry<Void>> reconnectFailedListeners = new CopyOnWriteArrayList<>();

  // Owned by the loop.
  private final Backoff backoff;
  /** A reconnection cycle is under way (between a loss and the next successful open or give-up). */
  private boolean reconnecting;
  private boolean suspended;
  /** {@link #pause()}: no connection at all until {@link #resume()}. */
  private boolean paused;
  private Cancellable reconnectTimer = Cancellable.NONE;
  private boolean attemptScheduled;
  private @Nullable EngineSocket engine;
  private SocketIoProtocol.@Nullable Decoder decoder;
  private volatile @Nullable String transport;
  private volatile boolean closed;

  public RealManager(ClientContext context, HttpUrl origin, SocketOptions connectionOptions,
      EngineOptions engineOptions, CloseHook closeHook) {
    this.context = context;
    this.uri = origin.scheme() + "://" + origin.host() + ":" + origin.port();
    this.connectionOptions = connectionOptions;
    this.engineOptions = engineOptions;
    this.closeHook = closeHook;
    this.loop = context.runtime.newLoop("tether " + Redact.url(engineOptions.endpoint()));
    this.delivery = new SerialExecutor(context.callbackExecutor, context.runtime.scheduler(), "manager callbacks");
    this.backoff = new Backoff(connectionOptions.reconnectionDelayMillis(), connectionOptions.reconnectionDelayMaxMillis(),
        connectionOptions.randomizationFactor(), context.random);
  }

  /** The connection options every socket on this Manager shares. */
  public SocketOptions connectionOptions() {
    return connectionOptions;
  }

  @Override public String uri() {
    return uri;
  }

  public boolean isClosed() {
    return closed;
  }

  public boolean hasSocket(String namespace) {
    return sockets.containsKey(namespace);
  }

  @Override public Socket socket(String namespace) {
    if (namespace == null) throw new NullPointerException("namespace == null");
    RealSocket existing = sockets.get(normalizeNamespace(namespace));
    return existing != null ? existing : socket(namespace, connectionOptions); // same options as before
  }

  @Override public Socket socket(String namespace, SocketOptions options) {
    if (namespace == null) throw new NullPointerException("namespace == null");
    if (options == null) throw new NullPointerException("options == null");
    String normalized = normalizeNamespace(namespace);
    if (options != connectionOptions && !sameConnection(connectionOptions, options)) {
      throw new IllegalArgumentException("this connection to " + uri + " uses other connection options (path, "
          + "query, headers, transports, upgrade, timeout) than requested; use forceNew(true) for a separate connection");
    }
    RealSocket existing = sockets.get(normalized);
    if (existing != null) {
      if (existing.options != options && !(existing.options.auth() == options.auth()
          && existing.options.ackTimeoutMillis() == options.ackTimeoutMillis()
          && existing.options.connectTimeoutMillis() == options.connectTimeoutMillis())) {
        throw new IllegalArgumentException("namespace " + normalized + " already has a socket on " + uri
            + " with other options; use forceNew(true) for a separate connection");
      }
      return existing;
    }
    RealSocket created = new RealSocket(this, normalized, options, context);
    RealSocket raced = sockets.putIfAbsent(normalized, created);
    return raced != null ? raced : created;
  }

  /** The rule of {@code SocketOptions.sameConnectionAs}, through the public accessors. */
  private static boolean sameConnection(SocketOptions a, SocketOptions b) {
    return a.path().equals(b.path()) && a.query().equals(b.query()) && a.extraHeaders().equals(b.extraHeaders())
        && a.transports().equals(b.transports()) && a.upgrade() == b.upgrade()
        && a.rememberUpgrade() == b.rememberUpgrade() && a.timeoutMillis() == b.timeoutMillis();
  }

  /** {@code "chat"} and {@code "/chat"} name the same namespace; a {@code ,} is not allowed in it. */
  public static String normalizeNamespace(String namespace) {
    String normalized = namespace.startsWith("/") ? namespace : "/" + namespace;
    if (normalized.indexOf(',') >= 0) throw new IllegalArgumentException("namespace must not contain ',': " + namespace);
    if (normalized.indexOf('?') >= 0) {
      throw new IllegalArgumentException("namespace must not contain a query (Socket.IO v5 does not parse it); "
          + "use SocketOptions.query or auth: " + namespace);
    }
    return normalized;
  }

  @Override public @Nullable String transport() {
    return transport;
  }

  @Override public boolean isOpen() {
    return transport != null;
  }

  @Override public Subscription onUpgrade(Listener<String> listener) {
    return ListenerRegistry.add(upgradeListeners, listener, false);
  }

  @Override public Subscription onUpgradeError(Listener<TransportException> listener) {
    return ListenerRegistry.add(upgradeErrorListeners, listener, false);
  }

  @Override public Subscription onReconnectAttempt(Listener<Integer> listener) {
    return ListenerRegistry.add(reconnectAttemptListeners, listener, false);
  }

  @Override public Subscription onReconnect(Listener<Integer> listener) {
    return ListenerRegistry.add(reconnectListeners, listener, false);
  }

  @Override public Subscription onReconnectError(Listener<TransportException> listener) {
    return ListenerRegistry.add(reconnectErrorListeners, listener, false);
  }

  @Override public Subscription onReconnectFailed(final Runnable listener) {
    if (listener == null) throw new NullPointerException("listener == null");
    return ListenerRegistry.add(reconnectFailedListeners, ignored -> listener.run(), false);
  }

  @Override public void reconnectNow() {
    loop.execute(() -> {
      if (attemptScheduled && !closed && !paused) {
        reconnectTimer.cancel();
        attemptReconnect();
      }
    });
  }

  @Override public void suspendReconnection() {
    loop.execute(() -> {
      suspended = true;
      reconnectTimer.cancel(); // attemptScheduled stays: resume makes the attempt
    });
  }

  @Override public void resumeReconnection() {
    loop.execute(() -> {
      if (!suspended) return;
      suspended = false;
      if (attemptScheduled && !closed && !paused) attemptReconnect();
    });
  }

  @Override public void restartConnection() {
    loop.execute(() -> {
      if (closed || paused) return; // paused: there is no connection, and resume() makes a new one
      EngineSocket current = engine;
      if (current == null) {
        if (attemptScheduled && !suspended) {
          reconnectTimer.cancel();
          attemptReconnect();
        }
        return;
      }
      engineGone();
      current.close(); // tells the server if it still can; we do not wait for it
      // An explicit request: reconnect even when automatic reconnection is off.
      boolean willReconnect = anyActive();
      for (RealSocket socket : new ArrayList<>(sockets.values())) {
        socket.onConnectionClosed(DisconnectReason.TRANSPORT_CLOSE, null, willReconnect);
      }
      if (willReconnect && !suspended) {
        backoff.reset();
        reconnecting = true;
        attemptScheduled = true;
        attemptReconnect();
      } else if (willReconnect) {
        scheduleReconnect();
      }
    });
  }

  @Override public void pause() {
    loop.execute(() -> {
      if (closed || paused) return;
      paused = true;
      reconnectTimer.cancel(); // attemptScheduled stays: resume() makes the attempt
      EngineSocket current = engine;
      if (current == null) return;
      engineGone();
      current.close(); // to the server a transport close: it keeps the sessions for recovery
      boolean willReconnect = anyActive(); // an explicit request: also when automatic reconnection is off
      for (RealSocket socket : new ArrayList<>(sockets.values())) {
        socket.onConnectionClosed(DisconnectReason.TRANSPORT_CLOSE, null, willReconnect);
      }
      if (willReconnect) {
        backoff.reset();
        reconnecting = true;
        attemptScheduled = true;
      }
    });
  }

  @Override public void resume() {
    loop.execute(() -> {
      if (!paused) return;
      paused = false;
      if (closed) return;
      if (attemptScheduled) {
        if (!suspended) attemptReconnect();
      } else if (engine == null && anyActive()) {
        openEngine(); // a socket connected while paused: a first connect, not a reconnection
      }
    });
  }

  @Override public void close() {
    loop.execute(() -> {
      if (closed) return;
      closed = true;
      reconnectTimer.cancel();
      attemptScheduled = false;
      for (RealSocket socket : sockets.values()) socket.disconnect();
      // The disconnects above are queued behind this task; close the connection after them.
      loop.execute(() -> {
        for (RealSocket socket : sockets.values()) socket.markClosed();
        closeEngine();
        closeHook.onClosed(this);
      });
    });
  }

  // ---- loop-side API for sockets ----------------------------------------------------------------

  void requestConnect(RealSocket socket) {
    if (closed) {
      socket.onConnectionClosed(DisconnectReason.IO_CLIENT_DISCONNECT,
          new TransportException(TransportException.Kind.CONNECT_FAILED, "the manager of " + uri + " is closed"), false);
      return;
    }
    EngineSocket current = engine;
    if (current == null) {
      if (attemptScheduled) return; // a reconnection is pending: this socket joins when it opens
      if (paused) return; // joins when resume() opens the connection
      openEngine();
    } else if (current.state() == EngineSocket.State.OPEN) {
      socket.sendConnect();
    }
    // else: opening; every socket that wants the connection joins once it is open
  }

  /** True when a packet sent now would be written at once (for volatile emits). */
  boolean isWritableNow() {
    EngineSocket current = engine;
    return current != null && current.isWritableNow();
  }

  boolean isEngineOpen() {
    EngineSocket current = engine;
    return current != null && current.state() == EngineSocket.State.OPEN;
  }

  /** Writes a packet now. */
  void send(SioPacket packet) throws TransportException {
    EngineSocket current = engine;
    if (current == null || current.state() != EngineSocket.State.OPEN) {
      throw new TransportException(TransportException.Kind.CONNECTION_LOST, "not connected to " + uri);
    }
    current.sendAll(protocol.encode(packet));
  }

  /** A socket stopped using the connection: close it when nobody uses it any more. */
  void onSocketInactive() {
    if (anyActive()) return;
    reconnectTimer.cancel();
    attemptScheduled = false;
    reconnecting = false;
    backoff.reset();
    closeEngine();
  }

  private boolean anyActive() {
    for (RealSocket socket : sockets.values()) {
      if (socket.isActive()) return true;
    }
    return false;
  }

  /** Loop: the connection is down (or did not open); try again after the next backoff delay. */
  private void scheduleReconnect() {
    if (closed || attemptScheduled) return;
    if (backoff.attempts() >= connectionOptions.reconnectionAttempts()) {
      giveUp();
      return;
    }
    reconnecting = true;
    attemptScheduled = true;
    long delay = backoff.nextDelayMillis();
    logger.log(Level.FINE, "{0}: reconnection attempt {1} in {2} ms",
        new Object[] {uri, backoff.attempts(), delay});
    if (!suspended && !paused) reconnectTimer = loop.schedule(this::attemptReconnect, delay, TimeUnit.MILLISECONDS);
  }

  private void attemptReconnect() {
    if (!attemptScheduled || closed) return;
    attemptScheduled = false;
    reconnectTimer = Cancellable.NONE;
    if (!anyActive()) {
      reconnecting = false;
      backoff.reset();
      return;
    }
    if (engine != null) return; // already open or opening
    deliverAll(reconnectAttemptListeners, Math.max(1, backoff.attempts()), "reconnectAttempt");
    openEngine();
  }

  private void giveUp() {
    logger.log(Level.INFO, "{0}: giving up reconnecting after {1} attempts", new Object[] {uri, backoff.attempts()});
    reconnecting = false;
    attemptScheduled = false;
    backoff.reset();
    deliverAll(reconnectFailedListeners, null, "reconnectFailed");
    for (RealSocket socket : new ArrayList<>(sockets.values())) socket.onReconnectFailed();
  }

  private void openEngine() {
    final EngineSocket[] self = new EngineSocket[1];
    self[0] = new EngineSocket(engineOptions, loop, context.runtime, memory, new EngineSocket.Listener() {
      private boolean current() {
        return engine == self[0];
      }

      @Override public void onOpen(Handshake handshake) {
        if (!current()) return;
        transport = self[0].transportName();
        if (reconnecting) {
          deliverAll(reconnectListeners, Math.max(1, backoff.attempts()), "reconnect");
          reconnecting = false;
        }
        backoff.reset();
        for (RealSocket socket : sockets.values()) {
          if (socket.wantsConnection()) socket.sendConnect();
        }
      }

      @Override public void onMessage(EnginePacket message) {
        SocketIoProtocol.Decoder currentDecoder = decoder;
        if (!current() || currentDecoder == null) return;
        SioPacket packet;
        try {
          packet = currentDecoder.decode(message);
        } catch (SioDecodingException e) {
          onParseError(e);
          return;
        }
        if (packet == null) return; // waiting for attachments
        RealSocket socket = sockets.get(packet.namespace());
        if (socket == null) {
          logger.log(Level.FINE, "{0}: packet for unknown namespace {1} ignored", new Object[] {uri, packet.namespace()});
          return;
        }
        socket.onPacket(packet);
      }

      @Override public void onPing() {
      }

      @Override public void onUpgrade(String name) {
        if (!current()) return;
        transport = name;
        deliverAll(upgradeListeners, name, "upgrade");
      }

      @Override public void onUpgradeFailed(TransportException error) {
        if (current()) deliverAll(upgradeErrorListeners, error, "upgradeError");
      }

      @Override public void onOpenFailed(TransportException error) {
        if (!current()) return;
        engineGone();
        if (reconnecting) deliverAll(reconnectErrorListeners, error, "reconnectError");
        connectionLost(DisconnectReason.TRANSPORT_ERROR, error);
      }

      @Override public void onClose(DisconnectReason reason, @Nullable TransportException cause) {
        if (!current()) return;
        engineGone();
        connectionLost(reason, cause);
      }
    });
    engine = self[0];
    decoder = protocol.newDecoder(SocketIoProtocol.Limits.DEFAULT);
    self[0].open();
  }

  /** Loop: tells the sockets and, when the reason allows and someone still needs it, reconnects. */
  private void connectionLost(DisconnectReason reason, @Nullable TransportException cause) {
    boolean willReconnect = reason.isRecoverable() && connectionOptions.reconnection() && !closed && anyActive();
    for (RealSocket socket : new ArrayList<>(sockets.values())) {
      socket.onConnectionClosed(reason, cause, willReconnect);
    }
    if (willReconnect && anyActive()) scheduleReconnect();
  }

  private void onParseError(SioDecodingException e) {
    logger.log(Level.WARNING, "{0}: invalid Socket.IO packet from the server, closing the connection: {1}",
        new Object[] {uri, e.getMessage()});
    EngineSocket broken = engine;
    engineGone();
    if (broken != null) broken.close();
    connectionLost(DisconnectReason.PARSE_ERROR, new TransportException(TransportException.Kind.PROTOCOL_ERROR,
        "invalid Socket.IO packet: " + e.getMessage()));
  }

  private void engineGone() {
    engine = null;
    decoder = null;
    transport = null;
  }

  private void closeEngine() {
    EngineSocket current = engine;
    if (current == null) return;
    engineGone();
    current.close();
  }

  private <T> void deliverAll(final List<ListenerRegistry.Entry<T>> list, final T value, final String what) {
    if (list.isEmpty()) return;
    delivery.execute(() -> ListenerRegistry.dispatch(list, value, what, new ListenerRegistry.Invoker() {
      @Override public <V> void invoke(Listener<V> listener, V v, String name) {
        try {
          listener.on(v);
        } catch (Throwable t) {
          logger.log(Level.WARNING, "manager listener for " + name + " threw", t);
        }
      }
    }));
  }

  @Override public String toString() {
    return "Manager{" + uri + "}";
  }
}
