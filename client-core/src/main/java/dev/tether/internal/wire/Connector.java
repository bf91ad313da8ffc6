package dev.tether.internal.wire;

/**
 * Opens connections to one server for one Manager, and keeps what outlives a connection (whether
 * WebSocket worked last time, say). Used only on the Manager's event loop.
 */
public interface Connector {
  /** A new, not yet opened connection that reports to {@code listener} on the event loop. */
  Connection newConnection(Connection.Listener listener);
}
