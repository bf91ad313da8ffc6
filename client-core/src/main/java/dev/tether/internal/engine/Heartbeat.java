package dev.tether.internal.engine;

import dev.tether.internal.loop.Cancellable;

/**
 * Keeps a session alive and notices when it is dead. The direction differs between protocol
 * versions (v4: the server pings, v3: the client pings), so each {@link EngineProtocol} makes its own.
 * All methods run on the connection's event loop.
 */
public interface Heartbeat {
  /** What a heartbeat needs from its connection. Called on the event loop. */
  interface Host {
    Cancellable schedule(Runnable task, long delayMillis);

    long nanoTime();

    void send(EnginePacket packet);

    /** The peer missed its deadline: the connection is dead. */
    void onHeartbeatTimeout();
  }

  void start(Handshake handshake);

  void onPing(EnginePacket ping);

  void onPong(EnginePacket pong);

  /**
   * True when the deadline has already passed even if its timer has not fired yet (a device that
   * slept freezes timers). Writers check it so they buffer rather than write into a dead session.
   */
  boolean isExpired();

  void stop();
}
