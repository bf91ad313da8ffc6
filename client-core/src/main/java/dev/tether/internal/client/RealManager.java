package dev.tether.internal.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tether.ConnectionOptions;
import dev.tether.DisconnectReason;
import dev.tether.Listener;
import dev.tether.Manager;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Subscription;
import dev.tether.Transport;
import dev.tether.TransportException;
import dev.tether.internal.loop.Cancellable;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.util.Redact;
import dev.tether.internal.wire.Connection;
import dev.tether.internal.wire.Connector;
import dev.tether.internal.wire.IncomingEvent;
import dev.tether.internal.wire.Payload;
import dev.tether.internal.wire.ServerProtocol;
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
 * One connection to a server and the namespaces multiplexed on it: opening, losing and reopening the
 * {@link Connection} (reconnection with backoff), and routing what it reports to the sockets. How the
 * server speaks is the {@link ServerProtocol}'s business. All state lives on the Manager's event loop;
 * public methods are thread-safe and post to it.
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
  private final ConnectionOptions options;
  private final ServerProtocol protocol;
  private final Connector connector;
  private final CloseHook closeHook;
  private final ConcurrentHashMap<String, RealSocket> sockets = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<ListenerRegistry.Entry<Transport>> upgradeListeners = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<ListenerRegistry.Entry<TransportException>> upgradeErrorListeners =
      new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<ListenerRegistry.Entry<TransportException>> connectionErrorListeners =
      new CopyOnWriteArrayList<>();
  private final Delivery delivery;

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
  private @Nullable Connection connection;
  /** What carries the open connection, published for {@link #transport()}; null while not open. */
  private volatile @Nullable Transport transport;
  private volatile boolean closed;

  public RealManager(ClientContext context, ServerProtocol protocol, HttpUrl server, ConnectionOptions options,
      CloseHook closeHook) {
    this.context = context;
    this.protocol = protocol;
    this.uri = server.scheme() + "://" + server.host() + ":" + server.port();
    this.options = options;
    this.closeHook = closeHook;
    this.loop = context.runtime.newLoop("tether " + Redact.url(server));
    this.connector = protocol.connector(server, options, context.runtime, loop);
    this.delivery = new Delivery(context, this, null, "manager callbacks");
    this.backoff = new Backoff(options.reconnectionDelayMillis(), options.reconnectionDelayMaxMillis(),
        options.randomizationFactor(), context.random);
  }

  @Override public ConnectionOptions options() {
    return options;
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
    RealSocket existing = sockets.get(protocol.normalizeNamespace(namespace));
    return existing != null ? existing : socket(namespace, SocketOptions.builder().connection(options).build());
  }

  @Override public Socket socket(String namespace, SocketOptions socketOptions) {
    if (namespace == null) throw new NullPointerException("namespace == null");
    if (socketOptions == null) throw new NullPointerException("options == null");
    String normalized = protocol.normalizeNamespace(namespace);
    checkSameConnection(socketOptions.connection());
    protocol.checkSocketOptions(normalized, socketOptions);
    RealSocket existing = sockets.get(normalized);
    if (existing != null) {
      if (!existing.options().equals(socketOptions)) {
        throw new IllegalArgumentException("namespace " + normalized + " already has a socket on " + uri
            + " with other options; use forceNew(true) for a separate connection");
      }
      return existing;
    }
    RealSocket created = new RealSocket(this, normalized, socketOptions, context, protocol);
    RealSocket raced = sockets.putIfAbsent(normalized, created);
    return raced != null ? raced : created;
  }

  /** The one "same connection" rule: equal {@link ConnectionOptions}. */
  public void checkSameConnection(ConnectionOptions requested) {
    if (!options.equals(requested)) {
      throw new IllegalArgumentException("the connection to " + uri + " has other connection options (" + options
          + ") than requested (" + requested + "); use SocketOptions.forceNew(true) for a separate connection");
    }
  }

  @Override public @Nullable Transport transport() {
    return transport;
  }

  @Override public boolean isOpen() {
    return transport != null;
  }

  /** A blocking helper called from {@code method} would deadlock on a Tether thread: refuse it. */
  void checkMayBlock(String method) {
    if (context.isDelivering() || loop.inLoop()) {
      throw new IllegalStateException(method + " would block a Tether callback or event-loop thread and "
          + "deadlock; use the asynchronous API there");
    }
  }

  @Override public Subscription onUpgrade(Listener<Transport> listener) {
    return ListenerRegistry.add(upgradeListeners, listener, false);
  }

  @Override public Subscription onUpgradeError(Listener<TransportException> listener) {
    return ListenerRegistry.add(upgradeErrorListeners, listener, false);
  }

  @Override public Subscription onConnectionError(Listener<TransportException> listener) {
    return ListenerRegistry.add(connectionErrorListeners, listener, false);
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
      Connection current = connection;
      if (current == null) {
        if (attemptScheduled && !suspended) {
          reconnectTimer.cancel();
          attemptReconnect();
        }
        return;
      }
      connectionGone();
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
      Connection current = connection;
      if (current == null) return;
      connectionGone();
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
      } else if (connection == null && anyActive()) {
        openConnection(); // a socket connected while paused: a first connect, not a reconnection
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
        closeConnection(() -> closeHook.onClosed(this));
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
    Connection current = connection;
    if (current == null) {
      if (attemptScheduled) return; // a reconnection is pending: this socket joins when it opens
      if (paused) return; // joins when resume() opens the connection
      openConnection();
    } else if (current.isOpen()) {
      socket.join();
    }
    // else: opening; every socket that wants the connection joins once it is open
  }

  /** Loop: true when the connection is open (the loop's view; {@link #isOpen()} is the published one). */
  boolean isConnectionOpen() {
    Connection current = connection;
    return current != null && current.isOpen();
  }

  /** True when the transport has no write in flight, so a volatile emit may go (see {@link Connection#isWritableNow}). */
  boolean isWritableNow() {
    Connection current = connection;
    return current != null && current.isWritableNow();
  }

  void join(String namespace, @Nullable JsonObject auth, Connection.@Nullable Recovery recovery)
      throws TransportException {
    requireOpen().join(namespace, auth, recovery);
  }

  void leave(String namespace) {
    Connection current = connection;
    if (current != null) current.leave(namespace);
  }

  void emit(String namespace, Payload payload, @Nullable Long ackId) throws TransportException {
    requireOpen().emit(namespace, payload, ackId);
  }

  void ack(String namespace, long ackId, Payload payload) throws TransportException {
    requireOpen().ack(namespace, ackId, payload);
  }

  private Connection requireOpen() throws TransportException {
    Connection current = connection;
    if (current == null || !current.isOpen()) {
      throw new TransportException(TransportException.Kind.CONNECTION_LOST, "not connected to " + uri);
    }
    return current;
  }

  /** A socket stopped using the connection: close it when nobody uses it any more. */
  void onSocketInactive() {
    if (anyActive()) return;
    reconnectTimer.cancel();
    attemptScheduled = false;
    reconnecting = false;
    backoff.reset();
    closeConnection();
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
    if (backoff.attempts() >= options.reconnectionAttempts()) {
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
    if (connection != null) return; // already open or opening
    delivery.deliverAll(reconnectAttemptListeners, Math.max(1, backoff.attempts()), "reconnectAttempt");
    openConnection();
  }

  private void giveUp() {
    logger.log(Level.INFO, "{0}: giving up reconnecting after {1} attempts", new Object[] {uri, backoff.attempts()});
    reconnecting = false;
    attemptScheduled = false;
    backoff.reset();
    delivery.deliverAll(reconnectFailedListeners, null, "reconnectFailed");
    for (RealSocket socket : new ArrayList<>(sockets.values())) socket.onReconnectFailed();
  }

  private void openConnection() {
    final Connection[] self = new Connection[1];
    self[0] = connector.newConnection(new ConnectionListener() {
      @Override boolean isCurrent() {
        return connection == self[0];
      }
    });
    connection = self[0];
    self[0].open();
  }

  /** Routes what the current connection reports; reports of an older connection are ignored. */
  private abstract class ConnectionListener implements Connection.Listener {
    abstract boolean isCurrent();

    private @Nullable RealSocket socket(String namespace) {
      if (!isCurrent()) return null;
      RealSocket socket = sockets.get(namespace);
      if (socket == null) {
        logger.log(Level.FINE, "{0}: packet for unknown namespace {1} ignored", new Object[] {uri, namespace});
      }
      return socket;
    }

    @Override public void onOpen() {
      if (!isCurrent()) return;
      Connection current = connection;
      transport = current == null ? null : current.transport();
      if (reconnecting) {
        delivery.deliverAll(reconnectListeners, Math.max(1, backoff.attempts()), "reconnect");
        reconnecting = false;
      }
      backoff.reset();
      for (RealSocket socket : sockets.values()) {
        if (socket.wantsConnection()) socket.join();
      }
    }

    @Override public void onJoined(String namespace, @Nullable String id, @Nullable String pid) {
      RealSocket socket = socket(namespace);
      if (socket != null) socket.onJoined(id, pid);
    }

    @Override public void onJoinRefused(String namespace, String message, @Nullable JsonElement data) {
      RealSocket socket = socket(namespace);
      if (socket != null) socket.onJoinRefused(message, data);
    }

    @Override public void onKicked(String namespace) {
      RealSocket socket = socket(namespace);
      if (socket != null) socket.onKicked();
    }

    @Override public void onEvent(IncomingEvent event) {
      RealSocket socket = socket(event.namespace);
      if (socket != null) socket.onEvent(event);
    }

    @Override public void onAck(String namespace, long ackId, Payload args) {
      RealSocket socket = socket(namespace);
      if (socket != null) socket.onAck(ackId, args);
    }

    @Override public void onUpgrade(Transport name) {
      if (!isCurrent()) return;
      transport = name;
      delivery.deliverAll(upgradeListeners, name, "upgrade");
    }

    @Override public void onUpgradeFailed(TransportException error) {
      if (isCurrent()) delivery.deliverAll(upgradeErrorListeners, error, "upgradeError");
    }

    @Override public void onOpenFailed(TransportException error) {
      if (!isCurrent()) return;
      connectionGone();
      if (reconnecting) delivery.deliverAll(reconnectErrorListeners, error, "reconnectError");
      connectionLost(DisconnectReason.TRANSPORT_ERROR, error);
    }

    @Override public void onClosed(DisconnectReason reason, @Nullable TransportException cause) {
      if (!isCurrent()) return;
      connectionGone();
      if (cause != null) {
        logger.log(Level.INFO, "{0}: connection lost ({1}): {2}", new Object[] {uri, reason, cause.getMessage()});
        delivery.deliverAll(connectionErrorListeners, cause, "connectionError");
      }
      connectionLost(reason, cause);
    }
  }

  /** Loop: tells the sockets and, when the reason allows and someone still needs it, reconnects. */
  private void connectionLost(DisconnectReason reason, @Nullable TransportException cause) {
    boolean willReconnect = reason.isRecoverable() && options.reconnection() && !closed && anyActive();
    for (RealSocket socket : new ArrayList<>(sockets.values())) {
      socket.onConnectionClosed(reason, cause, willReconnect);
    }
    if (willReconnect && anyActive()) scheduleReconnect();
  }

  private void connectionGone() {
    connection = null;
    transport = null;
  }

  private void closeConnection() {
    closeConnection(() -> { });
  }

  /** Closes the connection, if any; {@code then} runs on the loop once its goodbye is done. */
  private void closeConnection(Runnable then) {
    Connection current = connection;
    if (current == null) {
      then.run();
      return;
    }
    connectionGone();
    current.close(then);
  }

  @Override public String toString() {
    return "Manager{" + uri + "}";
  }
}
