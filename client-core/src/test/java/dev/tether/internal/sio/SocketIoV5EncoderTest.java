package dev.tether.internal.sio;

import static dev.tether.internal.sio.SioTestSupport.V5;
import static dev.tether.internal.sio.SioTestSupport.bytes;
import static dev.tether.internal.sio.SioTestSupport.decodeAll;
import static dev.tether.internal.sio.SioTestSupport.json;
import static dev.tether.internal.sio.SioTestSupport.text;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.tether.internal.engine.EngineIoV4;
import dev.tether.internal.engine.EnginePacket;
import dev.tether.internal.util.Utf8;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The encoder: JSON text as JSON.stringify writes it, and packets that cannot be sent. */
class SocketIoV5EncoderTest {
  private static JsonArray event(String name, JsonElement... args) {
    JsonArray data = new JsonArray();
    data.add(name);
    for (JsonElement arg : args) data.add(arg);
    return data;
  }

  private static String encodeEvent(JsonElement... args) {
    return text(V5.encode(SioPacket.event("/", event("x", args), null, List.of())));
  }

  @Test void row45_nonAsciiTextIsWrittenRawAsUtf8() {
    EnginePacket header = V5.encode(SioPacket.event("/", event("echo", new JsonPrimitive("é€😀")), null, List.of()))
        .get(0);
    byte[] wire = EngineIoV4.INSTANCE.encodePayload(List.of(header));

    assertThat(okio.ByteString.of(wire)).isEqualTo(bytes(0x34, 0x32, 0x5b, 0x22, 0x65, 0x63, 0x68, 0x6f, 0x22, 0x2c, 0x22,
        0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0x22, 0x5d));
    assertThat(new String(wire, UTF_8)).hasSize(17);
    assertThat(Utf8.size(header.text())).isEqualTo(21);
  }

  @Test void row46_loneSurrogatesAreEscapedAsJsonStringifyDoes() {
    assertThat(encodeEvent(new JsonPrimitive("\ud83d"))).isEqualTo("2[\"x\",\"\\ud83d\"]");
    assertThat(encodeEvent(new JsonPrimitive("a\ude00b"))).isEqualTo("2[\"x\",\"a\\ude00b\"]");
    assertThat(encodeEvent(new JsonPrimitive("\ude00\ud83d"))).isEqualTo("2[\"x\",\"\\ude00\\ud83d\"]");
    assertThat(encodeEvent(new JsonPrimitive("\ud83d\ude00"))).isEqualTo("2[\"x\",\"😀\"]");
    assertThat(encodeEvent(new JsonPrimitive("end\ud83d"))).isEqualTo("2[\"x\",\"end\\ud83d\"]");
    JsonObject key = new JsonObject();
    key.addProperty("k\udbff", 1);
    assertThat(encodeEvent(key)).isEqualTo("2[\"x\",{\"k\\udbff\":1}]");
  }

  @Test void escapedLoneSurrogatesSurviveTheWireAndDecodeBack() throws Exception {
    SioPacket packet = SioPacket.event("/", event("x", new JsonPrimitive("\ud83d!\ude00")), null, List.of());
    List<EnginePacket> encoded = V5.encode(packet);
    assertThat(new String(Utf8.encode(encoded.get(0).text()), UTF_8)).isEqualTo(encoded.get(0).text());
    assertThat(decodeAll(encoded)).isEqualTo(packet);
  }

  static Stream<Arguments> strings() {
    return Stream.of(
        Arguments.of("quote \" backslash \\ slash /", "\"quote \\\" backslash \\\\ slash /\""),
        Arguments.of("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""),
        Arguments.of("\u0000\u0001\u001f\u007f", "\"\\u0000\\u0001\\u001f\u007f\""),
        Arguments.of("<script>&'=", "\"<script>&'=\""),
        Arguments.of("line\u2028para\u2029", "\"line\u2028para\u2029\""),
        Arguments.of("", "\"\""));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("strings")
  void stringsAreEscapedExactlyLikeJsonStringify(String value, String json) {
    assertThat(encodeEvent(new JsonPrimitive(value))).isEqualTo("2[\"x\"," + json + "]");
  }

  static Stream<Arguments> numbers() {
    return Stream.of(
        Arguments.of(new JsonPrimitive(1), "1"),
        Arguments.of(new JsonPrimitive(-42L), "-42"),
        Arguments.of(new JsonPrimitive(Long.MIN_VALUE), "-9223372036854775808"),
        Arguments.of(new JsonPrimitive(1.0), "1"),
        Arguments.of(new JsonPrimitive(-0.0), "0"),
        Arguments.of(new JsonPrimitive(1.5), "1.5"),
        Arguments.of(new JsonPrimitive(0.1f), "0.1"),
        Arguments.of(new JsonPrimitive(1e300), "1.0E300"),
        Arguments.of(new JsonPrimitive(Double.NaN), "null"),
        Arguments.of(new JsonPrimitive(Double.NEGATIVE_INFINITY), "null"),
        Arguments.of(new JsonPrimitive(new BigInteger("123456789012345678901234567890")),
            "123456789012345678901234567890"),
        Arguments.of(new JsonPrimitive(new BigDecimal("1.50")), "1.50"),
        Arguments.of(json("1e400"), "1e400"),
        Arguments.of(json("-0"), "-0"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("numbers")
  void numbersAreValidJson(JsonElement number, String json) {
    assertThat(encodeEvent(number)).isEqualTo("2[\"x\"," + json + "]");
  }

  @Test void nonFiniteDoublesInObjectsAreNullToo() {
    JsonObject object = new JsonObject();
    object.add("nan", new JsonPrimitive(Float.NaN));
    object.add("null", null);
    object.addProperty("t", true);
    assertThat(encodeEvent(object)).isEqualTo("2[\"x\",{\"nan\":null,\"null\":null,\"t\":true}]");
  }

  @Test void aNumberWhoseTextIsNotJsonIsAProgrammingError() {
    Number weird = new Number() {
      @Override public int intValue() { return 0; }
      @Override public long longValue() { return 0; }
      @Override public float floatValue() { return 0; }
      @Override public double doubleValue() { return 0; }
      @Override public String toString() { return "0x10"; }
    };
    assertThatThrownBy(() -> encodeEvent(new JsonPrimitive(weird)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON number");
  }

  @Test void connectWithoutAuthHasNoJsonAndDisconnectNeverHasJson() {
    assertThat(V5.encode(SioPacket.connect("/", null))).containsExactly(EnginePacket.message("0"));
    assertThat(V5.encode(SioPacket.connect("/chat", new JsonObject()))).containsExactly(EnginePacket.message("0/chat,{}"));
    assertThat(V5.encode(SioPacket.disconnect("/chat"))).containsExactly(EnginePacket.message("1/chat,"));
  }

  @Test void attachmentsFollowTheHeaderInOrderAsBinaryMessages() {
    JsonArray data = event("files", Placeholders.of(1), Placeholders.of(0));
    List<EnginePacket> encoded = V5.encode(SioPacket.event("/", data, 3L, List.of(bytes(10), bytes(11, 12))));
    assertThat(encoded).containsExactly(
        EnginePacket.message("52-3[\"files\",{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]"),
        EnginePacket.binary(bytes(10)), EnginePacket.binary(bytes(11, 12)));
  }

  @Test void placeholdersInAPacketWithoutAttachmentsAreOrdinaryJson() {
    JsonArray data = event("x", Placeholders.of(7));
    assertThat(text(V5.encode(SioPacket.event("/", data, null, List.of()))))
        .isEqualTo("2[\"x\",{\"_placeholder\":true,\"num\":7}]");
  }

  @Test void matchesGsonOnOrdinaryData() {
    JsonElement data = json("[\"x\",{\"a\":[1,2.5,-3,null,true,false],\"b\":\"q\\\"\\\\\\u0001\\n<>&é😀\",\"c\":{}},[]]");
    String gson = new com.google.gson.GsonBuilder().serializeNulls().disableHtmlEscaping().create().toJson(data);
    assertThat(JsonText.write(data)).isEqualTo(gson);
  }

  static Stream<Arguments> programmingErrors() {
    JsonArray empty = new JsonArray();
    JsonArray objectName = new JsonArray();
    objectName.add(new JsonObject());
    JsonArray nullName = new JsonArray();
    nullName.add((String) null);
    List<okio.ByteString> none = List.of();
    List<okio.ByteString> one = List.of(bytes(1));
    List<okio.ByteString> two = List.of(bytes(1), bytes(2));
    return Stream.<Arguments>of(
        Arguments.of("empty event data", (Runnable) () -> SioPacket.event("/", empty, null, none),
            "EVENT payload must be a non-empty array"),
        Arguments.of("object event name", (Runnable) () -> SioPacket.event("/", objectName, null, none),
            "event name must be a string or a number"),
        Arguments.of("null event name", (Runnable) () -> SioPacket.event("/", nullName, null, none),
            "event name must be a string or a number, not null"),
        Arguments.of("reserved event name", (Runnable) () -> SioPacket.event("/", event("disconnect"), null, none),
            "reserved event name \"disconnect\""),
        Arguments.of("more placeholders than attachments", (Runnable) () ->
            SioPacket.event("/", event("x", Placeholders.of(0), Placeholders.of(1)), null, one),
            "placeholder num must be an integer in 0..0, got 1"),
        Arguments.of("more attachments than placeholders", (Runnable) () ->
            SioPacket.event("/", event("x", Placeholders.of(0)), null, two),
            "attachment 1 of 2 has no placeholder"),
        Arguments.of("attachments without placeholders", (Runnable) () ->
            SioPacket.ack("/", 1, new JsonArray(), one), "attachment 0 of 1 has no placeholder"),
        Arguments.of("negative ack id", (Runnable) () -> SioPacket.ack("/", -1, new JsonArray(), none),
            "negative ack id"),
        Arguments.of("namespace without slash", (Runnable) () -> SioPacket.connect("admin", null),
            "namespace must start with '/'"),
        Arguments.of("namespace with comma", (Runnable) () -> SioPacket.disconnect("/a,b"),
            "namespace must not contain ','"),
        Arguments.of("namespace with a lone surrogate", (Runnable) () -> SioPacket.connect("/a\ud83d", null),
            "namespace has an unpaired surrogate"),
        Arguments.of("connect error with a number", (Runnable) () -> SioPacket.connectError("/", new JsonPrimitive(1)),
            "CONNECT_ERROR payload must be an object or a string"),
        Arguments.of("binary type without attachments", (Runnable) () ->
            SioPacket.of(SioPacket.Type.BINARY_EVENT, "/", null, event("x"), none), "needs at least one attachment"),
        Arguments.of("plain type with attachments", (Runnable) () ->
            SioPacket.of(SioPacket.Type.EVENT, "/", null, event("x", Placeholders.of(0)), one),
            "cannot carry attachments"),
        Arguments.of("connect with an array", (Runnable) () ->
            V5.encode(SioPacket.of(SioPacket.Type.CONNECT, "/", null, new JsonArray(), none)),
            "CONNECT payload must be an object"),
        Arguments.of("disconnect with data", (Runnable) () ->
            V5.encode(SioPacket.of(SioPacket.Type.DISCONNECT, "/", null, new JsonObject(), none)),
            "DISCONNECT must not have a payload"),
        Arguments.of("ack without id", (Runnable) () ->
            V5.encode(SioPacket.of(SioPacket.Type.ACK, "/", null, new JsonArray(), none)), "ACK needs an ack id"),
        Arguments.of("ack without data", (Runnable) () ->
            V5.encode(SioPacket.of(SioPacket.Type.ACK, "/", 1L, null, none)), "ACK needs an argument array"),
        Arguments.of("event without data", (Runnable) () ->
            V5.encode(SioPacket.of(SioPacket.Type.EVENT, "/", null, null, none)), "EVENT needs data"),
        Arguments.of("binary event with a placeholder out of range", (Runnable) () ->
            V5.encode(SioPacket.of(SioPacket.Type.BINARY_EVENT, "/", null, event("x", Placeholders.of(3)), one)),
            "got 3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("programmingErrors")
  void packetsTheServerWouldRejectAreProgrammingErrors(String what, Runnable build, String message) {
    assertThatThrownBy(build::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test void numericEventNamesCanBeSent() {
    JsonArray data = new JsonArray();
    data.add(7);
    data.add("x");
    assertThat(text(V5.encode(SioPacket.event("/", data, null, List.of())))).isEqualTo("2[7,\"x\"]");
  }
}
