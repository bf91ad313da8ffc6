package dev.tether.bench.micro;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.tether.bench.Msg;
import dev.tether.internal.engine.EngineIoV4;
import dev.tether.internal.sio.SioPacket;
import dev.tether.internal.sio.SocketIoProtocol;
import io.socket.parser.IOParser;
import io.socket.parser.Packet;
import io.socket.parser.Parser;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One text event, {@code 42["echo",{seq,user,text,ts}]} (about 140 bytes), from the application's
 * object to the WebSocket text frame and back to the object, for each client:
 *
 * <ul>
 *   <li>tether: Gson binding, Socket.IO packet, Engine.IO frame (its real code path);
 *   <li>peer: socket.io-client-java 2.1.2's IOParser and Engine.IO Parser, with the org.json object
 *       its users build by hand from the message;
 *   <li>floor: string concatenation around {@code Gson.toJson}, and {@code JsonParser} plus
 *       {@code Gson.fromJson} on the way in: the least a client can do.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TextEventBenchmark {
  private final Msg msg = Msg.sample(42);
  /** The frame as the server sends it (socket.io writes the same JSON the client sent). */
  final String frame = "42[\"echo\"," + Codecs.FLOOR_GSON.toJson(msg) + "]";

  private final SocketIoProtocol.Decoder tetherDecoder = Codecs.tetherDecoder();
  private final IOParser.Encoder peerEncoder = new IOParser.Encoder();
  private final IOParser.Decoder peerDecoder = new IOParser.Decoder();
  private final String[] peerFrame = new String[1];
  private final Packet<?>[] peerDecoded = new Packet<?>[1];

  public TextEventBenchmark() {
    peerDecoder.onDecoded(packet -> peerDecoded[0] = packet);
  }

  // ---- encode: Msg -> text frame ------------------------------------------------------------

  @Benchmark
  public String encode_tether() {
    return EngineIoV4.INSTANCE.encodeTextFrame(Codecs.tetherEncode("echo", msg).get(0));
  }

  @Benchmark
  public String encode_peer() {
    // Socket.emit: the arguments into a JSONArray, a Packet; Manager: IOParser; engine: Parser.
    JSONArray data = new JSONArray();
    data.put("echo");
    data.put(msg.toJson());
    Packet<JSONArray> packet = new Packet<>(Parser.EVENT, data);
    packet.nsp = "/";
    peerEncoder.encode(packet, encoded -> io.socket.engineio.parser.Parser.encodePacket(
        new io.socket.engineio.parser.Packet<>(io.socket.engineio.parser.Packet.MESSAGE, encoded[0]),
        text -> peerFrame[0] = (String) text));
    return peerFrame[0];
  }

  @Benchmark
  public String encode_floor() {
    return "42[\"echo\"," + Codecs.FLOOR_GSON.toJson(msg) + "]";
  }

  // ---- decode: text frame -> Msg ------------------------------------------------------------

  @Benchmark
  public Msg decode_tether() throws Exception {
    SioPacket packet = tetherDecoder.decode(EngineIoV4.INSTANCE.decodeTextFrame(frame));
    return Codecs.tetherBindArg0(packet, Msg.class);
  }

  @Benchmark
  public Msg decode_peer() throws JSONException {
    io.socket.engineio.parser.Packet<String> message = io.socket.engineio.parser.Parser.decodePacket(frame);
    peerDecoder.add(message.data);
    JSONArray data = (JSONArray) peerDecoded[0].data;
    // Socket.onevent: the JSONArray to Object[] for the listener, which reads the JSONObject.
    Object[] args = new Object[data.length()];
    for (int i = 0; i < args.length; i++) args[i] = data.isNull(i) ? null : data.get(i);
    return Msg.fromJson((JSONObject) args[1]);
  }

  @Benchmark
  public Msg decode_floor() {
    JsonArray array = JsonParser.parseString(frame.substring(2)).getAsJsonArray();
    if (!"echo".equals(array.get(0).getAsString())) throw new AssertionError();
    return Codecs.FLOOR_GSON.fromJson(array.get(1), Msg.class);
  }
}
