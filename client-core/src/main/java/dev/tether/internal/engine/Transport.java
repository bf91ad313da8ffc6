package dev.tether.internal.engine;

import java.util.List;

/**
 * One way of carrying Engine.IO packets (HTTP long-polling, WebSocket). Every method is called on
 * the connection's event loop, and every {@link Callback} method is invoked on it too; transports
 * do their blocking I/O and decoding on OkHttp's threads and hand the results to the loop.
 */
public interface Transport {
  String name();

  /** Starts the handshake. The open packet arrives through {@link Callback#onPackets}. */
  void open();

  /** Called once the handshake is known: the transport now belongs to that session. */
  void attach(Handshake handshake);

  /** True when {@link #send} may be called now (nothing is in flight that would be overtaken). */
  boolean isWritable();

  /** Writes packets; {@link Callback#onDrain} follows when they are written. Only when writable. */
  void send(List<EnginePacket> packets);

  /** Stops asking the server for more data (used while closing). */
  void stopReceiving();

  /** Releases everything at once; no callback follows. Idempotent. */
  void close();

  /** Events from a transport, delivered on the event loop. */
  interface Callback {
    void onPackets(List<EnginePacket> packets);

    void onDrain();

    void onError(dev.tether.TransportException error);
  }
}
