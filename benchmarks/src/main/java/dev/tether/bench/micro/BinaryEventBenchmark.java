package dev.tether.bench.micro;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tether.internal.engine.EngineIoV4;
import dev.tether.internal.engine.EnginePacket;
import dev.tether.internal.sio.SioPacket;
import dev.tether.internal.sio.SocketIoProtocol;
import io.socket.parser.IOParser;
import io.socket.parser.Packet;
import io.socket.parser.Parser;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okio.ByteString;
import org.json.JSONArray;
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
 * One event with a binary argument, {@code 451-["echo",{"_placeholder":true,"num":0}]} plus one
 * binary WebSocket frame, from the application's {@code byte[]} to the frames OkHttp sends
 * ({@code String} and {@code ByteString}) and back to a {@code byte[]} the listener may keep.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BinaryEventBenchmark {
  static final String HEADER = "451-[\"echo\",{\"_placeholder\":true,\"num\":0}]";

  @Param({"1024", "262144"})
  public int size;

  byte[] payload;
  /** The binary frame as OkHttp hands it to a WebSocketListener. */
  ByteString frame;

  private final SocketIoProtocol.Decoder tetherDecoder = Codecs.tetherDecoder();
  private final IOParser.Encoder peerEncoder = new IOParser.Encoder();
  private final IOParser.Decoder peerDecoder = new IOParser.Decoder();
  private final Packet<?>[] peerDecoded = new Packet<?>[1];

  @Setup
  public void setUp() {
    payload = new byte[size];
    for (int i = 0; i < size; i++) payload[i] = (byte) i;
    frame = ByteString.of(payload);
    peerDecoder.onDecoded(packet -> peerDecoded[0] = packet);
  }

  // ---- encode: byte[] -> frames ---------------------------------------------------------------

  @Benchmark
  public void encode_tether(Blackhole bh) {
    List<EnginePacket> packets = Codecs.tetherEncode("echo", (Object) payload);
    bh.consume(EngineIoV4.INSTANCE.encodeTextFrame(packets.get(0)));
    bh.consume(EngineIoV4.INSTANCE.encodeBinaryFrame(packets.get(1)));
  }

  @Benchmark
  public void encode_peer(Blackhole bh) {
    JSONArray data = new JSONArray();
    data.put("echo");
    data.put(payload);
    Packet<JSONArray> packet = new Packet<>(Parser.EVENT, data);
    packet.nsp = "/";
    peerEncoder.encode(packet, encoded -> {
      for (Object part : encoded) {
        // engine.io-client's WebSocket transport: ws.send(String) or ws.send(ByteString.of(byte[]))
        io.socket.engineio.parser.Parser.encodePacket(
            new io.socket.engineio.parser.Packet<>(io.socket.engineio.parser.Packet.MESSAGE, part),
            out -> bh.consume(out instanceof String ? out : ByteString.of((byte[]) out)));
      }
    });
  }

  @Benchmark
  public void encode_floor(Blackhole bh) {
    bh.consume(HEADER);
    bh.consume(ByteString.of(payload));
  }

  // ---- decode: frames -> byte[] ---------------------------------------------------------------

  @Benchmark
  public byte[] decode_tether() throws Exception {
    if (tetherDecoder.decode(EngineIoV4.INSTANCE.decodeTextFrame(HEADER)) != null) throw new AssertionError();
    SioPacket packet = tetherDecoder.decode(EngineIoV4.INSTANCE.decodeBinaryFrame(frame));
    return Codecs.tetherBindArg0(packet, byte[].class);
  }

  @Benchmark
  public byte[] decode_peer() throws Exception {
    peerDecoder.add(io.socket.engineio.parser.Parser.decodePacket(HEADER).data);
    // engine.io-client's WebSocket transport: onMessage(ByteString) -> bytes.toByteArray()
    peerDecoder.add(io.socket.engineio.parser.Parser.decodePacket(frame.toByteArray()).data);
    JSONArray data = (JSONArray) peerDecoded[0].data;
    return (byte[]) data.get(1);
  }

  @Benchmark
  public byte[] decode_floor() {
    JsonArray array = JsonParser.parseString(HEADER.substring(4)).getAsJsonArray();
    JsonObject placeholder = array.get(1).getAsJsonObject();
    if (!"echo".equals(array.get(0).getAsString()) || placeholder.get("num").getAsInt() != 0) {
      throw new AssertionError();
    }
    return frame.toByteArray();
  }
}
