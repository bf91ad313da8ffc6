package dev.tether.internal.engine;

import dev.tether.internal.TetherRuntime;
import dev.tether.internal.loop.SerialExecutor;

/** One Engine.IO session driven from a test thread: every call hops onto the session's loop. */
final class EngineClient {
  final SerialExecutor loop;
  final EngineRecorder events = new EngineRecorder();
  final EngineSocket socket;

  EngineClient(TetherRuntime runtime, EngineOptions options) {
    this(runtime, options, new TransportMemory());
  }

  EngineClient(TetherRuntime runtime, EngineOptions options, TransportMemory memory) {
    loop = runtime.newLoop("test-engine");
    socket = new EngineSocket(options, loop, runtime, memory, events);
  }

  String transportName() {
    return EngineTestSupport.call(loop, socket::transportName);
  }

  EngineClient open() {
    EngineTestSupport.onLoop(loop, socket::open);
    return this;
  }

  /** Opens and joins the root Socket.IO namespace, so the server's scenario handlers answer. */
  EngineClient openAndConnectNamespace() {
    open();
    events.awaitOpen();
    send("0");
    String reply = events.awaitText();
    if (!reply.startsWith("0{\"sid\":")) throw new AssertionError("CONNECT refused: " + reply);
    return this;
  }

  void send(String text) {
    EngineTestSupport.onLoop(loop, () -> socket.send(EnginePacket.message(text)));
  }

  void sendBinary(byte[] data) {
    EngineTestSupport.onLoop(loop, () -> socket.send(EnginePacket.binary(data)));
  }

  void close() {
    EngineTestSupport.onLoop(loop, socket::close);
  }

  Handshake handshake() {
    return EngineTestSupport.call(loop, socket::handshake);
  }
}
