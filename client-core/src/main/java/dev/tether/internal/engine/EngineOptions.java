package dev.tether.internal.engine;

import dev.tether.internal.util.Checks;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * How to reach one Engine.IO server: the endpoint (scheme, host, port, path, user query), extra
 * headers, the protocol version and the timeouts. Immutable; build with {@link #builder(HttpUrl)}.
 */
public final class EngineOptions {
  /** Query parameters the protocol owns; a user query may not set them. */
  static final Set<String> RESERVED_QUERY = new HashSet<>(Arrays.asList("EIO", "transport", "sid", "t"));

  private final HttpUrl endpoint;
  private final Headers extraHeaders;
  private final EngineProtocol protocol;
  private final long handshakeTimeoutMillis;
  private final long closeTimeoutMillis;
  private final long upgradeTimeoutMillis;
  private final boolean polling;
  private final boolean websocket;
  private final boolean upgrade;
  private final boolean rememberUpgrade;
  private final boolean crossOriginRedirects;
  private final long maxIncomingMessageBytes;
  private final long assumedMaxPayload;

  private EngineOptions(Builder builder) {
    this.assumedMaxPayload = builder.assumedMaxPayload;
    this.upgradeTimeoutMillis = builder.upgradeTimeoutMillis;
    this.polling = builder.polling;
    this.websocket = builder.websocket;
    this.upgrade = builder.upgrade;
    this.rememberUpgrade = builder.rememberUpgrade;
    this.crossOriginRedirects = builder.crossOriginRedirects;
    this.endpoint = builder.endpoint;
    this.extraHeaders = builder.extraHeaders;
    this.protocol = builder.protocol;
    this.handshakeTimeoutMillis = builder.handshakeTimeoutMillis;
    this.closeTimeoutMillis = builder.closeTimeoutMillis;
    this.maxIncomingMessageBytes = builder.maxIncomingMessageBytes;
  }

  /**
   * @param url the server, e.g. {@code http://localhost:3000} or {@code wss://example.com}. Its path
   *     is ignored (for Socket.IO it names the namespace); its query is sent on every request.
   */
  public static Builder builder(HttpUrl url) {
    return new Builder(url);
  }

  /** Scheme, host, port, the Engine.IO path (with a trailing slash) and the user query. */
  public HttpUrl endpoint() {
    return endpoint;
  }

  public Headers extraHeaders() {
    return extraHeaders;
  }

  public EngineProtocol protocol() {
    return protocol;
  }

  public long handshakeTimeoutMillis() {
    return handshakeTimeoutMillis;
  }

  /** How long a graceful close may wait for buffered packets to drain before it gives up. */
  public long closeTimeoutMillis() {
    return closeTimeoutMillis;
  }

  /** May the session run over long-polling? */
  public boolean polling() {
    return polling;
  }

  /** May the session run over WebSocket? */
  public boolean websocket() {
    return websocket;
  }

  /** Upgrade a polling session to WebSocket when the server offers it. */
  public boolean upgrade() {
    return upgrade;
  }

  /** Start on WebSocket directly when an earlier upgrade of this connection worked. */
  public boolean rememberUpgrade() {
    return rememberUpgrade;
  }

  /**
   * Follow redirects to another origin (scheme, host, port) with this connection's headers, query and
   * cookies; otherwise only redirects within the endpoint's origin are followed (see {@link Redirects}).
   */
  public boolean crossOriginRedirects() {
    return crossOriginRedirects;
  }

  /** How long the WebSocket probe and switch may take before the session stays on polling. */
  public long upgradeTimeoutMillis() {
    return upgradeTimeoutMillis;
  }

  /**
   * The largest WebSocket message (all its frames) or polling response body the server may send, in
   * bytes; checked as the bytes arrive. Larger closes the session with {@code INCOMING_TOO_LARGE}.
   */
  public long maxIncomingMessageBytes() {
    return maxIncomingMessageBytes;
  }

  /**
   * The {@code maxPayload} to assume when the server's handshake announces none (socket.io 2.x servers
   * do not, yet reset the connection on a larger POST); {@link Long#MAX_VALUE} (the default): no limit.
   */
  public long assumedMaxPayload() {
    return assumedMaxPayload;
  }

  public static final class Builder {
    private long assumedMaxPayload = Long.MAX_VALUE;

    /** See {@link EngineOptions#assumedMaxPayload()}. */
    public Builder assumedMaxPayload(long bytes) {
      if (bytes < 1) throw new IllegalArgumentException("assumedMaxPayload must be at least 1: " + bytes);
      this.assumedMaxPayload = bytes;
      return this;
    }

    private final HttpUrl url;
    private HttpUrl endpoint;
    private String path = "/socket.io/";
    private Headers extraHeaders = Headers.of();
    private EngineProtocol protocol = EngineIoV4.INSTANCE;
    private long handshakeTimeoutMillis = 20_000;
    private long closeTimeoutMillis = 5_000;
    private long upgradeTimeoutMillis = 10_000;
    private boolean polling = true;
    private boolean websocket = true;
    private boolean upgrade = true;
    private boolean rememberUpgrade;
    private boolean crossOriginRedirects;
    private long maxIncomingMessageBytes = 64L * 1024 * 1024;

    Builder(HttpUrl url) {
      this.url = url;
      this.endpoint = url;
    }

    /** The Engine.IO path, default {@code /socket.io/}. A trailing slash is added when missing. */
    public Builder path(String path) {
      this.path = Checks.endpointPath(path);
      return this;
    }

    public Builder extraHeaders(Headers headers) {
      this.extraHeaders = headers;
      return this;
    }

    public Builder protocol(EngineProtocol protocol) {
      this.protocol = protocol;
      return this;
    }

    public Builder handshakeTimeout(long timeout, TimeUnit unit) {
      this.handshakeTimeoutMillis = Checks.positiveMillis("handshakeTimeout", timeout, unit);
      return this;
    }

    public Builder closeTimeout(long timeout, TimeUnit unit) {
      this.closeTimeoutMillis = Checks.positiveMillis("closeTimeout", timeout, unit);
      return this;
    }

    /** Which transports the session may use; at least one. Default: both, polling first. */
    public Builder transports(boolean polling, boolean websocket) {
      if (!polling && !websocket) throw new IllegalArgumentException("no transport allowed");
      this.polling = polling;
      this.websocket = websocket;
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

    public Builder crossOriginRedirects(boolean follow) {
      this.crossOriginRedirects = follow;
      return this;
    }

    public Builder upgradeTimeout(long timeout, TimeUnit unit) {
      this.upgradeTimeoutMillis = Checks.positiveMillis("upgradeTimeout", timeout, unit);
      return this;
    }

    public Builder maxIncomingMessageBytes(long bytes) {
      if (bytes < 1) throw new IllegalArgumentException("maxIncomingMessageBytes must be at least 1: " + bytes);
      this.maxIncomingMessageBytes = bytes;
      return this;
    }

    public EngineOptions build() {
      for (String name : url.queryParameterNames()) {
        if (RESERVED_QUERY.contains(name)) {
          throw new IllegalArgumentException("query parameter '" + name + "' is reserved by Engine.IO");
        }
      }
      endpoint = url.newBuilder().encodedPath(path).fragment(null).build();
      return new EngineOptions(this);
    }
  }
}
