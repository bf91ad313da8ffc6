package dev.tether.bench.e2e;

import dev.tether.bench.Msg;
import java.util.function.Consumer;

/**
 * One Socket.IO connection (root namespace) of one client library, reduced to what the scenarios
 * need. Register listeners before {@link #connect}. Emits may be called from any thread, listeners
 * included; callbacks run on the library's own threads.
 */
public interface Conn {
  /** Every {@code echo} event whose argument 0 is an object, bound to {@link Msg}. */
  void onEcho(Consumer<Msg> listener);

  /** Every {@code echo} event whose argument 0 is binary. */
  void onBinaryEcho(Consumer<byte[]> listener);

  /** Starts connecting; later exactly one of the callbacks runs, on any thread. */
  void connect(Runnable connected, Consumer<String> failed);

  /** {@code emit("echo", msg)}: the server emits {@code echo(msg)} back. */
  void emitEcho(Msg msg);

  /** {@code emit("echo", bytes)}: the server emits {@code echo(bytes)} back. */
  void emitBinaryEcho(byte[] payload);

  /** {@code emit("ack", msg, ack)}: the server acknowledges with {@code msg}. */
  void emitAck(Msg msg, Consumer<Msg> acked);

  /** Disconnects (telling the server) and releases this connection. Does not block. */
  void close();
}
