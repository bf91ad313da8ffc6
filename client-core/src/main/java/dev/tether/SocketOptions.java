package dev.tether;

import dev.tether.internal.util.Checks;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Options of one socket (a namespace), and of the connection it asks for. Immutable; build with
 * {@link #builder()}, derive with {@link #newBuilder()}. Unset values use the documented defaults.
 *
 * <p>Two layers, as in the JavaScript client: {@link #connection()} holds what belongs to the
 * {@link Manager} that sockets share (URL path, query, headers, transports, timeout, reconnection;
 * see {@link ConnectionOptions}); the rest belongs to this socket (auth, ack defaults, the send buffer,
 * the event history). The builder sets both: the connection settings as shortcuts, or as a whole with
 * {@link Builder#connection(ConnectionOptions)}. Sockets share a connection only when their connection
 * options are equal ({@link ConnectionOptions#equals}); {@link Builder#forceNew(boolean)} asks for a
 * separate connection.
 *
 * <p>Immutable and thread-safe.
 */
public final class SocketOptions {
  static final SocketOptions DEFAULT = builder().build();

  private final boolean forceNew;
  private final boolean multiplex;
  private final ConnectionOptions connection;
  private final @Nullable AuthProvider auth;
  private final long ackTimeoutMillis;
  private final long connectTimeoutMillis;
  private final int sendBufferMaxPackets;
  private final long sendBufferMaxBytes;
  private final OverflowPolicy overflowPolicy;
  private final int retries;
  private final int eventHistoryMaxEvents;
  private final long eventHistoryMaxBytes;

  private SocketOptions(Builder builder) {
    forceNew = builder.forceNew;
    multiplex = builder.multiplex;
    connection = builder.connection.build();
    auth = builder.auth;
    ackTimeoutMillis = builder.ackTimeoutMillis;
    connectTimeoutMillis = builder.connectTimeoutMillis;
    sendBufferMaxPackets = builder.sendBufferMaxPackets;
    sendBufferMaxBytes = builder.sendBufferMaxBytes;
    overflowPolicy = builder.overflowPolicy;
    retries = builder.retries;
    eventHistoryMaxEvents = builder.eventHistoryMaxEvents;
    eventHistoryMaxBytes = builder.eventHistoryMaxBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder newBuilder() {
    return new Builder(this);
  }

  /** Always open a new connection for this socket instead of sharing one. Default false. */
  public boolean forceNew() {
    return forceNew;
  }

  /** Share one connection among the namespaces of one server. Default true. */
  public boolean multiplex() {
    return multiplex;
  }

  /** The options of the connection this socket asks for. */
  public ConnectionOptions connection() {
    return connection;
  }

  /** The namespace CONNECT payload, evaluated on every connect; null for none. Not for a plain WebSocket (no CONNECT). */
  public @Nullable AuthProvider auth() {
    return auth;
  }

  /**
   * The fixed auth payload set with {@link Builder#auth(Object)}, or null when there is none or the auth
   * is an {@link AuthProvider} (which is evaluated only before each connect).
   */
  public @Nullable Object fixedAuth() {
    return auth instanceof FixedAuth ? ((FixedAuth) auth).value : null;
  }

  /** Timeout for every {@code emitWithAck} of this socket, counted from the emit; 0 = none (the default). */
  public long ackTimeoutMillis() {
    return ackTimeoutMillis;
  }

  /** How long the server may take to answer a namespace CONNECT. Default 20 s. */
  public long connectTimeoutMillis() {
    return connectTimeoutMillis;
  }

  /** Most emits the send buffer holds while the socket is not connected. Default 1000. */
  public int sendBufferMaxPackets() {
    return sendBufferMaxPackets;
  }

  /** Most bytes (serialized JSON plus binary) the send buffer holds. Default 16 MiB. */
  public long sendBufferMaxBytes() {
    return sendBufferMaxBytes;
  }

  /** What a full send buffer does. Default {@link OverflowPolicy#FAIL_NEWEST}. */
  public OverflowPolicy overflowPolicy() {
    return overflowPolicy;
  }

  /** Retries of every {@code emitWithAck} (see {@link AckCall#retries(int)}). Default 0. */
  public int retries() {
    return retries;
  }

  /** Most received events kept for {@link Socket#awaitEvent}. Default 128; 0 keeps none. */
  public int eventHistoryMaxEvents() {
    return eventHistoryMaxEvents;
  }

  /** Most bytes (as received, binary included) of the events kept for {@link Socket#awaitEvent}. Default 4 MiB. */
  public long eventHistoryMaxBytes() {
    return eventHistoryMaxBytes;
  }

  /** Equal when every option is, the connection's included; an auth provider compares by identity. */
  @Override public boolean equals(@Nullable Object o) {
    if (this == o) return true;
    if (!(o instanceof SocketOptions)) return false;
    SocketOptions other = (SocketOptions) o;
    return forceNew == other.forceNew && multiplex == other.multiplex && connection.equals(other.connection)
        && (auth == null ? other.auth == null : auth.equals(other.auth))
        && ackTimeoutMillis == other.ackTimeoutMillis && connectTimeoutMillis == other.connectTimeoutMillis
        && sendBufferMaxPackets == other.sendBufferMaxPackets && sendBufferMaxBytes == other.sendBufferMaxBytes
        && overflowPolicy == other.overflowPolicy && retries == other.retries
        && eventHistoryMaxEvents == other.eventHistoryMaxEvents && eventHistoryMaxBytes == other.eventHistoryMaxBytes;
  }

  @Override public int hashCode() {
    int h = connection.hashCode();
    h = 31 * h + (auth == null ? 0 : auth.hashCode());
    h = 31 * h + (int) (ackTimeoutMillis ^ (ackTimeoutMillis >>> 32));
    h = 31 * h + (int) (connectTimeoutMillis ^ (connectTimeoutMillis >>> 32));
    h = 31 * h + sendBufferMaxPackets;
    h = 31 * h + overflowPolicy.hashCode();
    h = 31 * h + retries;
    return 31 * h + eventHistoryMaxEvents + (forceNew ? 1 : 0) + (multiplex ? 2 : 0);
  }

  /** A fixed auth payload; equal to another with an equal payload. */
  private static final class FixedAuth implements AuthProvider {
    private final Object value;

    FixedAuth(Object value) {
      this.value = value;
    }

    @Override public Object auth() {
      return value;
    }

    @Override public boolean equals(@Nullable Object o) {
      return o instanceof FixedAuth && ((FixedAuth) o).value.equals(value);
    }

    @Override public int hashCode() {
      return value.hashCode();
    }
  }

  /** Builds {@link SocketOptions}. Not thread-safe. */
  public static final class Builder {
    private boolean forceNew;
    private boolean multiplex = true;
    private ConnectionOptions.Builder connection = ConnectionOptions.builder();
    private @Nullable AuthProvider auth;
    private long ackTimeoutMillis;
    private long connectTimeoutMillis = 20_000;
    private int sendBufferMaxPackets = 1000;
    private long sendBufferMaxBytes = 16L * 1024 * 1024;
    private OverflowPolicy overflowPolicy = OverflowPolicy.FAIL_NEWEST;
    private int retries;
    private int eventHistoryMaxEvents = 128;
    private long eventHistoryMaxBytes = 4L * 1024 * 1024;

    Builder() {
    }

    Builder(SocketOptions options) {
      forceNew = options.forceNew;
      multiplex = options.multiplex;
      connection = options.connection.newBuilder();
      auth = options.auth;
      ackTimeoutMillis = options.ackTimeoutMillis;
      connectTimeoutMillis = options.connectTimeoutMillis;
      sendBufferMaxPackets = options.sendBufferMaxPackets;
      sendBufferMaxBytes = options.sendBufferMaxBytes;
      overflowPolicy = options.overflowPolicy;
      retries = options.retries;
      eventHistoryMaxEvents = options.eventHistoryMaxEvents;
      eventHistoryMaxBytes = options.eventHistoryMaxBytes;
    }

    public Builder forceNew(boolean forceNew) {
      this.forceNew = forceNew;
      return this;
    }

    public Builder multiplex(boolean multiplex) {
      this.multiplex = multiplex;
      return this;
    }

    /** Replaces every connection setting (the shortcuts below change one at a time). */
    public Builder connection(ConnectionOptions connection) {
      checkNotNull(connection, "connection");
      this.connection = connection.newBuilder();
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#path}. */
    public Builder path(String path) {
      connection.path(path);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#query(String, String)}. */
    public Builder query(String name, String value) {
      connection.query(name, value);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#query(Map)}. */
    public Builder query(Map<String, String> parameters) {
      connection.query(parameters);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#extraHeader}. */
    public Builder extraHeader(String name, String value) {
      connection.extraHeader(name, value);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#addExtraHeader}. */
    public Builder addExtraHeader(String name, String value) {
      connection.addExtraHeader(name, value);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#extraHeaders}. */
    public Builder extraHeaders(Map<String, String> headers) {
      connection.extraHeaders(headers);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#transports}. */
    public Builder transports(Transport... transports) {
      connection.transports(transports);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#upgrade}. */
    public Builder upgrade(boolean upgrade) {
      connection.upgrade(upgrade);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#rememberUpgrade}. */
    public Builder rememberUpgrade(boolean rememberUpgrade) {
      connection.rememberUpgrade(rememberUpgrade);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#crossOriginRedirects}. */
    public Builder crossOriginRedirects(boolean follow) {
      connection.crossOriginRedirects(follow);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#timeout}. */
    public Builder timeout(long timeout, TimeUnit unit) {
      connection.timeout(timeout, unit);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#plainWebSocket(Envelope)}. */
    public Builder plainWebSocket(Envelope envelope) {
      connection.plainWebSocket(envelope);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#plainWebSocket(PlainWebSocket)}. */
    public Builder plainWebSocket(PlainWebSocket plainWebSocket) {
      connection.plainWebSocket(plainWebSocket);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#reconnection}. */
    public Builder reconnection(boolean reconnection) {
      connection.reconnection(reconnection);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#reconnectionAttempts}. */
    public Builder reconnectionAttempts(int attempts) {
      connection.reconnectionAttempts(attempts);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#reconnectionDelay}. */
    public Builder reconnectionDelay(long delay, long maxDelay, TimeUnit unit) {
      connection.reconnectionDelay(delay, maxDelay, unit);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#randomizationFactor}. */
    public Builder randomizationFactor(double factor) {
      connection.randomizationFactor(factor);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#maxIncomingMessageBytes}. */
    public Builder maxIncomingMessageBytes(long bytes) {
      connection.maxIncomingMessageBytes(bytes);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#dialect}: {@code dialect(Dialect.SOCKET_IO_2)} for socket.io 2.x. */
    public Builder dialect(Dialect dialect) {
      connection.dialect(dialect);
      return this;
    }

    /** Shortcut for {@link ConnectionOptions.Builder#maxPayload}. */
    public Builder maxPayload(long bytes) {
      connection.maxPayload(bytes);
      return this;
    }

    /**
     * A fixed auth payload: a {@code Map}, POJO or {@code JsonObject} that serializes to a JSON object;
     * replaces any earlier auth. {@code auth(null)} clears it (no auth, the default).
     */
    public Builder auth(@Nullable Object auth) {
      if (auth instanceof AuthProvider) return auth((AuthProvider) auth);
      this.auth = auth == null ? null : new FixedAuth(auth);
      return this;
    }

    /**
     * An auth payload evaluated before every (re)connect, on a background thread; replaces any earlier
     * auth. {@code auth(null)} clears it, whichever overload the compiler picks.
     */
    public Builder auth(@Nullable AuthProvider provider) {
      this.auth = provider;
      return this;
    }

    public Builder ackTimeout(long timeout, TimeUnit unit) {
      ackTimeoutMillis = Checks.positiveMillis("ackTimeout", timeout, unit);
      return this;
    }

    public Builder connectTimeout(long timeout, TimeUnit unit) {
      connectTimeoutMillis = Checks.positiveMillis("connectTimeout", timeout, unit);
      return this;
    }

    /**
     * Bounds the buffer of emits made while the socket is not connected (they are sent, in order,
     * once it connects). {@code maxPackets} 0 disables buffering: such emits fail at once.
     */
    public Builder sendBuffer(int maxPackets, long maxBytes, OverflowPolicy policy) {
      if (maxPackets < 0) throw new IllegalArgumentException("maxPackets < 0: " + maxPackets);
      if (maxBytes < 0) throw new IllegalArgumentException("maxBytes < 0: " + maxBytes);
      checkNotNull(policy, "policy");
      sendBufferMaxPackets = maxPackets;
      sendBufferMaxBytes = maxBytes;
      overflowPolicy = policy;
      return this;
    }

    /**
     * Retries of every {@code emitWithAck} of this socket (default 0), with the rule of
     * {@link AckCall#retries(int)}: after an attempt times out, or after a disconnect that follows its
     * send. Without an {@link #ackTimeout} only disconnects trigger a retry.
     */
    public Builder retries(int retries) {
      if (retries < 0) throw new IllegalArgumentException("retries < 0: " + retries);
      this.retries = retries;
      return this;
    }

    /**
     * Bounds the events kept so that {@link Socket#awaitEvent} also sees events that arrived before
     * it was called: the newest {@code maxEvents} whose sizes (as received, binary included) add up
     * to at most {@code maxBytes}; older ones are forgotten first, and an event larger than
     * {@code maxBytes} is never kept. The history is released when the socket disconnects.
     * {@code eventHistory(0, 0)} keeps nothing: {@code awaitEvent} then sees only events that arrive
     * while it waits. Default 128 events, 4 MiB.
     */
    public Builder eventHistory(int maxEvents, long maxBytes) {
      if (maxEvents < 0) throw new IllegalArgumentException("maxEvents < 0: " + maxEvents);
      if (maxBytes < 0) throw new IllegalArgumentException("maxBytes < 0: " + maxBytes);
      eventHistoryMaxEvents = maxEvents;
      eventHistoryMaxBytes = maxBytes;
      return this;
    }

    public SocketOptions build() {
      return new SocketOptions(this);
    }
  }

  static void checkNotNull(@Nullable Object value, String name) {
    if (value == null) throw new NullPointerException(name + " == null");
  }
}
