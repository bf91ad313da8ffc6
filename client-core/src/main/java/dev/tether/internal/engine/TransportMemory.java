package dev.tether.internal.engine;

/**
 * What one connection remembers across its sessions (reconnections): whether a WebSocket upgrade
 * worked, so {@code rememberUpgrade} can start the next session on WebSocket directly. Owned by one
 * connection, never global. Thread-safe.
 */
public final class TransportMemory {
  private volatile boolean websocketWorked;

  public boolean websocketWorked() {
    return websocketWorked;
  }

  void websocketWorked(boolean worked) {
    this.websocketWorked = worked;
  }
}
