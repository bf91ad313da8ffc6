package dev.tether.bench.micro;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.ToNumberPolicy;
import dev.tether.internal.client.PayloadCodec;
import dev.tether.internal.engine.EnginePacket;
import dev.tether.internal.engine.EngineIoV4;
import dev.tether.internal.sio.SioPacket;
import dev.tether.internal.sio.SocketIoProtocol;
import dev.tether.internal.sio.SocketIoV5;
import dev.tether.internal.wire.Payload;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The codec steps each client takes per event, as small functions shared by the benchmarks and their
 * test (which checks that the three clients agree on the wire text).
 *
 * <p>Tether's steps mirror {@code RealSocket} and {@code SocketIoConnection}: {@code PayloadCodec} binds the arguments with Gson,
 * {@code SioPacket}/{@code SocketIoV5} build the Socket.IO packet, {@code EngineIoV4} frames it; on the
 * way in the same in reverse, up to binding argument 0 to {@code Msg} as a typed listener does.
 */
final class Codecs {
  /** Gson as Tether configures it by default (see {@code Tether.Builder}). */
  static final Gson TETHER_GSON = new GsonBuilder()
      .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).disableHtmlEscaping().create();
  /** The floor's Gson: plain, no HTML escaping (as a hand-written client would configure it). */
  static final Gson FLOOR_GSON = new GsonBuilder().disableHtmlEscaping().create();

  static final PayloadCodec TETHER_CODEC = new PayloadCodec(TETHER_GSON);

  private Codecs() {
  }

  /** Tether: an emit's arguments to the Engine.IO packets it sends (text header, then attachments). */
  static List<EnginePacket> tetherEncode(String event, Object... args) {
    Payload payload = TETHER_CODEC.encode(event, args);
    return SocketIoV5.INSTANCE.encode(SioPacket.event("/", payload.json, null, payload.attachments));
  }

  /** Tether: a complete incoming packet to argument {@code 0} bound to {@code type}, as a listener gets it. */
  static <T> @Nullable T tetherBindArg0(SioPacket packet, Class<T> type) {
    JsonArray array = packet.data().getAsJsonArray();
    String name = array.get(0).getAsString();
    // SocketIoConnection.onEvent copies the arguments out; RealArgs/RealEvent name them for errors.
    JsonArray args = new JsonArray(array.size() - 1);
    for (int i = 1; i < array.size(); i++) args.add(array.get(i));
    String context = "event '" + name + "'";
    return TETHER_CODEC.bind(args.get(0), type, packet.attachments(), "argument " + 0 + " of " + context);
  }

  static SocketIoProtocol.Decoder tetherDecoder() {
    return SocketIoV5.INSTANCE.newDecoder(SocketIoProtocol.Limits.DEFAULT);
  }

  static EngineIoV4 engine() {
    return EngineIoV4.INSTANCE;
  }
}
