package dev.tether;

import dev.tether.internal.util.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Options of one connection (a {@link Manager}): where and how to reach the server, and how to
 * reconnect. Every socket multiplexed on a Manager shares them; per-socket settings (auth, ack
 * defaults, the send buffer) are in {@link SocketOptions}.
 *
 * <p><b>Same connection.</b> Two sockets may share a connection only when their connection options
 * are {@linkplain #equals equal}; this is the one rule {@link Tether#socket(String, SocketOptions)}
 * and {@link Manager#socket(String, SocketOptions)} both apply. {@link Manager#options()} reads a
 * Manager's options back.
 *
 * <p>Set them as a whole with {@link SocketOptions.Builder#connection(ConnectionOptions)}, or one by
 * one through the shortcuts on {@link SocketOptions.Builder} (as in {@code io(url, {transports, auth})}
 * of the JavaScript client).
 *
 * <p><b>Kind of server.</b> By default the server is a Socket.IO server (socket.io 3.x/4.x);
 * {@link Builder#plainWebSocket(PlainWebSocket)} connects to a plain WebSocket server instead. The
 * Socket.IO endpoint options ({@link Builder#path}, {@link Builder#transports} with polling,
 * {@link Builder#upgrade}, {@link Builder#rememberUpgrade}) mean nothing there: combining them with a
 * plain WebSocket fails at {@link Builder#build()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConnectionOptions {
  /** The {@link #maxPayload()} assumed for a {@link Dialect#SOCKET_IO_2} server: its default, 1,000,000 bytes. */
  public static final long DEFAULT_SOCKET_IO_2_MAX_PAYLOAD = 1_000_000;

  /** The defaults. */
  public static final ConnectionOptions DEFAULT = builder().build();

  /** The default of {@link #maxIncomingMessageBytes()}: 64 MiB. */
  public static final long DEFAULT_MAX_INCOMING_MESSAGE_BYTES = 64L * 1024 * 1024;

  private final String path;
  private final Map<String, String> query;
  private final Map<String, List<String>> extraHeaders;
  private final List<Transport> transports;
  private final boolean upgrade;
  private final boolean rememberUpgrade;
  private final boolean crossOriginRedirects;
  private final long timeoutMillis;
  private final boolean reconnection;
  private final int reconnectionAttempts;
  private final long reconnectionDelayMillis;
  private final long reconnectionDelayMaxMillis;
  private final double randomizationFactor;
  private final @Nullable PlainWebSocket plainWebSocket;
  /** Which Socket.IO endpoint options were set explicitly (see {@link Builder#check}); not compared. */
  private final int socketIoOptionsSet;
  private final long maxIncomingMessageBytes;
  private final Dialect dialect;
  /** 0: not set (see {@link #maxPayload()}). */
  private final long maxPayload;

  private ConnectionOptions(Builder builder) {
    dialect = builder.dialect;
    maxPayload = builder.maxPayload;
    path = builder.path;
    query = Collections.unmodifiableMap(new LinkedHashMap<>(builder.query));
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> entry : builder.extraHeaders.entrySet()) {
      headers.put(entry.getKey(), Collections.unmodifiableList(new ArrayList<>(entry.getValue())));
    }
    extraHeaders = Collections.unmodifiableMap(headers);
    transports = Collections.unmodifiableList(new ArrayList<>(builder.transports));
    upgrade = builder.upgrade;
    rememberUpgrade = builder.rememberUpgrade;
    crossOriginRedirects = builder.crossOriginRedirects;
    timeoutMillis = builder.timeoutMillis;
    reconnection = builder.reconnection;
    reconnectionAttempts = builder.reconnectionAttempts;
    reconnectionDelayMillis = builder.reconnectionDelayMillis;
    reconnectionDelayMaxMillis = builder.reconnectionDelayMaxMillis;
    randomizationFactor = builder.randomizationFactor;
    plainWebSocket = builder.plainWebSocket;
    socketIoOptionsSet = builder.socketIoOptionsSet;
    maxIncomingMessageBytes = builder.maxIncomingMessageBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder newBuilder() {
    return new Builder(this);
  }

  /**
   * The Socket.IO server's endpoint path. Default {@code /socket.io/}. Unused for a
   * {@linkplain #plainWebSocket() plain WebSocket}, whose endpoint is the URL's path.
   */
  public String path() {
    return path;
  }

  /** Extra query parameters sent on every request (visible to the server in {@code socket.handshake.query}). */
  public Map<String, String> query() {
    return query;
  }

  /**
   * Extra HTTP headers sent on every polling request and on the WebSocket handshake: each name with its
   * values, in order (a header may repeat, as HTTP allows).
   */
  public Map<String, List<String>> extraHeaders() {
    return extraHeaders;
  }

  /**
   * Allowed transports in order of preference. Default {@code [POLLING, WEBSOCKET]}: poll first, then
   * upgrade. {@code [WEBSOCKET]} for a {@linkplain #plainWebSocket() plain WebSocket}.
   */
  public List<Transport> transports() {
    return plainWebSocket != null ? Collections.singletonList(Transport.WEBSOCKET) : transports;
  }

  /** Upgrade from polling to WebSocket when the server offers it. Default true; false for a plain WebSocket. */
  public boolean upgrade() {
    return upgrade && plainWebSocket == null;
  }

  /** Start the next session on WebSocket when an upgrade of this connection worked. Default false. */
  public boolean rememberUpgrade() {
    return rememberUpgrade && plainWebSocket == null;
  }

  /** The plain WebSocket server this connection reaches, or null (the default) for a Socket.IO server. */
  public @Nullable PlainWebSocket plainWebSocket() {
    return plainWebSocket;
  }

  /**
   * Follow HTTP redirects to another origin (scheme, host or port) with this connection's headers,
   * query and cookies. Default false: a redirect within the server's origin is followed, one to another
   * origin fails the request with a {@link TransportException} of kind
   * {@link TransportException.Kind#REDIRECT_REFUSED} that names the target, and the target sees nothing.
   * True follows it as OkHttp would (only {@code Authorization} is dropped when the host changes).
   * A client passed with {@link Tether.Builder#okHttpClient} that does not follow redirects at all still
   * follows none.
   */
  public boolean crossOriginRedirects() {
    return crossOriginRedirects;
  }

  /** How long opening the connection (the handshake) may take. Default 20 s. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  /** Reconnect by itself after a recoverable loss. Default true. */
  public boolean reconnection() {
    return reconnection;
  }

  /** Reconnection attempts before giving up; {@link Integer#MAX_VALUE} (the default) means no limit. */
  public int reconnectionAttempts() {
    return reconnectionAttempts;
  }

  /** First reconnection delay; each later one doubles, up to {@link #reconnectionDelayMaxMillis()}. Default 1 s. */
  public long reconnectionDelayMillis() {
    return reconnectionDelayMillis;
  }

  /** Longest reconnection delay. Default 5 s. */
  public long reconnectionDelayMaxMillis() {
    return reconnectionDelayMaxMillis;
  }

  /** Jitter: each delay moves by up to this fraction of itself, up or down. Default 0.5. */
  public double randomizationFactor() {
    return randomizationFactor;
  }

  /**
   * The largest message the server may send at once, in bytes: one WebSocket message (all its frames),
   * or one HTTP long-polling response body (which may batch several packets). Default
   * {@value #DEFAULT_MAX_INCOMING_MESSAGE_BYTES} bytes (64 MiB).
   *
   * <p>A WebSocket message is checked as its bytes arrive, from the length its frame headers announce,
   * before any of it is held in memory; a polling body likewise as it is read. A larger one closes the
   * connection (WebSocket close code 1009, "message too big"): sockets see the disconnect reason
   * {@code transport error}, and {@link Manager#onConnectionError} gets a {@link TransportException} of
   * kind {@link TransportException.Kind#INCOMING_TOO_LARGE}. A polling body of more than 100,000 packets
   * is refused the same way, whatever its size.
   */
  public long maxIncomingMessageBytes() {
    return maxIncomingMessageBytes;
  }

  /** Which generation of Socket.IO server this connection speaks to. Default {@link Dialect#SOCKET_IO_3_4}. */
  public Dialect dialect() {
    return dialect;
  }

  /**
   * The most bytes one HTTP long-polling request body or one WebSocket frame to the server may have,
   * assumed when the server's handshake announces none. socket.io 3.x/4.x servers announce theirs
   * ({@code maxHttpBufferSize}) and it is used; socket.io 2.x servers announce nothing, yet reset the
   * connection (and lose the session) on a larger request. So with {@link Dialect#SOCKET_IO_2} the default
   * is {@value #DEFAULT_SOCKET_IO_2_MAX_PAYLOAD} bytes (the 2.x server default); set it to the server's
   * {@code maxHttpBufferSize} when that differs. With {@link Dialect#SOCKET_IO_3_4} it is unlimited
   * ({@link Long#MAX_VALUE}) unless set.
   *
   * <p>An emit that can never fit fails before anything is sent: its ack or
   * {@link Socket#onEmitError} gets a {@link TransportException} of kind
   * {@link TransportException.Kind#PAYLOAD_TOO_LARGE}; the connection stays up. Polling batches are cut
   * to fit.
   */
  public long maxPayload() {
    if (maxPayload > 0) return maxPayload;
    return dialect == Dialect.SOCKET_IO_2 ? DEFAULT_SOCKET_IO_2_MAX_PAYLOAD : Long.MAX_VALUE;
  }

  /** True when both describe the same connection: every option is equal. */
  @Override public boolean equals(@Nullable Object o) {
    if (this == o) return true;
    if (!(o instanceof ConnectionOptions)) return false;
    ConnectionOptions other = (ConnectionOptions) o;
    return path.equals(other.path) && query.equals(other.query) && extraHeaders.equals(other.extraHeaders)
        && transports.equals(other.transports) && upgrade == other.upgrade
        && rememberUpgrade == other.rememberUpgrade && crossOriginRedirects == other.crossOriginRedirects
        && timeoutMillis == other.timeoutMillis
        && reconnection == other.reconnection && reconnectionAttempts == other.reconnectionAttempts
        && reconnectionDelayMillis == other.reconnectionDelayMillis
        && reconnectionDelayMaxMillis == other.reconnectionDelayMaxMillis
        && Double.compare(randomizationFactor, other.randomizationFactor) == 0
        && (plainWebSocket == null ? other.plainWebSocket == null : plainWebSocket.equals(other.plainWebSocket))
        && maxIncomingMessageBytes == other.maxIncomingMessageBytes
        && dialect == other.dialect && maxPayload == other.maxPayload;
  }

  @Override public int hashCode() {
    int h = path.hashCode();
    h = 31 * h + query.hashCode();
    h = 31 * h + extraHeaders.hashCode();
    h = 31 * h + transports.hashCode();
    h = 31 * h + (upgrade ? 1 : 0) + (rememberUpgrade ? 2 : 0) + (reconnection ? 4 : 0)
        + (crossOriginRedirects ? 8 : 0);
    h = 31 * h + (int) (timeoutMillis ^ (timeoutMillis >>> 32));
    h = 31 * h + reconnectionAttempts;
    h = 31 * h + (int) (reconnectionDelayMillis ^ (reconnectionDelayMillis >>> 32));
    h = 31 * h + (int) (reconnectionDelayMaxMillis ^ (reconnectionDelayMaxMillis >>> 32));
    long jitter = Double.doubleToLongBits(randomizationFactor);
    h = 31 * h + (int) (jitter ^ (jitter >>> 32));
    h = 31 * h + (plainWebSocket == null ? 0 : plainWebSocket.hashCode());
    h = 31 * h + (int) (maxIncomingMessageBytes ^ (maxIncomingMessageBytes >>> 32));
    h = 31 * h + dialect.hashCode();
    return 31 * h + (int) (maxPayload ^ (maxPayload >>> 32));
  }

  /** Every option, with query values and header values left out (they may hold secrets). */
  @Override public String toString() {
    return "ConnectionOptions{" + (plainWebSocket != null ? plainWebSocket + ", " : "") + "path=" + path
        + ", query keys=" + query.keySet() + ", header names="
        + extraHeaders.keySet() + ", transports=" + transports + ", upgrade=" + upgrade + ", rememberUpgrade="
        + rememberUpgrade + ", crossOriginRedirects=" + crossOriginRedirects + ", timeout=" + timeoutMillis
        + "ms, reconnection=" + reconnection + " (attempts " + reconnectionAttempts + ", delay "
        + reconnectionDelayMillis + "-" + reconnectionDelayMaxMillis + "ms, jitter " + randomizationFactor
        + "), maxIncomingMessageBytes=" + maxIncomingMessageBytes + ", dialect=" + dialect
        + (maxPayload > 0 ? ", maxPayload=" + maxPayload : "") + "}";
  }

  /** Builds {@link ConnectionOptions}. Not thread-safe. */
  public static final class Builder {
    private String path = "/socket.io/";
    private final Map<String, String> query = new LinkedHashMap<>();
    private final Map<String, List<String>> extraHeaders = new LinkedHashMap<>();
    private List<Transport> transports = Arrays.asList(Transport.POLLING, Transport.WEBSOCKET);
    private boolean upgrade = true;
    private boolean rememberUpgrade;
    private boolean crossOriginRedirects;
    private long timeoutMillis = 20_000;
    private boolean reconnection = true;
    private int reconnectionAttempts = Integer.MAX_VALUE;
    private long reconnectionDelayMillis = 1_000;
    private long reconnectionDelayMaxMillis = 5_000;
    private double randomizationFactor = 0.5;
    private @Nullable PlainWebSocket plainWebSocket;
    private int socketIoOptionsSet;
    private long maxIncomingMessageBytes = DEFAULT_MAX_INCOMING_MESSAGE_BYTES;
    private Dialect dialect = Dialect.SOCKET_IO_3_4;
    private long maxPayload;

    Builder() {
    }

    Builder(ConnectionOptions options) {
      path = options.path;
      query.putAll(options.query);
      for (Map.Entry<String, List<String>> entry : options.extraHeaders.entrySet()) {
        extraHeaders.put(entry.getKey(), new ArrayList<>(entry.getValue()));
      }
      transports = options.transports;
      upgrade = options.upgrade;
      rememberUpgrade = options.rememberUpgrade;
      crossOriginRedirects = options.crossOriginRedirects;
      timeoutMillis = options.timeoutMillis;
      reconnection = options.reconnection;
      reconnectionAttempts = options.reconnectionAttempts;
      reconnectionDelayMillis = options.reconnectionDelayMillis;
      reconnectionDelayMaxMillis = options.reconnectionDelayMaxMillis;
      randomizationFactor = options.randomizationFactor;
      plainWebSocket = options.plainWebSocket;
      socketIoOptionsSet = options.socketIoOptionsSet;
      maxIncomingMessageBytes = options.maxIncomingMessageBytes;
      dialect = options.dialect;
      maxPayload = options.maxPayload;
    }

    /**
     * Which generation of Socket.IO server to speak to: {@link Dialect#SOCKET_IO_3_4} (the default) or
     * {@link Dialect#SOCKET_IO_2}. Part of the connection's identity: sockets of different dialects never
     * share a connection.
     */
    public Builder dialect(Dialect dialect) {
      checkNotNull(dialect, "dialect");
      this.dialect = dialect;
      return this;
    }

    /**
     * The request size to assume when the server announces none, at least 1 byte; see
     * {@link ConnectionOptions#maxPayload()}.
     */
    public Builder maxPayload(long bytes) {
      if (bytes < 1) throw new IllegalArgumentException("maxPayload must be at least 1: " + bytes);
      this.maxPayload = bytes;
      return this;
    }

    /** The server's endpoint path (a trailing {@code /} is added). Default {@code /socket.io/}. */
    public Builder path(String path) {
      this.path = Checks.endpointPath(path);
      socketIoOptionsSet |= PATH;
      return this;
    }

    /**
     * Adds a query parameter. Names the server's protocol uses itself (for Socket.IO servers, Engine.IO's
     * {@code EIO}, {@code transport}, {@code sid} and {@code t}) are refused with an
     * {@link IllegalArgumentException} when a socket is made with these options.
     */
    public Builder query(String name, String value) {
      checkNotNull(name, "name");
      checkNotNull(value, "value");
      query.put(name, value);
      return this;
    }

    public Builder query(Map<String, String> parameters) {
      checkNotNull(parameters, "parameters");
      for (Map.Entry<String, String> entry : parameters.entrySet()) query(entry.getKey(), entry.getValue());
      return this;
    }

    /** Sets header {@code name} to this one value, replacing values set before. */
    public Builder extraHeader(String name, String value) {
      checkNotNull(name, "name");
      checkNotNull(value, "value");
      extraHeaders.remove(name);
      return addExtraHeader(name, value);
    }

    /** Adds one more value of header {@code name}, after those set before: the header repeats. */
    public Builder addExtraHeader(String name, String value) {
      checkNotNull(name, "name");
      checkNotNull(value, "value");
      okhttp3.Headers.of(name, value); // OkHttp's rules for names and values, checked now rather than at connect
      List<String> values = extraHeaders.get(name);
      if (values == null) {
        values = new ArrayList<>();
        extraHeaders.put(name, values);
      }
      values.add(value);
      return this;
    }

    /** Sets each header of {@code headers} to its one value, as {@link #extraHeader} does. */
    public Builder extraHeaders(Map<String, String> headers) {
      checkNotNull(headers, "headers");
      for (Map.Entry<String, String> entry : headers.entrySet()) extraHeader(entry.getKey(), entry.getValue());
      return this;
    }

    /** The transports to use, in order: {@code transports(WEBSOCKET)} skips polling entirely. */
    public Builder transports(Transport... transports) {
      checkNotNull(transports, "transports");
      if (transports.length == 0) throw new IllegalArgumentException("at least one transport is required");
      List<Transport> list = new ArrayList<>();
      for (Transport transport : transports) {
        checkNotNull(transport, "transport");
        if (!list.contains(transport)) list.add(transport);
      }
      this.transports = list;
      if (list.contains(Transport.POLLING)) socketIoOptionsSet |= POLLING;
      return this;
    }

    public Builder upgrade(boolean upgrade) {
      this.upgrade = upgrade;
      socketIoOptionsSet |= UPGRADE;
      return this;
    }

    public Builder rememberUpgrade(boolean rememberUpgrade) {
      this.rememberUpgrade = rememberUpgrade;
      socketIoOptionsSet |= REMEMBER_UPGRADE;
      return this;
    }

    /**
     * Follow redirects to another origin with this connection's headers, query and cookies (default
     * false: refused, see {@link ConnectionOptions#crossOriginRedirects()}). Turn it on only when the
     * server redirects to hosts you trust with them.
     */
    public Builder crossOriginRedirects(boolean follow) {
      this.crossOriginRedirects = follow;
      return this;
    }

    public Builder timeout(long timeout, TimeUnit unit) {
      timeoutMillis = Checks.positiveMillis("timeout", timeout, unit);
      return this;
    }

    /** Reconnect by itself after a recoverable loss (default true). */
    public Builder reconnection(boolean reconnection) {
      this.reconnection = reconnection;
      return this;
    }

    /** Attempts before giving up, at least 1; default {@link Integer#MAX_VALUE} (no limit). */
    public Builder reconnectionAttempts(int attempts) {
      if (attempts < 1) throw new IllegalArgumentException("reconnectionAttempts must be at least 1: " + attempts);
      this.reconnectionAttempts = attempts;
      return this;
    }

    /** First delay (default 1 s) and longest delay (default 5 s) between attempts. */
    public Builder reconnectionDelay(long delay, long maxDelay, TimeUnit unit) {
      long first = Checks.positiveMillis("reconnectionDelay", delay, unit);
      long max = Checks.positiveMillis("reconnectionDelayMax", maxDelay, unit);
      if (max < first) throw new IllegalArgumentException("the longest reconnection delay is shorter than the first");
      reconnectionDelayMillis = first;
      reconnectionDelayMaxMillis = max;
      return this;
    }

    /** Jitter in [0, 1]: 0 for exact doubling; default 0.5. */
    public Builder randomizationFactor(double factor) {
      if (!(factor >= 0 && factor <= 1)) {
        throw new IllegalArgumentException("randomizationFactor must be in [0, 1]: " + factor);
      }
      this.randomizationFactor = factor;
      return this;
    }

    /**
     * The largest WebSocket message or polling response body the server may send, at least 1 byte;
     * default 64 MiB. See {@link ConnectionOptions#maxIncomingMessageBytes()}.
     */
    public Builder maxIncomingMessageBytes(long bytes) {
      if (bytes < 1) throw new IllegalArgumentException("maxIncomingMessageBytes must be at least 1: " + bytes);
      this.maxIncomingMessageBytes = bytes;
      return this;
    }

    /**
     * Connects to a plain WebSocket server, framing events with {@code envelope}, with the default
     * ping interval and close codes. Shortcut for {@code plainWebSocket(PlainWebSocket.of(envelope))}.
     */
    public Builder plainWebSocket(Envelope envelope) {
      checkNotNull(envelope, "envelope");
      return plainWebSocket(PlainWebSocket.of(envelope));
    }

    /**
     * Connects to a plain WebSocket server (see {@link PlainWebSocket}) instead of a Socket.IO server.
     * {@link #path}, {@link #transports} with polling, {@link #upgrade} and {@link #rememberUpgrade}
     * cannot be combined with it ({@link #build()} fails).
     */
    public Builder plainWebSocket(PlainWebSocket plainWebSocket) {
      checkNotNull(plainWebSocket, "plainWebSocket");
      this.plainWebSocket = plainWebSocket;
      return this;
    }

    /**
     * @throws IllegalArgumentException when a plain WebSocket is combined with Socket.IO endpoint options
     */
    public ConnectionOptions build() {
      check();
      return new ConnectionOptions(this);
    }

    /** A plain WebSocket has no path, polling or upgrade: setting one is a mistake, said here rather than ignored. */
    private void check() {
      if (plainWebSocket != null && dialect != Dialect.SOCKET_IO_3_4) {
        throw new IllegalArgumentException("dialect(" + dialect + ") is a kind of Socket.IO server and cannot be "
            + "combined with a plain WebSocket");
      }
      if (plainWebSocket == null || socketIoOptionsSet == 0) return;
      StringBuilder set = new StringBuilder();
      if ((socketIoOptionsSet & PATH) != 0) set.append(", path (the URL's path is the endpoint: put it there)");
      if ((socketIoOptionsSet & POLLING) != 0) set.append(", transports(POLLING) (a plain WebSocket cannot poll)");
      if ((socketIoOptionsSet & UPGRADE) != 0) set.append(", upgrade");
      if ((socketIoOptionsSet & REMEMBER_UPGRADE) != 0) set.append(", rememberUpgrade");
      throw new IllegalArgumentException("Socket.IO endpoint options cannot be combined with a plain WebSocket: "
          + set.substring(2));
    }

    private static final int PATH = 1;
    private static final int POLLING = 2;
    private static final int UPGRADE = 4;
    private static final int REMEMBER_UPGRADE = 8;
  }

  static void checkNotNull(@Nullable Object value, String name) {
    if (value == null) throw new NullPointerException(name + " == null");
  }
}
