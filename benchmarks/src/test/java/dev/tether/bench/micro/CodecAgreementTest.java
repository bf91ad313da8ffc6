package dev.tether.bench.micro;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.tether.bench.Msg;
import dev.tether.internal.engine.EnginePacket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/** The three clients' codec steps in the microbenchmarks do the same work: same frames, same values. */
class CodecAgreementTest {
  private static final Blackhole BLACKHOLE = new Blackhole(
      "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

  @Test
  void textEventFramesAndValuesAgree() throws Exception {
    TextEventBenchmark benchmark = new TextEventBenchmark();

    assertThat(benchmark.encode_tether()).isEqualTo(benchmark.frame);
    // org.json 20090211 keeps object members in a HashMap: same JSON, another member order
    assertThat(JsonParser.parseString(benchmark.encode_peer().substring(2)))
        .isEqualTo(JsonParser.parseString(benchmark.frame.substring(2)));
    assertThat(benchmark.encode_floor()).isEqualTo(benchmark.frame);
    Msg expected = Msg.sample(42);
    assertThat(benchmark.decode_tether()).isEqualTo(expected);
    assertThat(benchmark.decode_peer()).isEqualTo(expected);
    assertThat(benchmark.decode_floor()).isEqualTo(expected);
  }

  @Test
  void binaryEventDecodersReturnThePayload() throws Exception {
    BinaryEventBenchmark benchmark = new BinaryEventBenchmark();
    benchmark.size = 1024;
    benchmark.setUp();

    assertThat(benchmark.decode_tether()).isEqualTo(benchmark.payload);
    assertThat(benchmark.decode_peer()).isEqualTo(benchmark.payload);
    assertThat(benchmark.decode_floor()).isEqualTo(benchmark.payload);
    benchmark.encode_tether(BLACKHOLE);
    benchmark.encode_peer(BLACKHOLE);
    benchmark.encode_floor(BLACKHOLE);
    assertThat(Codecs.tetherEncode("echo", (Object) benchmark.payload).get(0).text())
        .isEqualTo(BinaryEventBenchmark.HEADER.substring(1));
  }

  @Test
  void pollingPayloadsAgree() throws Exception {
    PollingPayloadBenchmark text = new PollingPayloadBenchmark();
    text.payload = "text";
    text.setUp();
    assertThat(text.encode_peer()).isEqualTo(text.body);
    assertThat(text.encode_floor()).isEqualTo(text.body);
    assertThat(text.decode_tether()).isEqualTo(text.packets);

    PollingPayloadBenchmark binary = new PollingPayloadBenchmark();
    binary.payload = "binary";
    binary.setUp();
    assertThat(binary.encode_floor()).isEqualTo(binary.body);
    List<EnginePacket> decoded = binary.decode_tether();
    assertThat(decoded).isEqualTo(binary.packets);
    // the peer wraps its base64 at 76 characters (Android's Base64.DEFAULT): same content
    List<Object> peer = new ArrayList<>();
    io.socket.engineio.parser.Parser.decodePayload(new String(binary.encode_peer(), java.nio.charset.StandardCharsets.UTF_8),
        (packet, index, total) -> peer.add(packet.data));
    assertThat(peer).hasSize(2);
    assertThat((byte[]) peer.get(1)).isEqualTo(binary.packets.get(1).binary().toByteArray());
    binary.decode_peer(BLACKHOLE);
    binary.decode_floor(BLACKHOLE);
  }
}
