package dev.tether.internal.engine;

import dev.tether.TransportException;
import java.util.List;

/**
 * One way of carrying Engine.IO packets (HTTP long-polling, WebSocket). Every method is called on
 * the connection's event loop, and every {@link Callback} method is invoked on it too; transports
 * do their blocking I/O and decoding on OkHttp's threads and hand the results to the loop.
 */
interface Transport {
  String name();

  /** Where events go; set before {@link #open}, and again when a probe becomes the main transport. */
  void setCallback(Callback callback);

  /** Connects. For a new session the open packet arrives through {@link Callback#onPackets}. */
  void open();

  /** Called once the handshake is known: the transport now belongs to that session. */
  void attach(Handshake handshake);

  /** True when {@link #send} may be called now. */
  boolean isWritable();

  /**
   * True when nothing but a {@link #pause} keeps {@link #send} from being called now: the transport
   * carries the session and has no write in flight (Engine.IO's {@code transport.writable}).
   */
  boolean isWritableUnlessPaused();

  /** The bytes {@code packet} adds to a batch on this transport. */
  long size(EnginePacket packet, boolean first);

  /** How many bytes the next batch may hold (its first packet is always taken). */
  long batchBudget(long maxPayload);

  /** The largest single packet this transport can carry to a server with this {@code maxPayload}. */
  long maxPacketSize(long maxPayload);

  /** Writes packets; {@link Callback#onDrain} follows once the transport is writable again. */
  void send(List<EnginePacket> packets);

  /** Stops starting requests; runs {@code onPaused} once nothing is in flight (used by the upgrade). */
  void pause(Runnable onPaused);

  /** Undoes {@link #pause} after a failed upgrade. */
  void resume();

  /** Stops asking the server for more data (used while closing). */
  void stopReceiving();

  /** Releases everything at once; no callback follows. Idempotent. */
  void close();

  /** A callback that drops everything: the state of a transport nobody listens to yet. */
  Callback IGNORE = new Callback() {
    @Override public void onOpen() {
    }

    @Override public void onPackets(List<EnginePacket> packets) {
    }

    @Override public void onDrain() {
    }

    @Override public void onError(TransportException error) {
    }

    @Override public void onClosed() {
    }
  };

  /** Events from a transport, delivered on the event loop. */
  interface Callback {
    /** The connection is up (WebSocket handshake done); polling never calls it. */
    void onOpen();

    void onPackets(List<EnginePacket> packets);

    void onDrain();

    void onError(TransportException error);

    /** The server closed the transport cleanly. */
    void onClosed();
  }
}
