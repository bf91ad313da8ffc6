package dev.tether;

/**
 * The three ways a connection can be made; integration tests (also the fault and Rx suites) run over
 * each where it matters.
 */
public enum TransportMode {
  /** The default: long-polling first, then the upgrade to WebSocket. */
  UPGRADE,
  /** Long-polling only. */
  POLLING,
  /** WebSocket only, no polling at all. */
  WEBSOCKET;

  public SocketOptions.Builder builder() {
    switch (this) {
      case POLLING:
        return SocketOptions.builder().transports(Transport.POLLING);
      case WEBSOCKET:
        return SocketOptions.builder().transports(Transport.WEBSOCKET);
      default:
        return SocketOptions.builder();
    }
  }

  public SocketOptions options() {
    return builder().build();
  }
}
