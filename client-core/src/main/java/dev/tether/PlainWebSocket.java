package dev.tether;

import dev.tether.internal.util.Checks;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Connect to a plain WebSocket server (a Node {@code ws} server, a framework gateway) instead of a
 * Socket.IO server: set it with {@link ConnectionOptions.Builder#plainWebSocket(PlainWebSocket)} or the
 * {@link SocketOptions.Builder} shortcut.
 *
 * <pre>{@code
 * Socket socket = tether.socket("wss://example.com/feed",
 *     SocketOptions.builder().plainWebSocket(Envelope.json("name", "data")).build());
 * }</pre>
 *
 * <p>The URL is used as given: its path is the server's endpoint (no namespace, no
 * {@code /socket.io/}), its query is sent. The {@link Socket} API is the same as for Socket.IO —
 * listeners, emits, the send buffer, reconnection, the blocking helpers, Rx — with events framed by
 * the {@link #envelope()}. What a plain WebSocket cannot carry fails when the socket is made
 * (a namespace, {@code auth}, polling options) or when emitted (see the envelope).
 *
 * <p><b>Liveness.</b> There is no Socket.IO heartbeat: Tether sends a WebSocket ping every
 * {@link #pingIntervalMillis()} (default 10 s) and treats a ping still unanswered when the next one is
 * due as a dead connection ({@link DisconnectReason#PING_TIMEOUT}): a frozen server or a dead network
 * is noticed within twice the interval.
 *
 * <p><b>Server closes.</b> A close frame from the server is reported to {@link Socket#onServerClose}
 * (code and reason) before the disconnect. By default the socket then reconnects
 * ({@link DisconnectReason#TRANSPORT_CLOSE}), except for code 1008 (policy violation) and the
 * application codes 4000–4999, after which it stays disconnected
 * ({@link DisconnectReason#IO_SERVER_DISCONNECT}); change the set with the builder.
 *
 * <p>Immutable and thread-safe.
 */
public final class PlainWebSocket {
  /** The default ping interval: a dead connection is noticed within 20 s. */
  public static final long DEFAULT_PING_INTERVAL_MILLIS = 10_000;
  /** Close codes a server may send: 1000–4999 (RFC 6455 §7.4). */
  private static final int MIN_CODE = 1000;
  private static final int MAX_CODE = 4999;

  private final Envelope envelope;
  private final long pingIntervalMillis;
  /** Close codes after which the socket stays disconnected. Never modified after construction. */
  private final BitSet noReconnect;

  private PlainWebSocket(Builder builder) {
    envelope = builder.envelope;
    pingIntervalMillis = builder.pingIntervalMillis;
    noReconnect = (BitSet) builder.noReconnect.clone();
  }

  /** A plain WebSocket with this envelope and the default ping interval and close codes. */
  public static PlainWebSocket of(Envelope envelope) {
    return builder(envelope).build();
  }

  public static Builder builder(Envelope envelope) {
    return new Builder(envelope);
  }

  public Builder newBuilder() {
    Builder builder = new Builder(envelope);
    builder.pingIntervalMillis = pingIntervalMillis;
    builder.noReconnect = (BitSet) noReconnect.clone();
    return builder;
  }

  /** How events are framed. */
  public Envelope envelope() {
    return envelope;
  }

  /** Interval between WebSocket pings; 0 when pings are off. Default {@value #DEFAULT_PING_INTERVAL_MILLIS} ms. */
  public long pingIntervalMillis() {
    return pingIntervalMillis;
  }

  /** True when a server close with {@code code} is followed by reconnection (with reconnection on). */
  public boolean reconnectsAfterClose(int code) {
    return code < MIN_CODE || code > MAX_CODE || !noReconnect.get(code);
  }

  @Override public boolean equals(@Nullable Object o) {
    if (!(o instanceof PlainWebSocket)) return false;
    PlainWebSocket other = (PlainWebSocket) o;
    return envelope.equals(other.envelope) && pingIntervalMillis == other.pingIntervalMillis
        && noReconnect.equals(other.noReconnect);
  }

  @Override public int hashCode() {
    return 31 * (31 * envelope.hashCode() + (int) (pingIntervalMillis ^ (pingIntervalMillis >>> 32)))
        + noReconnect.hashCode();
  }

  @Override public String toString() {
    StringBuilder codes = new StringBuilder();
    for (int from = noReconnect.nextSetBit(0); from >= 0; ) {
      int to = noReconnect.nextClearBit(from) - 1;
      if (codes.length() > 0) codes.append(',');
      codes.append(from);
      if (to > from) codes.append('-').append(to);
      from = noReconnect.nextSetBit(to + 1);
    }
    return "PlainWebSocket{" + envelope + ", ping " + pingIntervalMillis + "ms, no reconnect after " + codes + "}";
  }

  /** Builds a {@link PlainWebSocket}. Not thread-safe. */
  public static final class Builder {
    private final Envelope envelope;
    private long pingIntervalMillis = DEFAULT_PING_INTERVAL_MILLIS;
    private BitSet noReconnect = new BitSet(MAX_CODE + 1);

    Builder(Envelope envelope) {
      if (envelope == null) throw new NullPointerException("envelope == null");
      this.envelope = envelope;
      noReconnect.set(1008); // policy violation: the server will refuse us again
      noReconnect.set(4000, MAX_CODE + 1); // application codes: "unauthorized", "kicked", ...
    }

    /**
     * Sends a WebSocket ping every {@code interval} (default 10 s); a ping still unanswered when the
     * next is due ends the connection, so a dead one is noticed within twice the interval.
     * {@code pingInterval(0, unit)} turns pings off (then only TCP notices a dead peer, maybe never).
     */
    public Builder pingInterval(long interval, TimeUnit unit) {
      if (interval < 0) throw new IllegalArgumentException("pingInterval < 0: " + interval);
      pingIntervalMillis = interval == 0 ? 0 : Checks.positiveMillis("pingInterval", interval, unit);
      return this;
    }

    /** Adds a close code after which the socket stays disconnected (the defaults are 1008 and 4000–4999). */
    public Builder noReconnectOnClose(int code) {
      return noReconnectOnClose(code, code);
    }

    /** Adds the close codes {@code fromCode} to {@code toCode} (inclusive), as {@link #noReconnectOnClose(int)}. */
    public Builder noReconnectOnClose(int fromCode, int toCode) {
      if (fromCode < MIN_CODE || toCode > MAX_CODE || fromCode > toCode) {
        throw new IllegalArgumentException("close codes are " + MIN_CODE + "–" + MAX_CODE + ": " + fromCode + "–" + toCode);
      }
      noReconnect.set(fromCode, toCode + 1);
      return this;
    }

    /** Reconnects after every server close, the default codes included; add exceptions after this call. */
    public Builder reconnectOnAnyClose() {
      noReconnect.clear();
      return this;
    }

    public PlainWebSocket build() {
      return new PlainWebSocket(this);
    }
  }
}
