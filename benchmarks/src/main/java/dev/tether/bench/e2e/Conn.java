package dev.tether.bench.e2e;

import dev.tether.bench.Msg;
import dev.tether.bench.Tick;
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

  /** Every {@code tick} event, bound to {@link Tick}. */
  void onTick(Consumer<Tick> listener);

  /** Starts connecting; later exactly one of the callbacks runs, on any thread. */
  void connect(Runnable connected, Consumer<String> failed);

  /** {@code emit("echo", msg)}: the server emits {@code echo(msg)} back. */
  void emitEcho(Msg msg);

  /** {@code emit("echo", bytes)}: the server emits {@code echo(bytes)} back. */
  void emitBinaryEcho(byte[] payload);

  /** {@code emit("ack", msg, ack)}: the server acknowledges with {@code msg}. */
  void emitAck(Msg msg, Consumer<Msg> acked);

  /** {@code emit("bench-burst", count)}: the server emits {@code tick({i})} {@code count} times, at once. */
  void requestBurst(int count);

  /** Disconnects (telling the server) and releases this connection. Does not block. */
  void close();
}
