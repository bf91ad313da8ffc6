package dev.tether;

/**
 * Where a {@link Socket} stands.
 *
 * <pre>
 *   DISCONNECTED ──connect()──► CONNECTING ──accepted──► CONNECTED
 *        ▲                          │                       │ connection lost
 *        │ disconnect(), kick,      │ transport failure     ▼ (recoverable reason)
 *        │ refusal, give-up         └────────────────► RECONNECTING ──accepted──► CONNECTED
 *   CLOSED: the Tether or the Manager was closed; final.
 * </pre>
 */
public enum ConnectionState {
  /** Joining the namespace for the first time since {@code connect()}. */
  CONNECTING,
  /** Joined; events flow. */
  CONNECTED,
  /** The connection was lost (or could not be opened) and Tether is trying again by itself. */
  RECONNECTING,
  /** Not connected and not trying: never connected, disconnected, kicked, refused, or gave up. */
  DISCONNECTED,
  /** Closed for good along with its Manager or Tether. */
  CLOSED
}
