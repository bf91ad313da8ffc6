package dev.tether.internal.sio;

import static dev.tether.internal.sio.SioPacket.Type.ACK;
import static dev.tether.internal.sio.SioPacket.Type.BINARY_ACK;
import static dev.tether.internal.sio.SioPacket.Type.BINARY_EVENT;
import static dev.tether.internal.sio.SioPacket.Type.CONNECT;
import static dev.tether.internal.sio.SioPacket.Type.CONNECT_ERROR;
import static dev.tether.internal.sio.SioPacket.Type.DISCONNECT;
import static dev.tether.internal.sio.SioPacket.Type.EVENT;
import static dev.tether.internal.sio.SioTestSupport.V5;
import static dev.tether.internal.sio.SioTestSupport.bytes;
import static dev.tether.internal.sio.SioTestSupport.decodeAll;
import static dev.tether.internal.sio.SioTestSupport.json;
import static dev.tether.internal.sio.SioTestSupport.messages;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import dev.tether.internal.engine.EngineIoV4;
import dev.tether.internal.engine.EnginePacket;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import okio.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Socket.IO vectors: rows 26–68 and the must-reject rows 69–80 of the catalogue in docs/protocol.md §20. */
class SocketIoV5VectorsTest {
  private static final String PH0 = "{\"_placeholder\":true,\"num\":0}";
  private static final String PH1 = "{\"_placeholder\":true,\"num\":1}";
  private static final String ROW57_JSON = "[\"bin\"," + PH0 + ",{\"nested\":" + PH1 + "}]";

  /** A row of 26–68: the SIO string, its attachments and its meaning. */
  record Row(int row, String sio, List<okio.ByteString> attachments, SioPacket meaning) {
    List<EnginePacket> messages() {
      return SioTestSupport.messages(sio, attachments.toArray(new okio.ByteString[0]));
    }

    @Override public String toString() {
      return "row " + row + ": " + sio + (attachments.isEmpty() ? "" : " + " + attachments.size() + " attachments");
    }
  }

  private static Row row(int row, String sio, SioPacket.Type type, String namespace, Long ackId,
      String data, okio.ByteString... attachments) {
    JsonElement json = data == null ? null : json(data);
    return new Row(row, sio, Arrays.asList(attachments),
        SioPacket.of(type, namespace, ackId, json, Arrays.asList(attachments)));
  }

  /** Rows whose SIO string is the canonical encoding of their meaning. */
  static Stream<Row> canonicalRows() {
    return Stream.of(
        row(26, "0", CONNECT, "/", null, null),
        row(27, "0{\"token\":\"123\"}", CONNECT, "/", null, "{\"token\":\"123\"}"),
        row(28, "0/admin,", CONNECT, "/admin", null, null),
        row(29, "0/admin,{\"token\":\"123\"}", CONNECT, "/admin", null, "{\"token\":\"123\"}"),
        row(31, "0{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}", CONNECT, "/", null, "{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}"),
        row(32, "0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}", CONNECT, "/admin", null,
            "{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}"),
        row(33, "0{\"sid\":\"5pBDGBbSwGveQYvtAAAI\",\"pid\":\"rk0SGXKjAK7mun5AAAAJ\"}", CONNECT, "/", null,
            "{\"sid\":\"5pBDGBbSwGveQYvtAAAI\",\"pid\":\"rk0SGXKjAK7mun5AAAAJ\"}"),
        row(34, "0{\"pid\":\"rk0SGXKjAK7mun5AAAAJ\",\"offset\":\"Q812pzz\"}", CONNECT, "/", null,
            "{\"pid\":\"rk0SGXKjAK7mun5AAAAJ\",\"offset\":\"Q812pzz\"}"),
        row(35, "1", DISCONNECT, "/", null, null),
        row(36, "1/admin,", DISCONNECT, "/admin", null, null),
        row(37, "2[\"foo\"]", EVENT, "/", null, "[\"foo\"]"),
        row(38, "2[\"foo\",\"bar\",1,{\"a\":null}]", EVENT, "/", null, "[\"foo\",\"bar\",1,{\"a\":null}]"),
        row(39, "2/admin,[\"bar\"]", EVENT, "/admin", null, "[\"bar\"]"),
        row(40, "212[\"foo\"]", EVENT, "/", 12L, "[\"foo\"]"),
        row(41, "20[\"foo\"]", EVENT, "/", 0L, "[\"foo\"]"),
        row(42, "2/admin,13[\"foo\"]", EVENT, "/admin", 13L, "[\"foo\"]"),
        row(45, "2[\"echo\",\"é€😀\"]", EVENT, "/", null, "[\"echo\",\"é€😀\"]"),
        row(46, "2[\"x\",\"\\ud83d\"]", EVENT, "/", null, "[\"x\",\"\\ud83d\"]"),
        row(48, "3/admin,13[\"bar\"]", ACK, "/admin", 13L, "[\"bar\"]"),
        row(49, "312[]", ACK, "/", 12L, "[]"),
        row(50, "31[\"x\",{\"a\":[1,2]}]", ACK, "/", 1L, "[\"x\",{\"a\":[1,2]}]"),
        row(51, "4{\"message\":\"Not authorized\"}", CONNECT_ERROR, "/", null, "{\"message\":\"Not authorized\"}"),
        row(52, "4/nope,{\"message\":\"Invalid namespace\"}", CONNECT_ERROR, "/nope", null,
            "{\"message\":\"Invalid namespace\"}"),
        row(53, "4/secure,{\"message\":\"not authorized\",\"data\":{\"reason\":\"bad token\"}}", CONNECT_ERROR,
            "/secure", null, "{\"message\":\"not authorized\",\"data\":{\"reason\":\"bad token\"}}"),
        row(54, "4\"Not authorized\"", CONNECT_ERROR, "/", null, "\"Not authorized\""),
        row(55, "51-[\"baz\"," + PH0 + "]", BINARY_EVENT, "/", null, "[\"baz\"," + PH0 + "]",
            bytes(1, 2, 3, 4)),
        row(56, "52-/admin,[\"baz\"," + PH0 + "," + PH1 + "]", BINARY_EVENT, "/admin", null,
            "[\"baz\"," + PH0 + "," + PH1 + "]", bytes(1, 2), bytes(3, 4)),
        row(57, "52-" + ROW57_JSON, BINARY_EVENT, "/", null, ROW57_JSON, bytes(1, 2, 3, 4), bytes(5, 6)),
        row(58, "52-789[\"message-with-ack\"," + PH0 + "," + PH1 + "]", BINARY_EVENT, "/", 789L,
            "[\"message-with-ack\"," + PH0 + "," + PH1 + "]", bytes(1, 2, 3), bytes(4, 5, 6)),
        row(59, "61-15[\"bar\"," + PH0 + "]", BINARY_ACK, "/", 15L, "[\"bar\"," + PH0 + "]",
            bytes(1, 2, 3, 4)),
        row(60, "61-/admin,1[" + PH0 + "]", BINARY_ACK, "/admin", 1L, "[" + PH0 + "]", bytes(0xff)));
  }

  /** Rows the decoder must accept although the encoder never writes them; with their canonical form. */
  static Stream<Arguments> decodeOnlyRows() {
    return Stream.of(
        Arguments.of(row(30, "0/admin", CONNECT, "/admin", null, null), "0/admin,"),
        Arguments.of(row(43, "2007[\"x\"]", EVENT, "/", 7L, "[\"x\"]"), "27[\"x\"]"),
        Arguments.of(row(44, "2[7,\"x\"]", EVENT, "/", null, "[7,\"x\"]"), "2[7,\"x\"]"),
        Arguments.of(row(47, "2[\"x\",null,null,null]", EVENT, "/", null, "[\"x\",null,null,null]"),
            "2[\"x\",null,null,null]"),
        Arguments.of(row(66, "0/admin?x=1,", CONNECT, "/admin?x=1", null, null), "0/admin?x=1,"),
        Arguments.of(row(67, "2/admin,", EVENT, "/admin", null, null), null),
        Arguments.of(row(68, "", CONNECT, "/", null, null), "0"));
  }

  static Stream<Row> allRows() {
    return Stream.concat(canonicalRows(), decodeOnlyRows().map(arguments -> (Row) arguments.get()[0]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allRows")
  void everyRowDecodesToItsMeaning(Row row) throws Exception {
    SioPacket decoded = decodeAll(row.messages());

    SioPacket expected = row.meaning();
    assertThat(decoded.type()).isEqualTo(expected.type());
    assertThat(decoded.namespace()).isEqualTo(expected.namespace());
    assertThat(decoded.ackId()).isEqualTo(expected.ackId());
    assertThat(decoded.data()).isEqualTo(expected.data());
    assertThat(decoded.attachments()).containsExactlyElementsOf(row.attachments());
    assertThat(decoded).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("canonicalRows")
  void canonicalRowsEncodeBackExactly(Row row) {
    assertThat(V5.encode(row.meaning())).containsExactlyElementsOf(row.messages());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("decodeOnlyRows")
  void decodeOnlyRowsEncodeInCanonicalForm(Row row, String canonical) throws Exception {
    SioPacket decoded = decodeAll(row.messages());
    if (canonical == null) {
      assertThatThrownBy(() -> V5.encode(decoded)).isInstanceOf(IllegalArgumentException.class);
    } else {
      assertThat(V5.encode(decoded)).containsExactly(EnginePacket.message(canonical));
    }
  }

  @Test void row41_ackIdZeroIsAnAckId() throws Exception {
    assertThat(decodeAll(messages("20[\"foo\"]")).ackId()).isZero();
    assertThat(decodeAll(messages("2[\"foo\"]")).ackId()).isNull();
  }

  @Test void row44_numericEventNameStaysANumber() throws Exception {
    JsonElement name = decodeAll(messages("2[7,\"x\"]")).data().getAsJsonArray().get(0);
    assertThat(name.getAsJsonPrimitive().isNumber()).isTrue();
    assertThat(name.getAsInt()).isEqualTo(7);
  }

  @Test void row46_loneSurrogateEscapeDecodesToALoneSurrogateChar() throws Exception {
    String value = decodeAll(messages("2[\"x\",\"\\ud83d\"]")).data().getAsJsonArray().get(1).getAsString();
    assertThat(value).isEqualTo("\ud83d").hasSize(1);
  }

  @Test void row47_javaNullArgumentsEncodeAsNullLikeUndefinedNaNAndInfinity() {
    JsonArray data = new JsonArray();
    data.add("x");
    data.add((JsonElement) null);
    data.add(JsonNull.INSTANCE);
    data.add((String) null);
    assertThat(SioTestSupport.text(V5.encode(SioPacket.event("/", data, null, List.of()))))
        .isEqualTo("2[\"x\",null,null,null]");

    JsonArray nonFinite = new JsonArray();
    nonFinite.add("x");
    nonFinite.add(new JsonPrimitive(Double.NaN));
    nonFinite.add(new JsonPrimitive(Double.POSITIVE_INFINITY));
    nonFinite.add(new JsonPrimitive(Float.NEGATIVE_INFINITY));
    assertThat(SioTestSupport.text(V5.encode(SioPacket.event("/", nonFinite, null, List.of()))))
        .isEqualTo("2[\"x\",null,null,null]");
  }

  // Rows 61–65: the same packets seen at the Engine.IO level (message prefix "4", base64 items).

  static Stream<Arguments> pollingRows() {
    return Stream.of(
        Arguments.of(61, "451-[\"echo\"," + PH0 + "]\u001ebAQIDBA==",
            messages("51-[\"echo\"," + PH0 + "]", bytes(1, 2, 3, 4))),
        Arguments.of(62, "452-" + ROW57_JSON + "\u001ebAQIDBA==\u001ebBQY=",
            messages("52-" + ROW57_JSON, bytes(1, 2, 3, 4), bytes(5, 6))),
        Arguments.of(63, "461-0[" + PH0 + "]\u001ebAQ==", messages("61-0[" + PH0 + "]", bytes(1))));
  }

  @ParameterizedTest(name = "row {0}: {1}")
  @MethodSource("pollingRows")
  void pollingRowsDecodeAndEncodeBackToTheSameWireBytes(int row, String wire, List<EnginePacket> packets)
      throws Exception {
    List<EnginePacket> fromWire = EngineIoV4.INSTANCE.decodePayload(wire.getBytes(UTF_8));
    assertThat(fromWire).containsExactlyElementsOf(packets);

    SioPacket decoded = decodeAll(fromWire);
    assertThat(decoded.type().isBinary()).isTrue();
    List<EnginePacket> encoded = V5.encode(decoded);
    assertThat(encoded).containsExactlyElementsOf(packets);
    assertThat(new String(EngineIoV4.INSTANCE.encodePayload(encoded), UTF_8)).isEqualTo(wire);
  }

  @Test void row63_isTheClientBinaryAckWithIdZero() throws Exception {
    SioPacket packet = decodeAll(messages("61-0[" + PH0 + "]", bytes(1)));
    assertThat(packet).isEqualTo(SioPacket.ack("/", 0, json("[" + PH0 + "]").getAsJsonArray(), List.of(bytes(1))));
  }

  @Test void row64_binaryEmitWithAckOverWebSocketFrames() throws Exception {
    String textFrame = "451-1[\"ack\"," + PH0 + "]";
    ByteString binaryFrame = ByteString.of((byte) 1, (byte) 2, (byte) 3);
    List<EnginePacket> fromFrames = List.of(
        EngineIoV4.INSTANCE.decodeTextFrame(textFrame), EngineIoV4.INSTANCE.decodeBinaryFrame(binaryFrame));

    SioPacket decoded = decodeAll(fromFrames);
    assertThat(decoded).isEqualTo(SioPacket.event("/", json("[\"ack\"," + PH0 + "]").getAsJsonArray(), 1L,
        List.of(bytes(1, 2, 3))));

    List<EnginePacket> encoded = V5.encode(decoded);
    assertThat(encoded).containsExactlyElementsOf(fromFrames);
    assertThat(EngineIoV4.INSTANCE.encodeTextFrame(encoded.get(0))).isEqualTo(textFrame);
    assertThat(EngineIoV4.INSTANCE.encodeBinaryFrame(encoded.get(1))).isEqualTo(binaryFrame);
  }

  @Test void row65_base64TextFramesCarryTheSameAttachments() throws Exception {
    List<EnginePacket> fromFrames = List.of(
        EngineIoV4.INSTANCE.decodeTextFrame("452-" + ROW57_JSON),
        EngineIoV4.INSTANCE.decodeTextFrame("bAQIDBA=="),
        EngineIoV4.INSTANCE.decodeTextFrame("bBQY="));

    SioPacket decoded = decodeAll(fromFrames);
    assertThat(decoded.attachments()).containsExactly(bytes(1, 2, 3, 4), bytes(5, 6));
    assertThat(V5.encode(decoded)).containsExactlyElementsOf(fromFrames);
  }

  // Rows 69–80: must-reject vectors.

  static Stream<Arguments> rejectedPackets() {
    return Stream.of(
        Arguments.of(69, "2[\"connect\"]", "reserved event name \"connect\""),
        Arguments.of(70, "2{}", "EVENT payload must be a non-empty array, not an object"),
        Arguments.of(71, "2abc[\"x\"]", "EVENT payload: invalid JSON"),
        Arguments.of(72, "50-[\"x\"]", "BINARY_EVENT with no attachments"),
        Arguments.of(73, "511-[\"x\"]", "BINARY_EVENT with too many attachments: 11 (limit 10)"),
        Arguments.of(74, "7", "unknown packet type '7'"),
        Arguments.of(75, "1{\"a\":1}", "DISCONNECT must not have a payload"),
        Arguments.of(76, "0[]", "CONNECT payload must be an object, not an empty array"),
        Arguments.of(77, "31{\"a\":1}", "ACK payload must be an array, not an object"));
  }

  @ParameterizedTest(name = "row {0}: {1}")
  @MethodSource("rejectedPackets")
  void everyMustRejectRowIsRejected(int row, String sio, String reason) {
    assertThatThrownBy(() -> decodeAll(messages(sio)))
        .isInstanceOf(SioDecodingException.class)
        .hasMessageContaining(reason);
  }

  @Test void row78_textMessageWhileAnAttachmentIsExpectedIsRejected() throws Exception {
    SocketIoProtocol.Decoder decoder = V5.newDecoder(SocketIoProtocol.Limits.DEFAULT);
    assertThat(decoder.decode(EnginePacket.message("51-[\"x\"," + PH0 + "]"))).isNull();

    assertThatThrownBy(() -> decoder.decode(EnginePacket.message("2[\"y\"]")))
        .isInstanceOf(SioDecodingException.class)
        .hasMessage("text message while waiting for attachment 1 of 1 of a BINARY_EVENT");
  }

  @Test void row79_binaryDataWithNoPendingHeaderIsRejected() {
    SocketIoProtocol.Decoder decoder = V5.newDecoder(SocketIoProtocol.Limits.DEFAULT);

    assertThatThrownBy(() -> decoder.decode(EnginePacket.binary(bytes(1, 2, 3))))
        .isInstanceOf(SioDecodingException.class)
        .hasMessageContaining("unexpected binary message");
  }

  @Test void row80_placeholderIndexOutOfRangeIsRejected() {
    SocketIoProtocol.Decoder decoder = V5.newDecoder(SocketIoProtocol.Limits.DEFAULT);

    assertThatThrownBy(() -> decodeAll(decoder,
            messages("51-[\"x\",{\"_placeholder\":true,\"num\":5}]", bytes(1))))
        .isInstanceOf(SioDecodingException.class)
        .hasMessageContaining("placeholder num must be an integer in 0..0, got 5");
  }
}
