package dev.tether.jmeter.internal;

import dev.tether.ConnectError;
import dev.tether.ConnectionState;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Subscription;
import dev.tether.TransportException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.jmeter.threads.JMeterVariables;

/**
 * One JMeter thread's socket and the {@link Inbox} of what it received. Kept in the thread's
 * variables, so every Tether sampler of that thread finds it; at most one per thread.
 *
 * <p>Thread-safe: Tether's callback threads feed it, the JMeter thread uses it.
 */
public final class VirtualUser {
  private static final String VARIABLE = "__tether.virtualUser";

  private final Socket socket;
  private final Inbox inbox;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ConnectError lastConnectError;
  private volatile TransportException lastConnectionError;

  private VirtualUser(Socket socket, int inboxCapacity) {
    this.socket = socket;
    this.inbox = new Inbox(inboxCapacity);
  }

  /** This thread's virtual user, or null before its connect sampler ran (or after disconnect). */
  public static VirtualUser of(JMeterVariables variables) {
    return variables == null ? null : (VirtualUser) variables.getObject(VARIABLE);
  }

  /**
   * Creates this thread's virtual user for {@code url} and starts connecting. An earlier one of the
   * same thread is closed first: each connect sampler gives its thread a fresh connection.
   */
  public static VirtualUser open(JMeterVariables variables, String url, SocketOptions options,
      int inboxCapacity) {
    VirtualUser previous = of(variables);
    if (previous != null) previous.close();
    // forceNew: every virtual user has a connection of its own, as a real client would
    Socket socket = SharedTether.get().socket(url, options.newBuilder().forceNew(true).build());
    VirtualUser user = new VirtualUser(socket, inboxCapacity);
    user.listen();
    variables.putObject(VARIABLE, user);
    SharedTether.register(user);
    return user;
  }

  private void listen() {
    socket.onAny(event -> inbox.add(ReceivedEvent.of(event)));
    socket.onConnect(inbox::reopen);
    socket.onDisconnect(reason -> {
      if (!socket.isActive()) inbox.end("disconnected (" + reason.wireName() + ")");
    });
    socket.onConnectError(error -> {
      lastConnectError = error;
      if (!socket.isActive()) inbox.end("connect error: " + describe(error));
    });
    socket.manager().onConnectionError(error -> lastConnectionError = error);
  }

  public Socket socket() {
    return socket;
  }

  public Inbox inbox() {
    return inbox;
  }

  /**
   * Connects and waits until the namespace is joined, refused, or the timeout passes.
   *
   * @return null when connected, else what went wrong (the socket is then disconnected)
   */
  public Failure connect(long timeoutMillis) throws InterruptedException {
    CompletableFuture<Failure> outcome = new CompletableFuture<>();
    Subscription connected = socket.onConnect(() -> outcome.complete(null));
    Subscription stopped = socket.onStateChange(state -> {
      // refused, or the connection failed with reconnection off: no point in waiting longer
      if (state == ConnectionState.DISCONNECTED || state == ConnectionState.CLOSED) {
        ConnectError error = lastConnectError;
        outcome.complete(error == null
            ? new Failure(Failure.DISCONNECTED, "disconnected while connecting", null)
            : new Failure(Failure.CONNECT_ERROR, "connect error: " + describe(error), dataOf(error)));
      }
    });
    socket.connect();
    try {
      return outcome.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      ConnectError error = lastConnectError;
      socket.disconnect();
      return new Failure(Failure.TIMEOUT, "not connected within " + timeoutMillis + " ms"
          + (error == null ? "" : "; last connect error: " + describe(error)), dataOf(error));
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      connected.close();
      stopped.close();
    }
  }

  /** The reason a lost connection gives, for failure messages. */
  public String whyNotConnected() {
    TransportException error = lastConnectionError;
    ConnectionState state = socket.state();
    String why = "not connected (" + state.name().toLowerCase(java.util.Locale.ROOT) + ")";
    return error == null ? why : why + "; last connection error: " + error.getMessage();
  }

  /** Disconnects and forgets this virtual user. Idempotent. */
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    SharedTether.unregister(this);
    socket.close();
  }

  /** Closes this thread's virtual user, if any, and removes it from the variables. */
  public static VirtualUser remove(JMeterVariables variables) {
    if (variables == null) return null;
    VirtualUser user = (VirtualUser) variables.remove(VARIABLE);
    if (user != null) user.close();
    return user;
  }

  static String describe(ConnectError error) {
    String data = dataOf(error);
    return error.message() + (data == null ? "" : " " + data);
  }

  private static String dataOf(ConnectError error) {
    return error == null || error.dataJson() == null ? null : error.dataJson().toString();
  }

  /** Why a sampler failed: a response code, a message for people, and data for assertions. Immutable. */
  public static final class Failure {
    public static final String CONNECT_ERROR = "CONNECT_ERROR";
    public static final String DISCONNECTED = "DISCONNECTED";
    public static final String TIMEOUT = "TIMEOUT";

    public final String code;
    public final String message;
    public final String data; // may be null

    public Failure(String code, String message, String data) {
      this.code = code;
      this.message = message;
      this.data = data;
    }
  }
}
