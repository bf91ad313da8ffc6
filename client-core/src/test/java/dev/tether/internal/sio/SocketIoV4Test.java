package dev.tether.internal.sio;

import static dev.tether.internal.sio.SioTestSupport.bytes;
import static dev.tether.internal.sio.SioTestSupport.decodeAll;
import static dev.tether.internal.sio.SioTestSupport.json;
import static dev.tether.internal.sio.SioTestSupport.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import dev.tether.internal.engine.EnginePacket;
import dev.tether.internal.sio.SioPacket.Type;
import dev.tether.internal.sio.SocketIoProtocol.Limits;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Socket.IO protocol revision 4 (socket.io-protocol, branch v4): packets of socket.io 2.x servers. */
class SocketIoV4Test {
  private static final SocketIoV4 V4 = SocketIoV4.INSTANCE;
  private static final String PH0 = "{\"_placeholder\":true,\"num\":0}";
  private static final String PH1 = "{\"_placeholder\":true,\"num\":1}";

  private static SioPacket decode(List<EnginePacket> messages) throws SioDecodingException {
    return decodeAll(V4.newDecoder(Limits.DEFAULT), messages);
  }

  private static SioPacket packet(Type type, String namespace, Long ackId, String data, okio.ByteString... attachments) {
    return SioPacket.of(type, namespace, ackId, data == null ? null : json(data), List.of(attachments));
  }

  /** Canonical packets: encoded exactly so, and decoded back to the same packet. */
  static Stream<Arguments> roundTrips() {
    return Stream.of(
        Arguments.of("0/admin,", packet(Type.CONNECT, "/admin", null, null)),
        Arguments.of("0/admin?token=abc,", packet(Type.CONNECT, "/admin?token=abc", null, null)),
        Arguments.of("0/admin?token=1234&uid=abcd,", packet(Type.CONNECT, "/admin?token=1234&uid=abcd", null, null)),
        Arguments.of("0/admin?token=a%2Cb,", packet(Type.CONNECT, "/admin?token=a%2Cb", null, null)),
        Arguments.of("1", packet(Type.DISCONNECT, "/", null, null)),
        Arguments.of("1/admin,", packet(Type.DISCONNECT, "/admin", null, null)),
        Arguments.of("2[\"hello\",1]", packet(Type.EVENT, "/", null, "[\"hello\",1]")),
        Arguments.of("2/admin,456[\"project:delete\",123]", packet(Type.EVENT, "/admin", 456L, "[\"project:delete\",123]")),
        Arguments.of("20[\"foo\"]", packet(Type.EVENT, "/", 0L, "[\"foo\"]")),
        Arguments.of("3/admin,456[]", packet(Type.ACK, "/admin", 456L, "[]")),
        Arguments.of("31[1,{\"a\":[1,2]}]", packet(Type.ACK, "/", 1L, "[1,{\"a\":[1,2]}]")),
        Arguments.of("2[7,\"x\"]", packet(Type.EVENT, "/", null, "[7,\"x\"]")),
        Arguments.of("2[\"x\",null,null,null,null]", packet(Type.EVENT, "/", null, "[\"x\",null,null,null,null]")),
        Arguments.of("2[\"echo\"," + PH0 + "]", packet(Type.EVENT, "/", null, "[\"echo\"," + PH0 + "]")));
  }

  @ParameterizedTest @MethodSource("roundTrips")
  void canonicalPacketsRoundTrip(String wire, SioPacket packet) throws Exception {
    assertThat(V4.encode(packet)).extracting(EnginePacket::text).containsExactly(wire);
    assertThat(decode(messages(wire))).isEqualTo(packet);
  }

  static Stream<Arguments> binaryRoundTrips() {
    return Stream.of(
        Arguments.of("51-[\"hello\"," + PH0 + "]", packet(Type.BINARY_EVENT, "/", null, "[\"hello\"," + PH0 + "]", bytes(1, 2, 3))),
        Arguments.of("51-/admin,456[\"project:delete\"," + PH0 + "]",
            packet(Type.BINARY_EVENT, "/admin", 456L, "[\"project:delete\"," + PH0 + "]", bytes(1, 2, 3))),
        Arguments.of("61-/admin,456[" + PH0 + "]", packet(Type.BINARY_ACK, "/admin", 456L, "[" + PH0 + "]", bytes(3, 2, 1))),
        Arguments.of("52-[\"bin\"," + PH0 + ",{\"nested\":" + PH1 + "}]",
            packet(Type.BINARY_EVENT, "/", null, "[\"bin\"," + PH0 + ",{\"nested\":" + PH1 + "}]", bytes(1, 2, 3, 4), bytes(5, 6))),
        Arguments.of("61-1[\"a1\"," + PH0 + "]", packet(Type.BINARY_ACK, "/", 1L, "[\"a1\"," + PH0 + "]", bytes(9))));
  }

  @ParameterizedTest @MethodSource("binaryRoundTrips")
  void binaryPacketsRoundTripWithTheirAttachments(String header, SioPacket packet) throws Exception {
    List<EnginePacket> encoded = V4.encode(packet);
    assertThat(encoded.get(0).text()).isEqualTo(header);
    assertThat(encoded).hasSize(1 + packet.attachments().size());
    for (int i = 0; i < packet.attachments().size(); i++) {
      assertThat(encoded.get(i + 1).binary()).isEqualTo(packet.attachments().get(i));
    }
    assertThat(decode(encoded)).isEqualTo(packet);
  }

  /** Server packets of revision 4 that revision 5 reads differently or refuses. */
  static Stream<Arguments> serverPackets() {
    return Stream.of(
        Arguments.of("0", packet(Type.CONNECT, "/", null, null)),
        Arguments.of("", packet(Type.CONNECT, "/", null, null)),
        Arguments.of("0/admin", packet(Type.CONNECT, "/admin", null, null)),
        Arguments.of("0/admin,{\"token\":\"abc\"}", packet(Type.CONNECT, "/admin", null, "{\"token\":\"abc\"}")),
        Arguments.of("0/admin,[]", packet(Type.CONNECT, "/admin", null, "[]")),
        Arguments.of("4\"Not authorized\"", packet(Type.CONNECT_ERROR, "/", null, "\"Not authorized\"")),
        Arguments.of("4/secure,\"not authorized\"", packet(Type.CONNECT_ERROR, "/secure", null, "\"not authorized\"")),
        Arguments.of("4/secure,{\"reason\":\"bad token\"}", packet(Type.CONNECT_ERROR, "/secure", null, "{\"reason\":\"bad token\"}")),
        Arguments.of("4/nope,\"Invalid namespace\"", packet(Type.CONNECT_ERROR, "/nope", null, "\"Invalid namespace\"")),
        Arguments.of("4/nope,{\"message\":\"Invalid namespace\"}",
            packet(Type.CONNECT_ERROR, "/nope", null, "{\"message\":\"Invalid namespace\"}")),
        Arguments.of("4\"encode error\"", packet(Type.CONNECT_ERROR, "/", null, "\"encode error\"")),
        Arguments.of("200[\"ack\",\"z\"]", packet(Type.EVENT, "/", 0L, "[\"ack\",\"z\"]")),
        Arguments.of("2[\"connect\"]", packet(Type.EVENT, "/", null, "[\"connect\"]")),
        Arguments.of("2/admin,", packet(Type.EVENT, "/admin", null, null)));
  }

  @ParameterizedTest @MethodSource("serverPackets")
  void decodesWhatSocketIo2ServersSend(String wire, SioPacket packet) throws Exception {
    assertThat(decode(messages(wire))).isEqualTo(packet);
  }

  @ParameterizedTest
  @ValueSource(strings = {"7", "2{}", "2abc[\"x\"]", "1{\"a\":1}", "3{\"a\":1}", "511-[\"x\"]", "50-[\"x\"]",
      "4/x,-1", "4true", "2[]", "2[true]", "0/admin?token=a,b,"})
  void malformedInputIsADecodingError(String wire) {
    assertThatThrownBy(() -> decode(messages(wire))).isInstanceOf(SioDecodingException.class);
  }

  @Test
  void placeholderOutOfRangeIsADecodingError() {
    assertThatThrownBy(() -> decode(messages("51-[\"x\",{\"_placeholder\":true,\"num\":5}]", bytes(1))))
        .isInstanceOf(SioDecodingException.class).hasMessageContaining("placeholder");
  }

  @Test
  void textWhileAttachmentsArePendingIsADecodingErrorAndResetsTheDecoder() throws Exception {
    SocketIoProtocol.Decoder decoder = V4.newDecoder(Limits.DEFAULT);
    assertThat(decoder.decode(EnginePacket.message("51-[\"x\"," + PH0 + "]"))).isNull();
    assertThatThrownBy(() -> decoder.decode(EnginePacket.message("2[\"y\"]")))
        .isInstanceOf(SioDecodingException.class).hasMessageContaining("waiting for attachment");
    assertThat(decoder.decode(EnginePacket.message("2[\"y\"]"))).isEqualTo(packet(Type.EVENT, "/", null, "[\"y\"]"));
  }

  @Test
  void attachmentBoundsAreTheDecodersLimits() throws Exception {
    assertThatThrownBy(() -> decodeAll(V4.newDecoder(new Limits(1, 100)), messages("52-[\"x\"," + PH0 + "," + PH1 + "]")))
        .isInstanceOf(SioDecodingException.class).hasMessageContaining("too many attachments");
    SocketIoProtocol.Decoder small = V4.newDecoder(new Limits(10, 3));
    assertThat(small.decode(EnginePacket.message("52-[\"x\"," + PH0 + "," + PH1 + "]"))).isNull();
    assertThat(small.decode(EnginePacket.binary(bytes(1, 2)))).isNull();
    assertThatThrownBy(() -> small.decode(EnginePacket.binary(bytes(3, 4))))
        .isInstanceOf(SioDecodingException.class).hasMessageContaining("exceed 3 bytes");
    assertThatThrownBy(() -> small.decode(EnginePacket.binary(bytes(1))))
        .isInstanceOf(SioDecodingException.class).hasMessageContaining("unexpected binary message");
  }

  @Test
  void aClientNeverSendsAConnectPayloadOrAnError() {
    assertThatThrownBy(() -> V4.encode(SioPacket.connect("/admin", new com.google.gson.JsonObject())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace query");
    assertThatThrownBy(() -> V4.encode(packet(Type.CONNECT_ERROR, "/", null, "\"x\"")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never sends ERROR");
  }

  @ParameterizedTest
  @ValueSource(strings = {"connect", "error", "ping", "pong", "reconnect", "connecting", "disconnect", "newListener"})
  void reservedNamesAreNotSent(String name) {
    assertThat(SocketIoV4.isReservedEventName(name)).isTrue();
    JsonArray data = new JsonArray();
    data.add(name);
    assertThatThrownBy(() -> V4.encode(SioPacket.of(Type.EVENT, "/", null, data, List.of())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved event name");
  }
}
