package dev.tether;

/** The ways a connection can reach the server. */
public enum Transport {
  /** HTTP long-polling: works through every proxy; the default first transport. */
  POLLING,
  /** WebSocket: one frame per packet, lower latency and overhead. */
  WEBSOCKET
}
