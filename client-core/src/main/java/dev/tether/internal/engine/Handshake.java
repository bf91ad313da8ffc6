package dev.tether.internal.engine;

import java.util.Collections;
import java.util.List;

/** The server's answer to the Engine.IO handshake (the open packet). Immutable. */
public final class Handshake {
  private final String sid;
  private final List<String> upgrades;
  private final long pingIntervalMillis;
  private final long pingTimeoutMillis;
  private final long maxPayload;

  public Handshake(String sid, List<String> upgrades, long pingIntervalMillis, long pingTimeoutMillis,
      long maxPayload) {
    this.sid = sid;
    this.upgrades = Collections.unmodifiableList(upgrades);
    this.pingIntervalMillis = pingIntervalMillis;
    this.pingTimeoutMillis = pingTimeoutMillis;
    this.maxPayload = maxPayload;
  }

  /** The Engine.IO session id. Secret-ish: never log it, never show it as the socket id. */
  public String sid() {
    return sid;
  }

  public List<String> upgrades() {
    return upgrades;
  }

  public long pingIntervalMillis() {
    return pingIntervalMillis;
  }

  public long pingTimeoutMillis() {
    return pingTimeoutMillis;
  }

  /** Largest POST body / WebSocket frame the server accepts, in UTF-8 bytes. */
  public long maxPayload() {
    return maxPayload;
  }

  @Override public String toString() {
    return "Handshake{upgrades=" + upgrades + ", pingInterval=" + pingIntervalMillis
        + ", pingTimeout=" + pingTimeoutMillis + ", maxPayload=" + maxPayload + "}";
  }
}
