package dev.tether.internal.sio;

import static dev.tether.internal.sio.SioTestSupport.bytes;
import static dev.tether.internal.sio.SioTestSupport.json;
import static dev.tether.internal.sio.SioTestSupport.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SioPacketTest {
  private static JsonArray data(String json) {
    return json(json).getAsJsonArray();
  }

  @Test void typeCodesAreTheWireDigits() {
    assertThat(SioPacket.Type.values()).extracting(SioPacket.Type::code).containsExactly(0, 1, 2, 3, 4, 5, 6);
    assertThat(SioPacket.Type.BINARY_EVENT.isBinary()).isTrue();
    assertThat(SioPacket.Type.EVENT.isBinary()).isFalse();
  }

  @Test void factoriesPickTheBinaryTypeOnlyWhenThereAreAttachments() {
    assertThat(SioPacket.event("/", data("[\"a\"]"), null, List.of()).type()).isEqualTo(SioPacket.Type.EVENT);
    assertThat(SioPacket.event("/", data("[\"a\",{\"_placeholder\":true,\"num\":0}]"), null, List.of(bytes(1))).type())
        .isEqualTo(SioPacket.Type.BINARY_EVENT);
    assertThat(SioPacket.ack("/", 0, data("[]"), List.of()).type()).isEqualTo(SioPacket.Type.ACK);
    assertThat(SioPacket.ack("/", 0, data("[{\"_placeholder\":true,\"num\":0}]"), List.of(bytes(1))).type())
        .isEqualTo(SioPacket.Type.BINARY_ACK);
  }

  @Test void factoriesFillEveryField() {
    SioPacket ack = SioPacket.ack("/admin", 12, data("[1]"), List.of());
    assertThat(ack.namespace()).isEqualTo("/admin");
    assertThat(ack.ackId()).isEqualTo(12L);
    assertThat(ack.data()).isEqualTo(data("[1]"));
    assertThat(ack.attachments()).isEmpty();

    SioPacket connect = SioPacket.connect("/", null);
    assertThat(connect.data()).isNull();
    assertThat(connect.ackId()).isNull();
    assertThat(SioPacket.connectError("/x", new JsonPrimitive("legacy")).data()).isEqualTo(new JsonPrimitive("legacy"));
  }

  @Test void attachmentListIsCopiedAndReadOnly() {
    List<okio.ByteString> attachments = new ArrayList<>(List.of(bytes(1)));
    SioPacket packet = SioPacket.event("/", data("[\"a\",{\"_placeholder\":true,\"num\":0}]"), null, attachments);
    attachments.add(bytes(2));
    assertThat(packet.attachments()).hasSize(1);
    assertThatThrownBy(() -> packet.attachments().add(bytes(3))).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test void equalityComparesAttachmentContentsAndJsonValues() {
    SioPacket a = SioPacket.event("/", data("[\"a\",{\"_placeholder\":true,\"num\":0}]"), 1L, List.of(bytes(1, 2)));
    SioPacket b = SioPacket.event("/", data("[\"a\",{\"_placeholder\":true,\"num\":0}]"), 1L, List.of(bytes(1, 2)));
    SioPacket c = SioPacket.event("/", data("[\"a\",{\"_placeholder\":true,\"num\":0}]"), 1L, List.of(bytes(1, 3)));
    SioPacket d = SioPacket.event("/", data("[\"a\",{\"_placeholder\":true,\"num\":0}]"), 2L, List.of(bytes(1, 2)));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c).isNotEqualTo(d);

    JsonArray javaNumber = new JsonArray();
    javaNumber.add("n");
    javaNumber.add(1);
    SioPacket decodedShape = SioPacket.event("/", data("[\"n\",1]"), null, List.of());
    SioPacket javaShape = SioPacket.event("/", javaNumber, null, List.of());
    assertThat(decodedShape).isEqualTo(javaShape).hasSameHashCodeAs(javaShape);
  }

  @Test void toStringIsCappedAndShowsAttachmentSizesOnly() {
    JsonArray data = new JsonArray();
    data.add("big");
    data.add("y".repeat(1_000_000));
    data.add(Placeholders.of(0));
    String text = SioPacket.event("/chat", data, 7L, List.of(zeros(123_456))).toString();
    assertThat(text).hasSizeLessThan(300)
        .startsWith("SioPacket{BINARY_EVENT /chat ack=7 [\"big\",\"yyy")
        .endsWith("… +1 attachments [123456B]}");
  }

  @Test void toStringOfConnectShowsOnlyTheKeysOfAuthAndSessionIds() {
    JsonObject auth = new JsonObject();
    auth.addProperty("token", "s3cr3t");
    auth.addProperty("pid", "private-session");
    String text = SioPacket.connect("/", auth).toString();
    assertThat(text).isEqualTo("SioPacket{CONNECT / {keys=token,pid}}").doesNotContain("s3cr3t");
  }

  @Test void toStringOfSmallPacketsIsComplete() {
    assertThat(SioPacket.ack("/", 3, data("[\"ok\",{\"n\":1}]"), List.of()).toString())
        .isEqualTo("SioPacket{ACK / ack=3 [\"ok\",{\"n\":1}]}");
    assertThat(SioPacket.disconnect("/admin").toString()).isEqualTo("SioPacket{DISCONNECT /admin}");
  }

  @Test void previewNeverSplitsASurrogatePair() {
    String preview = JsonText.preview(new JsonPrimitive("ab😀😀😀"), 4);
    assertThat(preview).isEqualTo("\"ab…");
    assertThat(JsonText.preview(new JsonPrimitive("a😀😀"), 4)).isEqualTo("\"a😀…");
  }
}
