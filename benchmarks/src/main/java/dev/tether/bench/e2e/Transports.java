package dev.tether.bench.e2e;

/** Which Engine.IO transports a connection may use. */
public enum Transports {
  /** Each client's default: HTTP long-polling first, then the upgrade to WebSocket. */
  DEFAULT("default transports"),
  WEBSOCKET("websocket-only"),
  POLLING("polling-only");

  final String label;

  Transports(String label) {
    this.label = label;
  }
}
