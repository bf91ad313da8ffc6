package dev.tether.internal.engine;

import static dev.tether.internal.engine.EnginePacket.Type.CLOSE;
import static dev.tether.internal.engine.EnginePacket.Type.MESSAGE;
import static dev.tether.internal.engine.EnginePacket.Type.NOOP;
import static dev.tether.internal.engine.EnginePacket.Type.OPEN;
import static dev.tether.internal.engine.EnginePacket.Type.PING;
import static dev.tether.internal.engine.EnginePacket.Type.PONG;
import static dev.tether.internal.engine.EnginePacket.Type.UPGRADE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.internal.http.IncomingLimitException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import okio.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Engine.IO v3 packets and payloads (docs/protocol.md §22): the packet and payload examples of the
 * v3 protocol, as socket.io 2.5.0 and 4.8.4 with {@code allowEIO3} put them on the wire.
 */
class EngineIoV3Test {
  private static final EngineIoV3 V3 = EngineIoV3.INSTANCE;
  private static final String OPEN_POLLING = "{\"sid\":\"_qzkVj6MK68httAFAAAA\",\"upgrades\":[\"websocket\"],"
      + "\"pingInterval\":25000,\"pingTimeout\":20000}";
  private static final String OPEN_WEBSOCKET = "{\"sid\":\"xPN1vFuy2YBDRhxiAAAU\",\"upgrades\":[],"
      + "\"pingInterval\":25000,\"pingTimeout\":20000}";
  private static final String OPEN_EIO3_ON_V4 = "{\"sid\":\"_qzkVj6MK68httAFAAAA\",\"upgrades\":[\"websocket\"],"
      + "\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}";
  private static final byte[] BYTES_1234 = {1, 2, 3, 4};

  // ---- single packets: WebSocket text frames and one-item payloads ----

  static Stream<Arguments> textPackets() {
    return Stream.of(
        Arguments.of("0" + OPEN_POLLING, EnginePacket.of(OPEN, OPEN_POLLING)),
        Arguments.of("0" + OPEN_WEBSOCKET, EnginePacket.of(OPEN, OPEN_WEBSOCKET)),
        Arguments.of("0" + OPEN_EIO3_ON_V4, EnginePacket.of(OPEN, OPEN_EIO3_ON_V4)),
        Arguments.of("1", EnginePacket.CLOSE),
        Arguments.of("2", EnginePacket.PING),
        Arguments.of("3", EnginePacket.PONG),
        Arguments.of("2probe", EnginePacket.of(PING, "probe")),
        Arguments.of("3probe", EnginePacket.of(PONG, "probe")),
        Arguments.of("4hello", EnginePacket.message("hello")),
        Arguments.of("5", EnginePacket.UPGRADE),
        Arguments.of("6", EnginePacket.NOOP),
        Arguments.of("4€", EnginePacket.message("€")),
        Arguments.of("4😀", EnginePacket.message("😀")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("textPackets")
  void aTextPacketIsOneFrameOrOneLengthPrefixedItem(String wire, EnginePacket packet) throws Exception {
    assertThat(V3.decodeTextFrame(wire)).isEqualTo(packet);
    assertThat(V3.encodeTextFrame(packet)).isEqualTo(wire);
    assertThat(V3.frameSize(packet)).isEqualTo(wire.getBytes(UTF_8).length);

    String item = wire.length() + ":" + wire;
    assertThat(V3.decodePayload(item.getBytes(UTF_8))).containsExactly(packet);
    assertThat(new String(V3.encodePayload(List.of(packet)), UTF_8)).isEqualTo(item);
    assertThat(V3.framedSize(packet, true)).isEqualTo(item.getBytes(UTF_8).length);
    assertThat(V3.framedSize(packet, false)).as("no separator in v3").isEqualTo(item.getBytes(UTF_8).length);
  }

  @Test void aBinaryWebSocketFrameIsTheMessageTypeByteThenTheBytes() throws Exception {
    EnginePacket packet = EnginePacket.binary(BYTES_1234);
    ByteString frame = ByteString.of((byte) 4, (byte) 1, (byte) 2, (byte) 3, (byte) 4);
    assertThat(V3.encodeBinaryFrame(packet)).isEqualTo(frame);
    assertThat(V3.decodeBinaryFrame(frame)).isEqualTo(packet);
    assertThat(V3.frameSize(packet)).isEqualTo(5);

    EnginePacket empty = EnginePacket.binary(new byte[0]);
    assertThat(V3.encodeBinaryFrame(empty)).isEqualTo(ByteString.of((byte) 4));
    assertThat(V3.decodeBinaryFrame(ByteString.of((byte) 4))).isEqualTo(empty);
  }

  /** The WebSocket never carries length prefixes: such a frame is a close packet with odd data. */
  @Test void aLengthPrefixedTextFrameIsNotAMessage() throws Exception {
    assertThat(V3.decodeTextFrame("14:42[\"echo\",1]").type()).isEqualTo(CLOSE);
  }

  @Test void aBase64TextFrameIsABinaryMessage() throws Exception {
    assertThat(V3.decodeTextFrame("b4AQIDBA==")).isEqualTo(EnginePacket.binary(BYTES_1234));
    assertThat(V3.decodeTextFrame("b4")).isEqualTo(EnginePacket.binary(new byte[0]));
  }

  /** A v4-style binary frame (no type byte) would be read as another packet type: refused, not guessed at. */
  @ParameterizedTest(name = "rejects binary frame {0}")
  @ValueSource(strings = {"", "010203", "02", "ff01"})
  void rejectsBinaryFramesThatAreNotMessages(String hex) {
    assertThatThrownBy(() -> V3.decodeBinaryFrame(ByteString.decodeHex(hex)))
        .isInstanceOf(MalformedPacketException.class);
  }

  @ParameterizedTest(name = "rejects text frame \"{0}\"")
  @ValueSource(strings = {"", "7", "abc", "b", "b1AQ==", "b4!!"})
  void rejectsMalformedTextFrames(String wire) {
    assertThatThrownBy(() -> V3.decodeTextFrame(wire)).isInstanceOf(MalformedPacketException.class);
  }

  // ---- text payloads (polling) ----

  static Stream<Arguments> textPayloads() {
    return Stream.of(
        Arguments.of("97:0" + OPEN_POLLING + "2:40",
            List.of(EnginePacket.of(OPEN, OPEN_POLLING), EnginePacket.message("0"))),
        Arguments.of("118:0" + OPEN_EIO3_ON_V4, List.of(EnginePacket.of(OPEN, OPEN_EIO3_ON_V4))),
        Arguments.of("1:2", List.of(EnginePacket.PING)),
        Arguments.of("1:3", List.of(EnginePacket.PONG)),
        Arguments.of("6:4hello6:4world", List.of(EnginePacket.message("hello"), EnginePacket.message("world"))),
        Arguments.of("6:4hello2:4€", List.of(EnginePacket.message("hello"), EnginePacket.message("€"))),
        Arguments.of("3:4😀", List.of(EnginePacket.message("😀"))),
        Arguments.of("17:42[\"echo\",\"é€😀\"]", List.of(EnginePacket.message("2[\"echo\",\"é€😀\"]"))),
        Arguments.of("2:4€10:b4AQIDBA==", List.of(EnginePacket.message("€"), EnginePacket.binary(BYTES_1234))),
        Arguments.of("6:4hello10:b4AQIDBA==",
            List.of(EnginePacket.message("hello"), EnginePacket.binary(BYTES_1234))),
        Arguments.of("1:6", List.of(EnginePacket.NOOP)),
        Arguments.of("1:1", List.of(EnginePacket.CLOSE)),
        Arguments.of("1:61:1", List.of(EnginePacket.NOOP, EnginePacket.CLOSE)),
        Arguments.of("18:42[\"echo\",\"hello\"]24:421[\"ack\",1,{\"a\":[1,2]}]11:422[\"ack0\"]", List.of(
            EnginePacket.message("2[\"echo\",\"hello\"]"), EnginePacket.message("21[\"ack\",1,{\"a\":[1,2]}]"),
            EnginePacket.message("22[\"ack0\"]"))),
        Arguments.of("18:42[\"echo\",\"hello\"]18:431[1,{\"a\":[1,2]}]5:432[]", List.of(
            EnginePacket.message("2[\"echo\",\"hello\"]"), EnginePacket.message("31[1,{\"a\":[1,2]}]"),
            EnginePacket.message("32[]"))),
        Arguments.of("82:452-[\"bin\",{\"_placeholder\":true,\"num\":0},{\"nested\":{\"_placeholder\":true,\"num\":1}}]"
            + "10:b4AQIDBA==6:b4BQY=", List.of(
            EnginePacket.message("52-[\"bin\",{\"_placeholder\":true,\"num\":0},{\"nested\":{\"_placeholder\":true,\"num\":1}}]"),
            EnginePacket.binary(BYTES_1234), EnginePacket.binary(new byte[] {5, 6}))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("textPayloads")
  void decodesAndEncodesTextPayloads(String wire, List<EnginePacket> packets) throws Exception {
    assertThat(V3.decodePayload(wire.getBytes(UTF_8))).containsExactlyElementsOf(packets);
    assertThat(new String(V3.encodePayload(packets), UTF_8)).isEqualTo(wire);
    long framed = 0;
    for (int i = 0; i < packets.size(); i++) framed += V3.framedSize(packets.get(i), i == 0);
    assertThat(framed).isEqualTo(wire.getBytes(UTF_8).length);
  }

  @Test void theLengthCountsUtf16UnitsSoAnEmojiEventIs17CharactersAnd25Bytes() {
    byte[] expected = ByteString.decodeHex(
        "31373a34325b226563686f222c22c3a9e282acf09f9880225d").toByteArray();
    assertThat(V3.encodePayload(List.of(EnginePacket.message("2[\"echo\",\"é€😀\"]")))).isEqualTo(expected);
    assertThat(expected).hasSize(25);
  }

  @Test void theLeniencyOfTheReferenceParserIsKept() throws Exception {
    assertThat(V3.decodePayload("0:1:2".getBytes(UTF_8))).containsExactly(EnginePacket.PING);
    assertThat(V3.decodePayload("01:2".getBytes(UTF_8))).containsExactly(EnginePacket.PING);
    assertThat(V3.decodePayload("0:".getBytes(UTF_8))).isEmpty();
  }

  @ParameterizedTest(name = "rejects \"{0}\"")
  @ValueSource(strings = {
      "", ":", "1:", ":2", "x:2", "1:7", "3:abc", "2:", "1:b", "2:b1", "4:b4!!", "1:2x", "1:21:",
      "18:42[\"echo\",\"é€\"]", // a byte count where units are due
      "42[\"echo\",1]\u001e42[\"echo\",2]", // v4 framing
      "2:4€€", // the first packet is fine, the rest is not: the whole body is refused
      "99999999999999999999:4"})
  void rejectsMalformedTextPayloads(String wire) {
    assertThatThrownBy(() -> V3.decodePayload(wire.getBytes(UTF_8)))
        .isInstanceOf(MalformedPacketException.class);
  }

  // ---- binary payloads (polling responses of sessions without b64) ----

  @Test void decodesTheBinaryPayloadOfATextAndABinaryMessage() throws Exception {
    byte[] body = ByteString.decodeHex("0004ff34e282ac0105ff0401020304").toByteArray();
    assertThat(V3.decodePayload(body)).containsExactly(EnginePacket.message("€"), EnginePacket.binary(BYTES_1234));
  }

  @Test void decodesTheBinaryPayloadOfAnEchoedHelloAndFourBytes() throws Exception {
    byte[] body = ByteString.decodeHex("0006ff3468656c6c6f0105ff0401020304").toByteArray();
    assertThat(V3.decodePayload(body))
        .containsExactly(EnginePacket.message("hello"), EnginePacket.binary(BYTES_1234));
  }

  @Test void binaryPayloadStringRecordsCountUtf8BytesAndLengthsMayHaveSeveralDigits() throws Exception {
    String event = "2[\"u\",\"é€😀\"]";
    byte[] utf8 = ("4" + event).getBytes(UTF_8);
    assertThat(utf8).hasSize(19);
    String text123 = "4" + "x".repeat(122);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(new byte[] {0, 1, 9, (byte) 0xff});
    body.write(utf8);
    body.write(new byte[] {0, 1, 2, 3, (byte) 0xff});
    body.write(text123.getBytes(UTF_8));
    body.write(new byte[] {1, 3, (byte) 0xff, 4, 5, 6});
    assertThat(V3.decodePayload(body.toByteArray())).containsExactly(
        EnginePacket.message(event), EnginePacket.message("x".repeat(122)), EnginePacket.binary(new byte[] {5, 6}));
  }

  @ParameterizedTest(name = "rejects {0}")
  @ValueSource(strings = {
      "00", "00ff", "0001", "0001ff", "0002ff34", "0000ff", "000aff34", "0001ff37", "0001ff62",
      "0101ff01", "0102ff0102", "0201ff04", "000102030405060708090001ff34"})
  void rejectsMalformedBinaryPayloads(String hex) {
    assertThatThrownBy(() -> V3.decodePayload(ByteString.decodeHex(hex).toByteArray()))
        .isInstanceOf(MalformedPacketException.class);
  }

  // ---- bounds ----

  @Test void aBodyWithMorePacketsThanAllowedIsRefusedWhole() throws Exception {
    assertThat(V3.decodePayload("1:21:21:2".getBytes(UTF_8), 3)).hasSize(3);
    assertThatThrownBy(() -> V3.decodePayload("1:21:21:2".getBytes(UTF_8), 2))
        .isInstanceOf(IncomingLimitException.class);
    byte[] binary = ByteString.decodeHex("0001ff320001ff320001ff32").toByteArray();
    assertThat(V3.decodePayload(binary, 3)).hasSize(3);
    assertThatThrownBy(() -> V3.decodePayload(binary, 2)).isInstanceOf(IncomingLimitException.class);
  }

  @Test void manyTinyPacketsAreDecodedAsTheyAreRead() throws Exception {
    int n = PollingTransport.MAX_PACKETS_PER_BODY;
    byte[] body = "1:6".repeat(n).getBytes(UTF_8);
    List<EnginePacket> packets = V3.decodePayload(body, n);
    assertThat(packets).hasSize(n);
    assertThat(packets.get(n - 1)).isSameAs(EnginePacket.NOOP);
    assertThatThrownBy(() -> V3.decodePayload(("1:6".repeat(n) + "1:6").getBytes(UTF_8), n))
        .isInstanceOf(IncomingLimitException.class);
  }

  // ---- sizes ----

  @Test void framedSizeIsTheEncodedLengthAcrossLengthDigitBoundaries() {
    for (int n : Arrays.asList(0, 1, 7, 8, 9, 10, 98, 99, 100, 998, 999, 1000, 12345)) {
      for (String unit : Arrays.asList("a", "é", "€", "😀")) {
        StringBuilder text = new StringBuilder();
        while (text.length() < n) text.append(unit);
        EnginePacket packet = EnginePacket.message(text.toString());
        assertThat(V3.framedSize(packet, true)).as("%s × %s", n, unit)
            .isEqualTo(V3.encodePayload(List.of(packet)).length);
      }
      EnginePacket binary = EnginePacket.binary(new byte[n]);
      assertThat(V3.framedSize(binary, true)).isEqualTo(V3.encodePayload(List.of(binary)).length);
      assertThat(V3.frameSize(binary)).isEqualTo(V3.encodeBinaryFrame(binary).size());
    }
  }

  @Test void aLoneSurrogateIsOneUnitAndThreeBytes() throws Exception {
    EnginePacket packet = EnginePacket.message("\ud83d");
    byte[] encoded = V3.encodePayload(List.of(packet));
    assertThat(encoded).containsExactly('2', ':', '4', 0xef, 0xbf, 0xbd);
    assertThat(V3.framedSize(packet, true)).isEqualTo(encoded.length);
    assertThat(V3.decodePayload(encoded)).containsExactly(EnginePacket.message("\ufffd"));
  }

  // ---- round trips ----

  @Test void randomBatchesRoundTripThroughTextPayloadsAndFrames() throws Exception {
    Random random = new Random(20261204);
    String[] alphabet = {"a", "Z", "0", ":", "4", "b", "\"", "é", "€", "😀", "\u001e", "\u0000", "12:"};
    for (int round = 0; round < 500; round++) {
      List<EnginePacket> packets = new ArrayList<>();
      int count = 1 + random.nextInt(6);
      for (int i = 0; i < count; i++) {
        if (random.nextInt(4) == 0) {
          byte[] data = new byte[random.nextInt(20)];
          random.nextBytes(data);
          packets.add(EnginePacket.binary(data));
        } else {
          StringBuilder text = new StringBuilder();
          int length = random.nextInt(30);
          for (int j = 0; j < length; j++) text.append(alphabet[random.nextInt(alphabet.length)]);
          EnginePacket.Type type = EnginePacket.Type.values()[1 + random.nextInt(6)];
          packets.add(text.length() == 0 ? EngineIoV4.bare(type) : EnginePacket.of(type, text.toString()));
        }
      }
      byte[] body = V3.encodePayload(packets);
      assertThat(V3.decodePayload(body)).as("round %s", round).containsExactlyElementsOf(packets);
      long framed = 0;
      for (EnginePacket packet : packets) {
        framed += V3.framedSize(packet, framed == 0);
        EnginePacket viaFrame = packet.isBinary()
            ? V3.decodeBinaryFrame(V3.encodeBinaryFrame(packet))
            : V3.decodeTextFrame(V3.encodeTextFrame(packet));
        assertThat(viaFrame).isEqualTo(packet);
      }
      assertThat(framed).isEqualTo(body.length);
    }
  }

  // ---- handshake ----

  @Test void aHandshakeWithoutMaxPayloadAssumesTheSocketIo25Default() throws Exception {
    Handshake handshake = V3.decodeHandshake(EnginePacket.of(OPEN, OPEN_POLLING));
    assertThat(handshake.sid()).isEqualTo("_qzkVj6MK68httAFAAAA");
    assertThat(handshake.upgrades()).containsExactly("websocket");
    assertThat(handshake.pingIntervalMillis()).isEqualTo(25_000);
    assertThat(handshake.pingTimeoutMillis()).isEqualTo(20_000);
    assertThat(handshake.maxPayload()).isEqualTo(1_000_000).isEqualTo(EngineIoV3.DEFAULT_MAX_PAYLOAD);
    assertThat(V3.decodeHandshake(EnginePacket.of(OPEN, OPEN_WEBSOCKET)).upgrades()).isEmpty();
  }

  @Test void theAssumedMaxPayloadIsConfigurableAndAnAnnouncedOneWins() throws Exception {
    EngineIoV3 older = EngineIoV3.assumingMaxPayload(100_000_000);
    assertThat(older.maxPayloadIfAbsent()).isEqualTo(100_000_000);
    assertThat(older.decodeHandshake(EnginePacket.of(OPEN, OPEN_POLLING)).maxPayload()).isEqualTo(100_000_000);
    assertThat(older.decodeHandshake(EnginePacket.of(OPEN, OPEN_POLLING.replace("}", ",\"maxPayload\":5000}")))
        .maxPayload()).isEqualTo(5000);
    assertThat(EngineIoV3.assumingMaxPayload(EngineIoV3.DEFAULT_MAX_PAYLOAD)).isSameAs(EngineIoV3.INSTANCE);
    assertThatThrownBy(() -> EngineIoV3.assumingMaxPayload(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test void olderServersHeartbeatDefaultsAreReadAsSent() throws Exception {
    assertThat(V3.decodeHandshake(EnginePacket.of(OPEN, OPEN_POLLING.replace("20000", "5000")))
        .pingTimeoutMillis()).isEqualTo(5000);
    assertThat(V3.decodeHandshake(EnginePacket.of(OPEN, OPEN_POLLING.replace("20000", "60000")))
        .pingTimeoutMillis()).isEqualTo(60000);
  }

  @ParameterizedTest(name = "rejects handshake {0}")
  @ValueSource(strings = {"not json", "[]", "{}", "{\"sid\":\"s\",\"pingTimeout\":1}",
      "{\"sid\":\"s\",\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":0}"})
  void rejectsInvalidHandshakes(String json) {
    assertThatThrownBy(() -> V3.decodeHandshake(EnginePacket.of(OPEN, json)))
        .isInstanceOf(MalformedPacketException.class);
  }

  @Test void theEioQueryValueIs3() {
    assertThat(V3.version()).isEqualTo("3");
    assertThat(EnginePacket.Type.values()).containsExactly(OPEN, CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP);
    assertThat(NOOP.code()).isEqualTo('6');
  }
}
