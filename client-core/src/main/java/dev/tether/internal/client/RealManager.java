package dev.tether.internal.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tether.ConnectionOptions;
import dev.tether.DisconnectReason;
import dev.tether.Listener;
import dev.tether.Manager;
import dev.tether.ServerClose;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * How long a connection must stay open after a namespace joined on it before it counts as useful
   * and the reconnection backoff starts over. An open alone proves little: a server that answers the
   * handshake and then fails at once (a huge poll body cut off, a crash on the first event) would
   * otherwise be reconnected to every base delay forever. Five seconds is the default maximum delay,
   * so such a server is never retried faster than one that refuses connections outright, and it is
   * far shorter than anything a user would call a later, unrelated drop.
   */
  static final long USEFUL_AFTER_MILLIS = 5_000;

  /**
   * The longest a reconnection waits for the connection it closed itself ({@link #restartConnection},
   * {@link #pause}, listeners that fell behind) to finish its goodbye, so the server has handled that
   * close, and stored the session for recovery, before the new connection asks to resume it.
   */
  static final long CLOSE_WAIT_MILLIS = 1_000;

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
  /** Connections closing gracefully, and what waits for all of them to finish. */
  private int goodbyesInFlight;
  private final List<Runnable> afterGoodbyes = new ArrayList<>();
  /** Which socket flushes first on the next {@code onWritable}. */
  private int writableTurn;
  private @Nullable Connection connection;
  /** Makes the backoff start over once the current connection proved useful ({@link #USEFUL_AFTER_MILLIS}). */
  private Cancellable usefulTimer = Cancellable.NONE;
  private boolean usefulTimerArmed;
  /**
   * Set while a connection we closed is still saying goodbye (at most {@link #CLOSE_WAIT_MILLIS}): no
   * reconnection attempt opens meanwhile. Identifies the wait, so a stale completion is ignored.
   */
  private @Nullable Object closeWait;
  private Cancellable closeWaitTimer = Cancellable.NONE;
  /** An attempt came due during the close wait: it is made when the wait ends. */
  private boolean attemptAfterCloseWait;
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
      closeAndWait(current); // the new connection opens once the server has handled this close
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
      closeAndWait(current); // to the server a transport close: it keeps the sessions for recovery
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
      endCloseWait();
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

  /** Returns the bytes the emit adds to the connection's queue; see {@link Connection#emit}. */
  long emit(String namespace, Outgoing outgoing, @Nullable Long ackId) throws TransportException {
    return requireOpen().emit(namespace, outgoing.payload, ackId, outgoing);
  }

  /** Loop: true when the connection takes more emits now (see {@link Connection#hasRoom()}). */
  boolean connectionHasRoom() {
    Connection current = connection;
    return current != null && current.isOpen() && current.hasRoom();
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
    if (closeWait != null) {
      attemptAfterCloseWait = true; // attemptScheduled stays: nothing else opens a connection meanwhile
      return;
    }
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
    // The sockets first: a reconnectFailed listener, which may run at once on another thread, sees
    // them disconnected.
    for (RealSocket socket : new ArrayList<>(sockets.values())) socket.onReconnectFailed();
    delivery.deliverAll(reconnectFailedListeners, null, "reconnectFailed");
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
      // The backoff starts over only once this connection proved useful (see connectionUseful).
      for (RealSocket socket : sockets.values()) {
        if (socket.wantsConnection()) socket.join();
      }
    }

    @Override public void onJoined(String namespace, @Nullable String id, @Nullable String pid) {
      RealSocket socket = socket(namespace);
      if (socket == null) return;
      socket.onJoined(id, pid);
      if (socket.isConnected()) namespaceJoined();
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

    @Override public void onServerClose(ServerClose close) {
      if (!isCurrent()) return;
      for (RealSocket socket : sockets.values()) socket.onServerClose(close);
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

    // Emits are told about whichever connection carried them: their owner counts and keeps them.

    @Override public void onWritten(List<Object> tags) {
      for (Object tag : tags) {
        Outgoing outgoing = (Outgoing) tag;
        outgoing.owner.onWritten(outgoing);
      }
    }

    @Override public void onUnsent(List<Object> tags) {
      Map<RealSocket, List<Outgoing>> byOwner = new LinkedHashMap<>();
      for (Object tag : tags) {
        Outgoing outgoing = (Outgoing) tag;
        List<Outgoing> list = byOwner.get(outgoing.owner);
        if (list == null) byOwner.put(outgoing.owner, list = new ArrayList<>());
        list.add(outgoing);
      }
      for (Map.Entry<RealSocket, List<Outgoing>> entry : byOwner.entrySet()) entry.getKey().onUnsent(entry.getValue());
    }

    @Override public void onWritable() {
      if (!isCurrent()) return;
      // Round robin: the socket that went first last time goes last now, so no namespace starves.
      List<RealSocket> turn = new ArrayList<>(sockets.values());
      if (turn.isEmpty()) return;
      int first = writableTurn++ % turn.size();
      for (int i = 0; i < turn.size(); i++) {
        if (!connectionHasRoom()) return;
        turn.get((first + i) % turn.size()).flushSendBuffer();
      }
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
    usefulTimer.cancel();
    usefulTimer = Cancellable.NONE;
    usefulTimerArmed = false;
  }

  /**
   * Loop: a namespace joined on the current connection. Once the connection has stayed open for
   * {@link #USEFUL_AFTER_MILLIS} after its first join, it was useful, and the backoff starts over: the
   * next loss is retried after the base delay again. A connection that fails sooner (or never gets a
   * namespace joined) does not reset it, so a server that accepts and then drops every connection is
   * retried with growing delays, and those opens count towards {@code reconnectionAttempts}.
   */
  private void namespaceJoined() {
    if (usefulTimerArmed) return;
    usefulTimerArmed = true;
    final Connection joinedOn = connection;
    usefulTimer = loop.schedule(() -> {
      if (connection == joinedOn && joinedOn != null) backoff.reset();
    }, USEFUL_AFTER_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Loop: closes {@code old}, which is no longer the current connection, and holds every reconnection
   * attempt until its goodbye is done or {@link #CLOSE_WAIT_MILLIS} passed, whichever comes first: a
   * new connection's join must not reach the server before it handled the old close, or there is no
   * session yet to recover. An attempt that comes due meanwhile (including {@code reconnectNow},
   * {@code resume} and {@code resumeReconnection}) is made when the wait ends; {@code attemptScheduled}
   * stays set, so nothing else opens a connection during the wait.
   */
  private void closeAndWait(Connection old) {
    final Object wait = new Object();
    closeWaitTimer.cancel();
    closeWait = wait;
    attemptAfterCloseWait = false;
    closeWaitTimer = loop.schedule(() -> closeWaitOver(wait), CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    old.close(() -> closeWaitOver(wait));
  }

  /** Loop: the old connection said goodbye, or the wait's cap passed. */
  private void closeWaitOver(Object wait) {
    if (closeWait != wait) return; // a later wait replaced it, or the Manager closed
    boolean attempt = attemptAfterCloseWait;
    endCloseWait();
    if (attempt && !suspended && !paused) attemptReconnect();
  }

  private void endCloseWait() {
    closeWait = null;
    attemptAfterCloseWait = false;
    closeWaitTimer.cancel();
    closeWaitTimer = Cancellable.NONE;
  }

  /**
   * Loop: the listeners of {@code socket} fell too far behind the events the server sends. A reader
   * cannot be paused (OkHttp reads a WebSocket, or a poll body, as fast as it arrives), so the only
   * bound is to drop the connection: it reconnects like after any transport error, and with connection
   * state recovery on the server the events sent meanwhile are replayed once the listeners caught up.
   */
  void listenersBehind(RealSocket socket, TransportException error) {
    Connection current = connection;
    if (current == null) return;
    logger.log(Level.WARNING, "{0}: {1}; closing the connection to {2} (it reconnects)",
        new Object[] {socket, error.getMessage(), uri});
    connectionGone();
    closeAndWait(current);
    connectionLost(DisconnectReason.TRANSPORT_ERROR, error);
  }

  private void closeConnection() {
    closeConnection(() -> { });
  }

  /**
   * Closes the connection, if any; {@code then} runs on the loop once its goodbye is done — and once
   * every earlier goodbye is done too, so that closing the Manager right after its last socket left
   * does not cut off what that socket still had to write.
   */
  private void closeConnection(Runnable then) {
    Connection current = connection;
    if (current == null) {
      if (goodbyesInFlight == 0) {
        then.run();
      } else {
        afterGoodbyes.add(then);
      }
      return;
    }
    connectionGone();
    goodbyesInFlight++;
    afterGoodbyes.add(then);
    current.close(() -> {
      if (--goodbyesInFlight > 0) return;
      List<Runnable> ready = new ArrayList<>(afterGoodbyes);
      afterGoodbyes.clear();
      for (Runnable task : ready) task.run();
    });
  }

  @Override public String toString() {
    return "Manager{" + uri + "}";
  }
}
