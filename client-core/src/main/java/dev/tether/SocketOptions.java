package dev.tether;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Options of a socket and of the connection it runs on. Immutable; build with {@link #builder()},
 * derive with {@link #newBuilder()}. Unset values use the documented defaults.
 *
 * <p>Connection options (path, query, headers, transports, upgrade, timeout) belong to the
 * {@link Manager} — the one connection that namespaces share. Sockets multiplexed on one Manager must
 * agree on them; asking for different ones on a shared Manager fails with an
 * {@link IllegalArgumentException} (use {@link Builder#forceNew(boolean)} for a separate connection).
 * Namespace options (auth, ack timeout, connect timeout) are per socket.
 *
 * <p>Immutable and thread-safe.
 */
public final class SocketOptions {
  static final SocketOptions DEFAULT = builder().build();

  private final boolean forceNew;
  private final boolean multiplex;
  private final String path;
  private final Map<String, String> query;
  private final Map<String, String> extraHeaders;
  private final List<Transport> transports;
  private final boolean upgrade;
  private final boolean rememberUpgrade;
  private final long timeoutMillis;
  private final @Nullable AuthProvider auth;
  private final long ackTimeoutMillis;
  private final long connectTimeoutMillis;
  private final int sendBufferMaxPackets;
  private final long sendBufferMaxBytes;
  private final OverflowPolicy overflowPolicy;
  private final int retries;
  private final boolean reconnection;
  private final int reconnectionAttempts;
  private final long reconnectionDelayMillis;
  private final long reconnectionDelayMaxMillis;
  private final double randomizationFactor;

  private SocketOptions(Builder builder) {
    reconnection = builder.reconnection;
    reconnectionAttempts = builder.reconnectionAttempts;
    reconnectionDelayMillis = builder.reconnectionDelayMillis;
    reconnectionDelayMaxMillis = builder.reconnectionDelayMaxMillis;
    randomizationFactor = builder.randomizationFactor;
    sendBufferMaxPackets = builder.sendBufferMaxPackets;
    sendBufferMaxBytes = builder.sendBufferMaxBytes;
    overflowPolicy = builder.overflowPolicy;
    retries = builder.retries;
    forceNew = builder.forceNew;
    multiplex = builder.multiplex;
    path = builder.path;
    query = Collections.unmodifiableMap(new LinkedHashMap<>(builder.query));
    extraHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(builder.extraHeaders));
    transports = Collections.unmodifiableList(new ArrayList<>(builder.transports));
    upgrade = builder.upgrade;
    rememberUpgrade = builder.rememberUpgrade;
    timeoutMillis = builder.timeoutMillis;
    auth = builder.auth;
    ackTimeoutMillis = builder.ackTimeoutMillis;
    connectTimeoutMillis = builder.connectTimeoutMillis;
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

  /** The Engine.IO path. Default {@code /socket.io/}. */
  public String path() {
    return path;
  }

  /** Extra query parameters sent on every request (visible to the server in {@code socket.handshake.query}). */
  public Map<String, String> query() {
    return query;
  }

  /** Extra HTTP headers sent on every polling request and on the WebSocket handshake. */
  public Map<String, String> extraHeaders() {
    return extraHeaders;
  }

  /** Allowed transports in order of preference. Default {@code [POLLING, WEBSOCKET]}: poll first, then upgrade. */
  public List<Transport> transports() {
    return transports;
  }

  /** Upgrade from polling to WebSocket when the server offers it. Default true. */
  public boolean upgrade() {
    return upgrade;
  }

  /** Start the next session on WebSocket when an upgrade of this connection worked. Default false. */
  public boolean rememberUpgrade() {
    return rememberUpgrade;
  }

  /** How long the Engine.IO handshake may take. Default 20 s. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  /** The namespace CONNECT payload, evaluated on every connect; null for none. */
  public @Nullable AuthProvider auth() {
    return auth;
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

  /** Re-sends of every {@code emitWithAck} whose attempt timed out (needs an ack timeout). Default 0. */
  public int retries() {
    return retries;
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

  /** True when both describe the same connection (path, query, headers, transports, upgrade, timeout). */
  boolean sameConnectionAs(SocketOptions other) {
    return path.equals(other.path) && query.equals(other.query) && extraHeaders.equals(other.extraHeaders)
        && transports.equals(other.transports) && upgrade == other.upgrade
        && rememberUpgrade == other.rememberUpgrade && timeoutMillis == other.timeoutMillis
        && reconnection == other.reconnection && reconnectionAttempts == other.reconnectionAttempts
        && reconnectionDelayMillis == other.reconnectionDelayMillis
        && reconnectionDelayMaxMillis == other.reconnectionDelayMaxMillis
        && randomizationFactor == other.randomizationFactor;
  }

  String describeConnection() {
    return "path=" + path + ", query keys=" + query.keySet() + ", header names=" + extraHeaders.keySet()
        + ", transports=" + transports + ", upgrade=" + upgrade + ", rememberUpgrade=" + rememberUpgrade
        + ", timeout=" + timeoutMillis + "ms, reconnection=" + reconnection + " (attempts " + reconnectionAttempts
        + ", delay " + reconnectionDelayMillis + "-" + reconnectionDelayMaxMillis + "ms, jitter " + randomizationFactor + ")";
  }

  /** Builds {@link SocketOptions}. Not thread-safe. */
  public static final class Builder {
    private boolean forceNew;
    private boolean multiplex = true;
    private String path = "/socket.io/";
    private final Map<String, String> query = new LinkedHashMap<>();
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();
    private List<Transport> transports = Arrays.asList(Transport.POLLING, Transport.WEBSOCKET);
    private boolean upgrade = true;
    private boolean rememberUpgrade;
    private long timeoutMillis = 20_000;
    private @Nullable AuthProvider auth;
    private long ackTimeoutMillis;
    private long connectTimeoutMillis = 20_000;
    private int sendBufferMaxPackets = 1000;
    private long sendBufferMaxBytes = 16L * 1024 * 1024;
    private OverflowPolicy overflowPolicy = OverflowPolicy.FAIL_NEWEST;
    private int retries;
    private boolean reconnection = true;
    private int reconnectionAttempts = Integer.MAX_VALUE;
    private long reconnectionDelayMillis = 1_000;
    private long reconnectionDelayMaxMillis = 5_000;
    private double randomizationFactor = 0.5;

    Builder() {
    }

    Builder(SocketOptions options) {
      forceNew = options.forceNew;
      multiplex = options.multiplex;
      path = options.path;
      query.putAll(options.query);
      extraHeaders.putAll(options.extraHeaders);
      transports = options.transports;
      upgrade = options.upgrade;
      rememberUpgrade = options.rememberUpgrade;
      timeoutMillis = options.timeoutMillis;
      auth = options.auth;
      ackTimeoutMillis = options.ackTimeoutMillis;
      connectTimeoutMillis = options.connectTimeoutMillis;
      sendBufferMaxPackets = options.sendBufferMaxPackets;
      sendBufferMaxBytes = options.sendBufferMaxBytes;
      overflowPolicy = options.overflowPolicy;
      retries = options.retries;
      reconnection = options.reconnection;
      reconnectionAttempts = options.reconnectionAttempts;
      reconnectionDelayMillis = options.reconnectionDelayMillis;
      reconnectionDelayMaxMillis = options.reconnectionDelayMaxMillis;
      randomizationFactor = options.randomizationFactor;
    }

    public Builder forceNew(boolean forceNew) {
      this.forceNew = forceNew;
      return this;
    }

    public Builder multiplex(boolean multiplex) {
      this.multiplex = multiplex;
      return this;
    }

    public Builder path(String path) {
      checkNotNull(path, "path");
      if (!path.startsWith("/")) throw new IllegalArgumentException("path must start with '/': " + path);
      this.path = path.endsWith("/") ? path : path + "/";
      return this;
    }

    /** Adds a query parameter; {@code EIO}, {@code transport}, {@code sid} and {@code t} are reserved. */
    public Builder query(String name, String value) {
      checkNotNull(name, "name");
      checkNotNull(value, "value");
      if (name.equals("EIO") || name.equals("transport") || name.equals("sid") || name.equals("t")) {
        throw new IllegalArgumentException("query parameter '" + name + "' is reserved by Engine.IO");
      }
      query.put(name, value);
      return this;
    }

    public Builder query(Map<String, String> parameters) {
      for (Map.Entry<String, String> entry : parameters.entrySet()) query(entry.getKey(), entry.getValue());
      return this;
    }

    public Builder extraHeader(String name, String value) {
      checkNotNull(name, "name");
      checkNotNull(value, "value");
      extraHeaders.put(name, value);
      return this;
    }

    public Builder extraHeaders(Map<String, String> headers) {
      for (Map.Entry<String, String> entry : headers.entrySet()) extraHeader(entry.getKey(), entry.getValue());
      return this;
    }

    /** The transports to use, in order: {@code transports(WEBSOCKET)} skips polling entirely. */
    public Builder transports(Transport... transports) {
      if (transports.length == 0) throw new IllegalArgumentException("at least one transport is required");
      List<Transport> list = new ArrayList<>();
      for (Transport transport : transports) {
        checkNotNull(transport, "transport");
        if (!list.contains(transport)) list.add(transport);
      }
      this.transports = list;
      return this;
    }

    public Builder upgrade(boolean upgrade) {
      this.upgrade = upgrade;
      return this;
    }

    public Builder rememberUpgrade(boolean rememberUpgrade) {
      this.rememberUpgrade = rememberUpgrade;
      return this;
    }

    public Builder timeout(long timeout, TimeUnit unit) {
      timeoutMillis = positiveMillis("timeout", timeout, unit);
      return this;
    }

    /** A fixed auth payload: a {@code Map}, POJO or {@code JsonObject} that serializes to a JSON object. */
    public Builder auth(@Nullable Object auth) {
      if (auth instanceof AuthProvider) return auth((AuthProvider) auth);
      final Object value = auth;
      this.auth = value == null ? null : () -> value;
      return this;
    }

    /** An auth payload evaluated before every (re)connect, on a background thread. */
    public Builder auth(AuthProvider provider) {
      checkNotNull(provider, "provider");
      this.auth = provider;
      return this;
    }

    public Builder ackTimeout(long timeout, TimeUnit unit) {
      ackTimeoutMillis = positiveMillis("ackTimeout", timeout, unit);
      return this;
    }

    public Builder connectTimeout(long timeout, TimeUnit unit) {
      connectTimeoutMillis = positiveMillis("connectTimeout", timeout, unit);
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
     * At-least-once delivery for {@code emitWithAck}: an attempt that is not acknowledged within the
     * ack timeout is sent again (with a fresh ack id), up to {@code retries} more times; then the ack
     * fails with {@link AckTimeoutException}. The server may see duplicates. Per emit: emits do not
     * wait for each other. Requires {@link #ackTimeout}.
     */
    public Builder retries(int retries) {
      if (retries < 0) throw new IllegalArgumentException("retries < 0: " + retries);
      this.retries = retries;
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
      long first = positiveMillis("reconnectionDelay", delay, unit);
      long max = positiveMillis("reconnectionDelayMax", maxDelay, unit);
      if (max < first) throw new IllegalArgumentException("the longest reconnection delay is shorter than the first");
      reconnectionDelayMillis = first;
      reconnectionDelayMaxMillis = max;
      return this;
    }

    /** Jitter in [0, 1]: 0 for exact doubling; default 0.5. */
    public Builder randomizationFactor(double factor) {
      if (!(factor >= 0 && factor <= 1)) throw new IllegalArgumentException("randomizationFactor must be in [0, 1]: " + factor);
      this.randomizationFactor = factor;
      return this;
    }

    /**
     * @throws IllegalStateException if {@code retries} is set without an {@code ackTimeout}: nothing
     *     would ever trigger a retry
     */
    public SocketOptions build() {
      if (retries > 0 && ackTimeoutMillis == 0) {
        throw new IllegalStateException("retries(" + retries + ") needs an ackTimeout: each attempt is retried when it times out");
      }
      return new SocketOptions(this);
    }

    private static long positiveMillis(String name, long value, TimeUnit unit) {
      checkNotNull(unit, "unit");
      long millis = unit.toMillis(value);
      if (value <= 0 || millis <= 0) throw new IllegalArgumentException(name + " must be at least 1 ms: " + value + " " + unit);
      return millis;
    }
  }

  static void checkNotNull(@Nullable Object value, String name) {
    if (value == null) throw new NullPointerException(name + " == null");
  }
}
