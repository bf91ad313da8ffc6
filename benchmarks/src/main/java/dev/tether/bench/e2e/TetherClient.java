package dev.tether.bench.e2e;

import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.Transport;
import dev.tether.bench.Msg;
import dev.tether.bench.Tick;
import java.util.function.Consumer;

/** Tether with its defaults: one {@code Tether} per client, one socket per connection. */
final class TetherClient implements Client {
  private final Tether tether = Tether.create();

  @Override public Conn open(String url, Transports transports) {
    SocketOptions.Builder options = SocketOptions.builder()
        .forceNew(true) // a connection of its own, as every bot of a load test has
        .reconnection(false);
    if (transports == Transports.WEBSOCKET) options.transports(Transport.WEBSOCKET);
    if (transports == Transports.POLLING) options.transports(Transport.POLLING);
    Socket socket = tether.socket(url, options.build());
    return new Conn() {
      @Override public void onEcho(Consumer<Msg> listener) {
        socket.on("echo", Msg.class, listener::accept);
      }

      @Override public void onBinaryEcho(Consumer<byte[]> listener) {
        socket.on("echo", byte[].class, listener::accept);
      }

      @Override public void onTick(Consumer<Tick> listener) {
        socket.on("tick", Tick.class, listener::accept);
      }

      @Override public void connect(Runnable connected, Consumer<String> failed) {
        socket.onConnect(connected);
        socket.onConnectError(error -> failed.accept("connect error: " + error.message()));
        socket.connect();
      }

      @Override public void emitEcho(Msg msg) {
        socket.emit("echo", msg);
      }

      @Override public void emitBinaryEcho(byte[] payload) {
        socket.emit("echo", (Object) payload);
      }

      @Override public void emitAck(Msg msg, Consumer<Msg> acked) {
        socket.emitWithAck("ack", msg).then(args -> acked.accept(args.arg(0, Msg.class)),
            failure -> System.err.println("tether: ack failed: " + failure));
      }

      @Override public void requestBurst(int count) {
        socket.emit("bench-burst", count);
      }

      @Override public void close() {
        socket.close();
      }
    };
  }

  @Override public void close() {
    tether.close();
  }
}
