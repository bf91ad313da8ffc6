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

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Engine.IO packet and payload vectors: rows 1–25 of the catalogue in docs/protocol.md §20. */
class EngineIoV4Test {
  private static final EngineIoV4 V4 = EngineIoV4.INSTANCE;
  private static final String OPEN_POLLING =
      "{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
          + "\"pingTimeout\":20000,\"maxPayload\":1000000}";
  private static final String OPEN_WEBSOCKET =
      "{\"sid\":\"hLR-IJ2vP-mR6ghQAAAk\",\"upgrades\":[],\"pingInterval\":25000,"
          + "\"pingTimeout\":20000,\"maxPayload\":1000000}";

  static Stream<Arguments> packetVectors() {
    return Stream.of(
        Arguments.of(1, "0" + OPEN_POLLING, EnginePacket.of(OPEN, OPEN_POLLING)),
        Arguments.of(2, "0" + OPEN_WEBSOCKET, EnginePacket.of(OPEN, OPEN_WEBSOCKET)),
        Arguments.of(3, "1", EnginePacket.of(CLOSE, null)),
        Arguments.of(4, "2", EnginePacket.of(PING, null)),
        Arguments.of(5, "3", EnginePacket.of(PONG, null)),
        Arguments.of(6, "2probe", EnginePacket.of(PING, "probe")),
        Arguments.of(7, "3probe", EnginePacket.of(PONG, "probe")),
        Arguments.of(8, "4hello", EnginePacket.message("hello")),
        Arguments.of(9, "4", EnginePacket.of(MESSAGE, null)),
        Arguments.of(10, "5", EnginePacket.of(UPGRADE, null)),
        Arguments.of(11, "6", EnginePacket.of(NOOP, null)),
        Arguments.of(13, "bAQIDBA==", EnginePacket.binary(new byte[] {1, 2, 3, 4})),
        Arguments.of(14, "b", EnginePacket.binary(new byte[0])),
        Arguments.of(16, "4€", EnginePacket.message("€")));
  }

  @ParameterizedTest(name = "row {0}: {1}")
  @MethodSource("packetVectors")
  void decodesAndEncodesEachPacketVector(int row, String wire, EnginePacket packet) throws Exception {
    assertThat(V4.decodePayload(wire.getBytes(UTF_8))).containsExactly(packet);
    assertThat(new String(V4.encodePayload(List.of(packet)), UTF_8)).isEqualTo(wire);
    assertThat(V4.framedSize(packet, true)).isEqualTo(wire.getBytes(UTF_8).length);
  }

  @Test void aVersion3BodyNamesTheDialectToUse() {
    String v3 = "97:0{\"sid\":\"_qzkVj6MK68httAFAAAA\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
        + "\"pingTimeout\":20000}2:40";
    assertThatThrownBy(() -> EngineIoV4.INSTANCE.decodePayload(v3.getBytes(UTF_8)))
        .isInstanceOf(MalformedPacketException.class).hasMessageContaining("socket.io 2.x")
        .hasMessageContaining("dialect(Dialect.SOCKET_IO_2)");
    assertThat(EngineIoV4.isVersion3Payload("1:6".getBytes(UTF_8))).isTrue();
    assertThat(EngineIoV4.isVersion3Payload("4123:x".getBytes(UTF_8))).isFalse();
    assertThat(EngineIoV4.isVersion3Payload("42[\"a:1\"]".getBytes(UTF_8))).isFalse();
    assertThat(EngineIoV4.isVersion3Payload("6".getBytes(UTF_8))).isFalse();
  }

  @Test void row16_euroSignIsTwoUtf16UnitsAndFourBytes() throws Exception {
    byte[] wire = {0x34, (byte) 0xe2, (byte) 0x82, (byte) 0xac};
    EnginePacket packet = V4.decodePayload(wire).get(0);
    assertThat(packet.text()).isEqualTo("€");
    assertThat(V4.encodePayload(List.of(packet))).isEqualTo(wire);
  }

  static Stream<Arguments> payloadVectors() {
    return Stream.of(
        Arguments.of(17, "4hello\u001e2\u001e4world", List.of(
            EnginePacket.message("hello"), EnginePacket.PING, EnginePacket.message("world"))),
        Arguments.of(18, "4hello\u001ebAQIDBA==", List.of(
            EnginePacket.message("hello"), EnginePacket.binary(new byte[] {1, 2, 3, 4}))),
        Arguments.of(19, "4test1\u001e4test2\u001e4test3", List.of(
            EnginePacket.message("test1"), EnginePacket.message("test2"), EnginePacket.message("test3"))),
        Arguments.of(20, "6\u001e1", List.of(EnginePacket.NOOP, EnginePacket.CLOSE)),
        Arguments.of(21, "2\u001e42[\"echo\",\"after-ping\"]", List.of(
            EnginePacket.PING, EnginePacket.message("2[\"echo\",\"after-ping\"]"))),
        Arguments.of(22, "0" + OPEN_POLLING + "\u001e4hello", List.of(
            EnginePacket.of(OPEN, OPEN_POLLING), EnginePacket.message("hello"))),
        Arguments.of(25, "42[\"echo\",\"hi\"]\u001e431[1,\"é€😀\"]", List.of(
            EnginePacket.message("2[\"echo\",\"hi\"]"), EnginePacket.message("31[1,\"é€😀\"]"))));
  }

  @ParameterizedTest(name = "row {0}")
  @MethodSource("payloadVectors")
  void decodesAndEncodesEachPayloadVector(int row, String wire, List<EnginePacket> packets) throws Exception {
    assertThat(V4.decodePayload(wire.getBytes(UTF_8))).containsExactlyElementsOf(packets);
    assertThat(new String(V4.encodePayload(packets), UTF_8)).isEqualTo(wire);
    long framed = 0;
    for (int i = 0; i < packets.size(); i++) framed += V4.framedSize(packets.get(i), i == 0);
    assertThat(framed).isEqualTo(wire.getBytes(UTF_8).length);
  }

  @Test void row25_getBodyIs34BytesExactly() {
    List<EnginePacket> packets = List.of(
        EnginePacket.message("2[\"echo\",\"hi\"]"), EnginePacket.message("31[1,\"é€😀\"]"));
    byte[] expected = {
        0x34, 0x32, 0x5b, 0x22, 0x65, 0x63, 0x68, 0x6f, 0x22, 0x2c, 0x22, 0x68, 0x69, 0x22, 0x5d, 0x1e,
        0x34, 0x33, 0x31, 0x5b, 0x31, 0x2c, 0x22, (byte) 0xc3, (byte) 0xa9, (byte) 0xe2, (byte) 0x82,
        (byte) 0xac, (byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80, 0x22, 0x5d};
    assertThat(V4.encodePayload(packets)).isEqualTo(expected);
  }

  @Test void row12_binaryMessageKeepsItsBytes() {
    EnginePacket packet = EnginePacket.binary(new byte[] {1, 2, 3, 4});
    assertThat(packet.isBinary()).isTrue();
    assertThat(packet.binary().toByteArray()).containsExactly(1, 2, 3, 4);
    assertThat(packet.type()).isEqualTo(MESSAGE);
  }

  /** Rows 15, 23 and 24, plus other garbage the decoder must refuse rather than guess at. */
  @ParameterizedTest(name = "rejects {0}")
  @ValueSource(strings = {"7", "abc", "", "42[\"echo\",1]\u001e", "\u001e4a", "4a\u001e\u001e4b", "b!!!", "9x"})
  void rejectsMalformedPayloads(String wire) {
    assertThatThrownBy(() -> V4.decodePayload(wire.getBytes(UTF_8)))
        .isInstanceOf(MalformedPacketException.class);
  }

  @Test void readsHandshakeFields() throws Exception {
    Handshake handshake = V4.decodeHandshake(EnginePacket.of(OPEN, OPEN_POLLING));
    assertThat(handshake.sid()).isEqualTo("lv_VI97HAXpY6yYWAAAC");
    assertThat(handshake.upgrades()).containsExactly("websocket");
    assertThat(handshake.pingIntervalMillis()).isEqualTo(25000);
    assertThat(handshake.pingTimeoutMillis()).isEqualTo(20000);
    assertThat(handshake.maxPayload()).isEqualTo(1000000);
    assertThat(V4.decodeHandshake(EnginePacket.of(OPEN, OPEN_WEBSOCKET)).upgrades()).isEmpty();
  }

  @Test void handshakeIgnoresUnknownFieldsAndKeyOrder() throws Exception {
    Handshake handshake = V4.decodeHandshake(EnginePacket.of(OPEN,
        "{\"maxPayload\":10,\"extra\":{\"x\":[1]},\"pingTimeout\":2,\"pingInterval\":1,\"sid\":\"s\"}"));
    assertThat(handshake.sid()).isEqualTo("s");
    assertThat(handshake.maxPayload()).isEqualTo(10);
    assertThat(handshake.upgrades()).isEmpty();
  }

  @ParameterizedTest(name = "rejects handshake {0}")
  @ValueSource(strings = {
      "not json", "[]", "{}", "{\"sid\":\"\",\"pingInterval\":1,\"pingTimeout\":1}",
      "{\"sid\":1,\"pingInterval\":1,\"pingTimeout\":1}",
      "{\"sid\":\"s\",\"pingTimeout\":1}",
      "{\"sid\":\"s\",\"pingInterval\":-5,\"pingTimeout\":1}",
      "{\"sid\":\"s\",\"pingInterval\":\"25000\",\"pingTimeout\":1}",
      "{\"sid\":\"s\",\"pingInterval\":1.5,\"pingTimeout\":1}",
      "{\"sid\":\"s\",\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":0}",
      "{\"sid\":\"s\",\"pingInterval\":1,\"pingTimeout\":1,\"upgrades\":\"websocket\"}"})
  void rejectsInvalidHandshakes(String json) {
    assertThatThrownBy(() -> V4.decodeHandshake(EnginePacket.of(OPEN, json)))
        .isInstanceOf(MalformedPacketException.class);
  }

  @Test void rejectsANonOpenPacketAsHandshake() {
    assertThatThrownBy(() -> V4.decodeHandshake(EnginePacket.message(OPEN_POLLING)))
        .isInstanceOf(MalformedPacketException.class);
  }

  @Test void framedSizeOfBinaryIsTheBase64Length() {
    for (int n : Arrays.asList(0, 1, 2, 3, 4, 100, 1000)) {
      EnginePacket packet = EnginePacket.binary(new byte[n]);
      assertThat(V4.framedSize(packet, true)).isEqualTo(V4.encodePayload(List.of(packet)).length);
      assertThat(V4.framedSize(packet, false)).isEqualTo(V4.encodePayload(List.of(packet)).length + 1);
    }
  }

  @Test void loneSurrogateIsCountedAndWrittenAsThreeBytes() {
    EnginePacket packet = EnginePacket.message("\ud83d");
    assertThat(V4.encodePayload(List.of(packet))).containsExactly('4', 0xef, 0xbf, 0xbd);
    assertThat(V4.framedSize(packet, true)).isEqualTo(4);
  }
}
