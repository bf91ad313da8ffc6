package dev.tether.bench.micro;

import dev.tether.bench.Msg;
import dev.tether.internal.engine.EngineIoV4;
import dev.tether.internal.engine.EnginePacket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * An HTTP long-polling payload: Engine.IO packets joined by the record separator 0x1E, binary as
 * {@code b} + base64. The Engine.IO layer only (the Socket.IO text inside is already encoded), from the
 * packets to the request body's bytes and back.
 *
 * <ul>
 *   <li>{@code text}: 8 chat events, as a busy poll or a batched POST carries them (1.1 KB);
 *   <li>{@code binary}: one event with a 1 KiB attachment (header plus a base64 packet).
 * </ul>
 *
 * The peer reads and writes bodies as {@code String} (OkHttp's {@code body().string()} and
 * {@code getBytes(UTF_8)} in its PollingXHR); that conversion is part of its cost here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PollingPayloadBenchmark {
  @Param({"text", "binary"})
  public String payload;

  List<EnginePacket> packets;
  io.socket.engineio.parser.Packet<?>[] peerPackets;
  /** Each packet's data as the floor and the peer hold it: a String, or a byte[] for binary. */
  Object[] rawData;
  /** The body as it travels, produced by Tether's encoder (the server's form for text). */
  byte[] body;

  @Setup
  public void setUp() {
    packets = new ArrayList<>();
    if (payload.equals("text")) {
      for (int i = 0; i < 8; i++) {
        packets.add(EnginePacket.message("2[\"echo\"," + Codecs.FLOOR_GSON.toJson(Msg.sample(i)) + "]"));
      }
    } else {
      byte[] data = new byte[1024];
      for (int i = 0; i < data.length; i++) data[i] = (byte) i;
      packets.add(EnginePacket.message(BinaryEventBenchmark.HEADER.substring(1)));
      packets.add(EnginePacket.binary(data));
    }
    peerPackets = new io.socket.engineio.parser.Packet<?>[packets.size()];
    rawData = new Object[packets.size()];
    for (int i = 0; i < packets.size(); i++) {
      EnginePacket packet = packets.get(i);
      Object data = packet.isBinary() ? packet.binary().toByteArray() : packet.text();
      rawData[i] = data;
      peerPackets[i] = new io.socket.engineio.parser.Packet<>(io.socket.engineio.parser.Packet.MESSAGE, data);
    }
    body = EngineIoV4.INSTANCE.encodePayload(packets);
  }

  // ---- encode: packets -> body ----------------------------------------------------------------

  @Benchmark
  public byte[] encode_tether() {
    return EngineIoV4.INSTANCE.encodePayload(packets);
  }

  @Benchmark
  public byte[] encode_peer() {
    byte[][] out = new byte[1][];
    io.socket.engineio.parser.Parser.encodePayload(peerPackets,
        text -> out[0] = text.getBytes(StandardCharsets.UTF_8));
    return out[0];
  }

  @Benchmark
  public byte[] encode_floor() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < packets.size(); i++) {
      if (i > 0) out.append('\u001e');
      EnginePacket packet = packets.get(i);
      if (packet.isBinary()) {
        out.append('b').append(Base64.getEncoder().encodeToString((byte[]) rawData[i]));
      } else {
        out.append('4').append(packet.text());
      }
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  // ---- decode: body -> packets ----------------------------------------------------------------

  /** The body is validated at once and each packet built when read: build them all, as a session does. */
  @Benchmark
  public List<EnginePacket> decode_tether() throws Exception {
    return new ArrayList<>(EngineIoV4.INSTANCE.decodePayload(body));
  }

  @Benchmark
  public void decode_peer(Blackhole bh) {
    io.socket.engineio.parser.Parser.decodePayload(new String(body, StandardCharsets.UTF_8),
        (packet, index, total) -> {
          bh.consume(packet);
          return true;
        });
  }

  @Benchmark
  public void decode_floor(Blackhole bh) {
    for (String packet : new String(body, StandardCharsets.UTF_8).split("\u001e")) {
      if (packet.charAt(0) == 'b') {
        bh.consume(Base64.getDecoder().decode(packet.substring(1)));
      } else {
        bh.consume(packet.charAt(0));
        bh.consume(packet.substring(1));
      }
    }
  }
}
