package dev.tether.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.tether.ConnectionOptions;
import dev.tether.DisconnectReason;
import dev.tether.ListenerErrorHandler;
import dev.tether.SocketOptions;
import dev.tether.Transport;
import dev.tether.TransportException;
import dev.tether.internal.TetherRuntime;
import dev.tether.internal.loop.FakeTaskScheduler;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.wire.Connection;
import dev.tether.internal.wire.Connector;
import dev.tether.internal.wire.IncomingEvent;
import dev.tether.internal.wire.Payload;
import dev.tether.internal.wire.ServerProtocol;
import dev.tether.internal.wire.Target;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * A scripted server below the protocol seam, for tests of what sits above it: every {@link Connection}
 * the Manager opens is a {@link FakeConnection} that does nothing by itself. The test says when it
 * opens, when a namespace joins, what events arrive, when it drops, and when a close the Manager asked
 * for is done. Every timer runs on a {@link FakeTaskScheduler}; the event loop is real, and
 * {@link #onLoop} runs a step on it and waits until it ran (a barrier for everything queued before).
 */
final class FakeServer implements ServerProtocol, Connector, AutoCloseable {
  static final HttpUrl URL = HttpUrl.get("http://fake.invalid/");

  final FakeTaskScheduler scheduler = new FakeTaskScheduler();
  final List<FakeConnection> connections = new CopyOnWriteArrayList<>();
  private final TetherRuntime runtime = TetherRuntime.create(new TetherRuntime.Config().scheduler(scheduler));
  private final ClientContext context;
  final RealManager manager;

  /**
   * @param callbackExecutor where listeners run; {@code Runnable::run} runs them on the loop, in the
   *     step that delivers them, so a barrier covers them too
   */
  FakeServer(ConnectionOptions options, Executor callbackExecutor, ListenerErrorHandler errorHandler) {
    context = new ClientContext(runtime, new PayloadCodec(new Gson()), callbackExecutor, errorHandler, new ZeroJitter());
    manager = new RealManager(context, this, URL, options, closed -> { });
  }

  FakeServer(ConnectionOptions options) {
    this(options, Runnable::run, (manager, socket, event, error) -> { });
  }

  RealSocket socket(String namespace) {
    return (RealSocket) manager.socket(namespace, SocketOptions.builder().connection(manager.options()).build());
  }

  /** Runs {@code step} on the Manager's event loop and waits until it (and everything before it) ran. */
  void onLoop(Runnable step) {
    CountDownLatch done = new CountDownLatch(1);
    manager.loop.execute(() -> {
      try {
        step.run();
      } finally {
        done.countDown();
      }
    });
    try {
      assertThat(done.await(10, TimeUnit.SECONDS)).as("the event loop ran the step").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits until the loop ran everything queued so far. */
  void barrier() {
    onLoop(() -> { });
  }

  /** Advances virtual time, then waits until the timers that came due ran on the loop. */
  void advance(long millis) {
    scheduler.advanceBy(millis, TimeUnit.MILLISECONDS);
    barrier();
  }

  FakeConnection connection(int index) {
    assertThat(connections).as("connections opened").hasSizeGreaterThan(index);
    return connections.get(index);
  }

  FakeConnection last() {
    assertThat(connections).as("connections opened").isNotEmpty();
    return connections.get(connections.size() - 1);
  }

  @Override public void close() {
    manager.close();
    barrier();
    scheduler.advanceBy(1, TimeUnit.MINUTES);
    context.shutdown();
    runtime.close();
  }

  // ---- ServerProtocol and Connector ------------------------------------------------------------

  @Override public Target target(HttpUrl url, ConnectionOptions options) {
    return new Target(url, normalizeNamespace(url.encodedPath()), null);
  }

  @Override public String normalizeNamespace(String namespace) {
    return namespace.startsWith("/") ? namespace : "/" + namespace;
  }

  @Override public void checkSocketOptions(String namespace, SocketOptions options) {
  }

  @Override public void checkEmit(Payload payload, boolean withAck) {
  }

  @Override public void checkAck(Payload payload) {
  }

  @Override public Connector connector(HttpUrl server, ConnectionOptions options, TetherRuntime runtime,
      SerialExecutor loop) {
    return this;
  }

  @Override public Connection newConnection(Connection.Listener listener) {
    FakeConnection connection = new FakeConnection(listener);
    connections.add(connection);
    return connection;
  }

  /** Reconnection delays without jitter: exactly {@code base * 2^n}, capped. */
  private static final class ZeroJitter extends Random {
    private static final long serialVersionUID = 1L;

    @Override public double nextDouble() {
      return 0;
    }
  }

  /** One connection, driven by the test. Its methods run on the loop (as {@link Connection} requires). */
  final class FakeConnection implements Connection {
    final Connection.Listener listener;
    final List<String> joins = new CopyOnWriteArrayList<>();
    final List<Connection.@Nullable Recovery> recoveries = new CopyOnWriteArrayList<>();
    final List<JsonArray> emits = new CopyOnWriteArrayList<>();
    volatile boolean openCalled;
    volatile boolean open;
    volatile boolean closeRequested;
    private volatile @Nullable Runnable whenClosed;

    FakeConnection(Connection.Listener listener) {
      this.listener = listener;
    }

    // -- what the test makes the server do (each waits until the loop handled it) --

    /** The handshake succeeded. */
    void accept() {
      onLoop(() -> {
        open = true;
        listener.onOpen();
      });
    }

    /** The server accepted the namespace, with a session id to recover later. */
    void joined(String namespace, @Nullable String pid) {
      onLoop(() -> listener.onJoined(namespace, "id-" + connections.indexOf(this), pid));
    }

    /** The connection dropped (the server, the network). */
    void drop() {
      onLoop(() -> {
        open = false;
        listener.onClosed(DisconnectReason.TRANSPORT_CLOSE, null);
      });
    }

    /** The handshake failed. */
    void refuse() {
      onLoop(() -> listener.onOpenFailed(new TransportException(TransportException.Kind.CONNECT_FAILED, "refused")));
    }

    /** Events arrive, each claiming {@code wireBytes} as received. */
    void events(String namespace, int from, int count, long wireBytes) {
      onLoop(() -> {
        for (int i = from; i < from + count; i++) {
          JsonArray args = new JsonArray();
          args.add(i);
          List<okio.ByteString> none = Collections.emptyList();
          listener.onEvent(new IncomingEvent(namespace, "counted", args, none, null, "offset-" + i, wireBytes));
        }
      });
    }

    /** The close the Manager asked for is done (its goodbye reached the server). */
    void closeCompleted() {
      onLoop(() -> {
        Runnable then = whenClosed;
        whenClosed = null;
        if (then != null) then.run();
      });
    }

    // -- Connection --

    @Override public void open() {
      openCalled = true;
    }

    @Override public boolean isOpen() {
      return open && !closeRequested;
    }

    @Override public @Nullable Transport transport() {
      return isOpen() ? Transport.WEBSOCKET : null;
    }

    @Override public boolean isWritableNow() {
      return isOpen();
    }

    @Override public void join(String namespace, @Nullable JsonObject auth, @Nullable Recovery recovery)
        throws TransportException {
      requireOpen();
      joins.add(namespace);
      recoveries.add(recovery);
    }

    @Override public void leave(String namespace) {
    }

    @Override public boolean hasRoom() {
      return true;
    }

    /** Takes every emit at once: reported written before the call returns, as a fast transport would. */
    @Override public long emit(String namespace, Payload payload, @Nullable Long ackId, Object tag)
        throws TransportException {
      requireOpen();
      emits.add(payload.json);
      listener.onWritten(Collections.singletonList(tag));
      return 0;
    }

    @Override public void ack(String namespace, long ackId, Payload payload) throws TransportException {
      requireOpen();
    }

    @Override public void close() {
      closeRequested = true;
    }

    @Override public void close(Runnable whenClosed) {
      closeRequested = true;
      this.whenClosed = whenClosed;
    }

    private void requireOpen() throws TransportException {
      if (!isOpen()) throw new TransportException(TransportException.Kind.CONNECTION_LOST, "not open");
    }

    /** The recovery the last join asked for. */
    Connection.@Nullable Recovery lastRecovery() {
      List<Connection.@Nullable Recovery> all = new ArrayList<>(recoveries);
      assertThat(all).as("joins").isNotEmpty();
      return all.get(all.size() - 1);
    }
  }
}
