package dev.tether.internal.sio;

import static dev.tether.internal.sio.SioTestSupport.V5;
import static dev.tether.internal.sio.SioTestSupport.bytes;
import static dev.tether.internal.sio.SioTestSupport.decodeAll;
import static dev.tether.internal.sio.SioTestSupport.json;
import static dev.tether.internal.sio.SioTestSupport.messages;
import static dev.tether.internal.sio.SioTestSupport.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import dev.tether.internal.engine.EnginePacket;
import dev.tether.internal.sio.SocketIoProtocol.Decoder;
import dev.tether.internal.sio.SocketIoProtocol.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The stateful decoder: leniency, strictness, binary reassembly, limits and recovery. */
class SocketIoV5DecoderTest {
  private static final String PH0 = "{\"_placeholder\":true,\"num\":0}";

  private static String placeholders(int count) {
    StringBuilder data = new StringBuilder("[\"many\"");
    for (int i = 0; i < count; i++) data.append(",{\"_placeholder\":true,\"num\":").append(i).append('}');
    return data.append(']').toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"})
  void everyReservedEventNameIsRejectedInEventsAndBinaryEvents(String name) {
    assertThat(SocketIoV5.isReservedEventName(name)).isTrue();
    assertThatThrownBy(() -> decodeAll(messages("2[\"" + name + "\",1]")))
        .isInstanceOf(SioDecodingException.class).hasMessageContaining("reserved event name");
    assertThatThrownBy(() -> decodeAll(messages("51-[\"" + name + "\"," + PH0 + "]", bytes(1))))
        .isInstanceOf(SioDecodingException.class).hasMessageContaining("reserved event name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"message", "Connect", "connect ", "", "error", "ping", "reconnect"})
  void namesThatOnlyLookReservedAreAccepted(String name) throws Exception {
    assertThat(SocketIoV5.isReservedEventName(name)).isFalse();
    assertThat(decodeAll(messages("2[\"" + name + "\"]")).data().getAsJsonArray().get(0).getAsString())
        .isEqualTo(name);
  }

  /** What socket.io-parser 4.2.7 accepts although the grammar does not say so. */
  static Stream<Arguments> lenientInputs() {
    return Stream.of(
        Arguments.of("2/admin,007[\"x\"]", SioPacket.of(SioPacket.Type.EVENT, "/admin", 7L, json("[\"x\"]"), List.of())),
        Arguments.of("2 [\"x\"] \n", SioPacket.of(SioPacket.Type.EVENT, "/", null, json("[\"x\"]"), List.of())),
        Arguments.of("2[1.5e3]", SioPacket.of(SioPacket.Type.EVENT, "/", null, json("[1500]"), List.of())),
        Arguments.of("2[-7,\"x\"]", SioPacket.of(SioPacket.Type.EVENT, "/", null, json("[-7,\"x\"]"), List.of())),
        Arguments.of("4", SioPacket.of(SioPacket.Type.CONNECT_ERROR, "/", null, null, List.of())),
        Arguments.of("1/admin", SioPacket.of(SioPacket.Type.DISCONNECT, "/admin", null, null, List.of())),
        Arguments.of("0/,", SioPacket.of(SioPacket.Type.CONNECT, "/", null, null, List.of())),
        Arguments.of("2/admin[\"x\"]", // no comma: the namespace runs to the end, as in the reference
            SioPacket.of(SioPacket.Type.EVENT, "/admin[\"x\"]", null, null, List.of())),
        Arguments.of("3/admin,5", SioPacket.of(SioPacket.Type.ACK, "/admin", 5L, null, List.of())),
        Arguments.of("05{\"a\":1}", SioPacket.of(SioPacket.Type.CONNECT, "/", 5L, json("{\"a\":1}"), List.of())),
        Arguments.of("2[\"x\",{\"_placeholder\":true,\"num\":99}]", // plain EVENT: placeholders are just JSON
            SioPacket.of(SioPacket.Type.EVENT, "/", null, json("[\"x\",{\"_placeholder\":true,\"num\":99}]"),
                List.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lenientInputs")
  void acceptsWhatTheReferenceDecoderAccepts(String sio, SioPacket expected) throws Exception {
    assertThat(decodeAll(messages(sio))).isEqualTo(expected);
  }

  @Test void binaryHeaderCountWithLeadingZeroAndWithoutDataIsAccepted() throws Exception {
    SioPacket packet = decodeAll(messages("501-/admin,", bytes(9)));
    assertThat(packet.type()).isEqualTo(SioPacket.Type.BINARY_EVENT);
    assertThat(packet.namespace()).isEqualTo("/admin");
    assertThat(packet.data()).isNull();
    assertThat(packet.attachments()).containsExactly(bytes(9));
  }

  @Test void placeholdersMayRepeatAndAttachmentsMayGoUnreferencedWhenDecoding() throws Exception {
    SioPacket packet = decodeAll(messages("52-[\"x\"," + PH0 + "," + PH0 + ",{\"_placeholder\":true,\"num\":0.0}]",
        bytes(1), bytes(2)));
    assertThat(packet.attachments()).containsExactly(bytes(1), bytes(2));
  }

  @Test void onlyAPlaceholderMarkedTrueIsAPlaceholder() throws Exception {
    SioPacket packet = decodeAll(messages("51-[\"x\"," + PH0 + ",{\"_placeholder\":\"true\",\"num\":9},"
        + "{\"_placeholder\":false,\"num\":-1},{\"num\":7}]", bytes(1)));
    assertThat(packet.data().getAsJsonArray()).hasSize(5);
  }

  @Test void emptyAttachmentIsValid() throws Exception {
    assertThat(decodeAll(messages("51-[\"x\"," + PH0 + "]", zeros(0))).attachments())
        .containsExactly(zeros(0));
  }

  static Stream<Arguments> malformedInputs() {
    return Stream.of(
        Arguments.of("2[]", "EVENT payload must be a non-empty array, not an empty array"),
        Arguments.of("2[{}]", "event name must be a string or a number, not an object"),
        Arguments.of("2[null,1]", "event name must be a string or a number, not null"),
        Arguments.of("2[true]", "event name must be a string or a number, not a boolean"),
        Arguments.of("2[[\"x\"]]", "event name must be a string or a number, not an array"),
        Arguments.of("2\"x\"", "EVENT payload must be a non-empty array, not a string"),
        Arguments.of("2null", "EVENT payload must be a non-empty array, not null"),
        Arguments.of("3\"x\"", "ACK payload must be an array, not a string"),
        Arguments.of("0\"x\"", "CONNECT payload must be an object, not a string"),
        Arguments.of("0null", "CONNECT payload must be an object, not null"),
        Arguments.of("4[]", "CONNECT_ERROR payload must be an object or a string, not an empty array"),
        Arguments.of("41.5", "CONNECT_ERROR payload"), // ack id 1, then ".5"
        Arguments.of("1/admin,[]", "DISCONNECT must not have a payload"),
        Arguments.of("2[\"x\"", "invalid JSON"),
        Arguments.of("2[\"x\"]]", "invalid JSON"),
        Arguments.of("2[\"x\"] [1]", "invalid JSON"),
        Arguments.of("2[\"x\",]", "invalid JSON"),
        Arguments.of("2['x']", "invalid JSON"),
        Arguments.of("2[\"x\",NaN]", "invalid JSON"),
        Arguments.of("2[\"x\",01]", "invalid JSON"),
        Arguments.of("2[\"x\",.5]", "invalid JSON"),
        Arguments.of("2[\"x\",+1]", "invalid JSON"),
        Arguments.of("2[\"\\x\"]", "invalid JSON"),
        Arguments.of("2[\"a\u0001\"]", "invalid JSON"),
        Arguments.of("2{\"a\":1,}", "invalid JSON"),
        Arguments.of("2[\"x\"]//", "invalid JSON"),
        Arguments.of("2\ufeff[\"x\"]", "invalid JSON: byte order mark"),
        Arguments.of("2 ", "invalid JSON"),
        Arguments.of("2[\"x\"," + "[".repeat(300) + "]".repeat(300) + "]", "invalid JSON"),
        Arguments.of("299999999999999999999[\"x\"]", "ack id too large"),
        Arguments.of("8", "unknown packet type '8'"),
        Arguments.of("a", "unknown packet type 'a'"),
        Arguments.of("/admin,[\"x\"]", "unknown packet type '/'"),
        Arguments.of("\u0000", "unknown packet type U+0000"),
        Arguments.of("5", "BINARY_EVENT without a valid attachment count"),
        Arguments.of("6-[]", "BINARY_ACK without a valid attachment count"),
        Arguments.of("51[\"x\"]", "BINARY_EVENT without a valid attachment count"),
        Arguments.of("5x-[\"x\"]", "BINARY_EVENT without a valid attachment count"),
        Arguments.of("599999999999999999999999-[\"x\"]", "too many attachments: more than 2147483647"),
        Arguments.of("51-[\"x\",{\"_placeholder\":true}]", "placeholder num must be an integer in 0..0, got none"),
        Arguments.of("51-[\"x\",{\"_placeholder\":true,\"num\":-1}]", "got -1"),
        Arguments.of("51-[\"x\",{\"_placeholder\":true,\"num\":0.5}]", "got 0.5"),
        Arguments.of("51-[\"x\",{\"_placeholder\":true,\"num\":\"0\"}]", "got \"0\""),
        Arguments.of("51-[\"x\",{\"_placeholder\":true,\"num\":1e400}]", "got 1e400"),
        Arguments.of("52-[\"x\",{\"a\":[{\"_placeholder\":true,\"num\":2}]}]", "in 0..1, got 2"),
        Arguments.of("2/a\ude00,[\"x\"]", "EVENT namespace has an unpaired surrogate"),
        Arguments.of("61-3{\"a\":1}", "BINARY_ACK payload must be an array, not an object"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("malformedInputs")
  void rejectsWhatTheReferenceDecoderRejects(String sio, String reason) {
    assertThatThrownBy(() -> decodeAll(messages(sio)))
        .isInstanceOf(SioDecodingException.class)
        .hasMessageContaining(reason);
  }

  @Test void bareEngineMessageWithoutDataIsRejected() {
    Decoder decoder = V5.newDecoder(Limits.DEFAULT);
    assertThatThrownBy(() -> decoder.decode(EnginePacket.of(EnginePacket.Type.MESSAGE, null)))
        .isInstanceOf(SioDecodingException.class).hasMessage("empty message");
  }

  @Test void engineControlPacketsAreAProgrammingError() {
    Decoder decoder = V5.newDecoder(Limits.DEFAULT);
    assertThatThrownBy(() -> decoder.decode(EnginePacket.PING)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test void tenAttachmentsAreAcceptedAndElevenRejected() throws Exception {
    okio.ByteString[] ten = new okio.ByteString[10];
    for (int i = 0; i < 10; i++) ten[i] = bytes(i);
    SioPacket packet = decodeAll(messages("510-" + placeholders(10), ten));
    assertThat(packet.attachments()).hasSize(10);
    assertThat(packet.attachments().get(9)).isEqualTo(bytes(9));

    assertThatThrownBy(() -> decodeAll(messages("511-" + placeholders(11))))
        .isInstanceOf(SioDecodingException.class)
        .hasMessage("BINARY_EVENT with too many attachments: 11 (limit 10)");
  }

  @Test void attachmentCountLimitIsConfigurable() throws Exception {
    Decoder two = V5.newDecoder(new Limits(2, 1000));
    assertThat(decodeAll(two, messages("62-1" + "[" + PH0 + ",{\"_placeholder\":true,\"num\":1}]", bytes(1), bytes(2)))
        .attachments()).hasSize(2);
    assertThatThrownBy(() -> two.decode(EnginePacket.message("53-" + placeholders(3))))
        .isInstanceOf(SioDecodingException.class).hasMessageContaining("(limit 2)");

    Decoder none = V5.newDecoder(new Limits(0, 1000));
    assertThatThrownBy(() -> none.decode(EnginePacket.message("51-" + placeholders(1))))
        .isInstanceOf(SioDecodingException.class).hasMessageContaining("(limit 0)");
    assertThat(none.decode(EnginePacket.message("2[\"plain\"]"))).isNotNull();
  }

  @Test void attachmentBytesAreLimitedPerPacketInTotal() throws Exception {
    Decoder decoder = V5.newDecoder(new Limits(10, 10));
    assertThat(decodeAll(decoder, messages("52-" + placeholders(2), zeros(4), zeros(6))).attachments())
        .hasSize(2);

    assertThat(decoder.decode(EnginePacket.message("52-" + placeholders(2)))).isNull();
    assertThat(decoder.decode(EnginePacket.binary(new byte[6]))).isNull();
    assertThatThrownBy(() -> decoder.decode(EnginePacket.binary(new byte[5])))
        .isInstanceOf(SioDecodingException.class)
        .hasMessage("attachments of a BINARY_EVENT exceed 10 bytes");

    // the count is per packet: the next packet starts from zero
    assertThat(decodeAll(decoder, messages("51-" + placeholders(1), zeros(10))).attachments()).hasSize(1);
  }

  @Test void reassemblyStateBelongsToEachDecoder() throws Exception {
    Decoder first = V5.newDecoder(Limits.DEFAULT);
    Decoder second = V5.newDecoder(Limits.DEFAULT);

    assertThat(first.decode(EnginePacket.message("52-/a,[\"x\"," + PH0 + ",{\"_placeholder\":true,\"num\":1}]")))
        .isNull();
    assertThat(second.decode(EnginePacket.message("2/b,[\"plain\"]"))).isNotNull();
    assertThatThrownBy(() -> second.decode(EnginePacket.binary(bytes(7))))
        .isInstanceOf(SioDecodingException.class).hasMessageContaining("unexpected binary message");
    assertThat(first.decode(EnginePacket.binary(bytes(1)))).isNull();
    assertThat(second.decode(EnginePacket.message("61-/b,3[" + PH0 + "]"))).isNull();
    SioPacket fromFirst = first.decode(EnginePacket.binary(bytes(2)));
    SioPacket fromSecond = second.decode(EnginePacket.binary(bytes(3)));

    assertThat(fromFirst.namespace()).isEqualTo("/a");
    assertThat(fromFirst.attachments()).containsExactly(bytes(1), bytes(2));
    assertThat(fromSecond.namespace()).isEqualTo("/b");
    assertThat(fromSecond.attachments()).containsExactly(bytes(3));
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of("text while attachments are pending",
            List.of(EnginePacket.message("52-" + placeholders(2)), EnginePacket.binary(bytes(1)),
                EnginePacket.message("2[\"y\"]"))),
        Arguments.of("attachment byte limit",
            List.of(EnginePacket.message("51-" + placeholders(1)), EnginePacket.binary(new byte[65]))),
        Arguments.of("placeholder out of range",
            List.of(EnginePacket.message("51-[\"x\",{\"_placeholder\":true,\"num\":1}]"))),
        Arguments.of("invalid JSON", List.of(EnginePacket.message("2[\"x\""))),
        Arguments.of("stray attachment", List.of(EnginePacket.binary(bytes(1)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void decoderStartsCleanAfterAnError(String what, List<EnginePacket> input) throws Exception {
    Decoder decoder = V5.newDecoder(new Limits(10, 64));
    assertThatThrownBy(() -> {
      for (EnginePacket message : input) decoder.decode(message);
    }).isInstanceOf(SioDecodingException.class);

    // nothing is pending any more: a stray attachment is rejected, and whole packets decode normally
    assertThatThrownBy(() -> decoder.decode(EnginePacket.binary(bytes(1))))
        .isInstanceOf(SioDecodingException.class).hasMessageContaining("unexpected binary message");
    assertThat(decoder.decode(EnginePacket.message("2[\"after\"]")).data()).isEqualTo(json("[\"after\"]"));
    SioPacket binary = decodeAll(decoder, messages("51-[\"bin\"," + PH0 + "]", bytes(42)));
    assertThat(binary.attachments()).containsExactly(bytes(42));
  }

  @Test void errorMessagesStayShortWhateverThePayload() {
    String huge = "x".repeat(1_000_000);
    List<String> inputs = new ArrayList<>(List.of(
        "2[\"" + huge + "\"",                       // unterminated
        "2[\"x\",{\"" + huge + "\":[}]",             // Gson's error path would hold the key
        "2[{\"" + huge + "\":1}]",                   // event name is an object
        "0[\"" + huge + "\"]",
        "4" + huge,
        "2" + "9".repeat(100_000) + "[\"x\"]",
        "5" + "9".repeat(100_000) + "-[\"x\"]",
        "51-[\"x\",{\"_placeholder\":true,\"num\":\"" + huge + "\"}]"));
    for (String input : inputs) {
      assertThatThrownBy(() -> decodeAll(messages(input)))
          .isInstanceOf(SioDecodingException.class)
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(160).doesNotContain("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
    }
  }

  @Test void ackIdBeyondIntRangeRoundTripsAsLong() throws Exception {
    for (long id : new long[] {9007199254740991L, 2147483648L, Long.MAX_VALUE}) {
      JsonArray data = new JsonArray();
      data.add("big");
      SioPacket event = SioPacket.event("/admin", data, id, List.of());
      List<EnginePacket> encoded = V5.encode(event);
      assertThat(encoded).containsExactly(EnginePacket.message("2/admin," + id + "[\"big\"]"));
      assertThat(decodeAll(encoded).ackId()).isEqualTo(id);

      SioPacket ack = SioPacket.ack("/", id, new JsonArray(), List.of());
      assertThat(decodeAll(V5.encode(ack))).isEqualTo(ack);
    }
    assertThatThrownBy(() -> decodeAll(messages("29223372036854775808[\"x\"]")))
        .isInstanceOf(SioDecodingException.class).hasMessage("EVENT ack id too large");
  }

  @Test void numbersKeepTheirTextThroughDecoding() throws Exception {
    String sio = "2[\"n\",12345678901234567890123,1.50,1e400,-0,0.1]";
    SioPacket packet = decodeAll(messages(sio));
    assertThat(SioTestSupport.text(V5.encode(packet))).isEqualTo(sio);
  }

  @Test void limitsRejectNegativeBounds() {
    assertThatThrownBy(() -> new Limits(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Limits(0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Limits.DEFAULT.maxAttachments()).isEqualTo(10);
    assertThat(Limits.DEFAULT.maxAttachmentBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(new Limits(10, 64L * 1024 * 1024)).isEqualTo(Limits.DEFAULT).hasSameHashCodeAs(Limits.DEFAULT);
  }
}
