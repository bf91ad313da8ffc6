package dev.tether.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** PayloadCodec on its own: what Java values become as JSON, and back. */
class PayloadCodecTest {
  static final class Named {
    final String name;
    final @Nullable String nick;

    Named(String name, @Nullable String nick) {
      this.name = name;
      this.nick = nick;
    }
  }

  private static Map<String, @Nullable Object> withNull() {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    map.put("a", 1);
    map.put("n", null);
    return map;
  }

  private static String encode(Gson gson, @Nullable Object... values) {
    return new PayloadCodec(gson).encode("e", values).json.toString();
  }

  @Test void nullMapValuesNullPojoFieldsAndJsonNullMembersAreKept() {
    Map<String, @Nullable Object> nested = new LinkedHashMap<>();
    nested.put("inner", withNull());
    nested.put("list", Arrays.asList(withNull(), null));
    JsonObject tree = new JsonObject();
    tree.add("j", JsonNull.INSTANCE);

    String json = encode(new Gson(), withNull(), nested, tree, new Named("x", null), null);

    assertThat(JsonParser.parseString(json)).isEqualTo(JsonParser.parseString("[\"e\","
        + "{\"a\":1,\"n\":null},"
        + "{\"inner\":{\"a\":1,\"n\":null},\"list\":[{\"a\":1,\"n\":null},null]},"
        + "{\"j\":null},"
        + "{\"name\":\"x\",\"nick\":null},"
        + "null]"));
  }

  @Test void nullsAreKeptWhateverTheApplicationGsonSaysAndThatGsonIsNotModified() {
    Gson custom = new GsonBuilder().disableHtmlEscaping().create();

    assertThat(encode(custom, withNull())).isEqualTo("[\"e\",{\"a\":1,\"n\":null}]");
    assertThat(encode(custom.newBuilder().serializeNulls().create(), withNull()))
        .isEqualTo("[\"e\",{\"a\":1,\"n\":null}]");
    assertThat(custom.serializeNulls()).isFalse();
    assertThat(custom.toJson(withNull())).isEqualTo("{\"a\":1}");
  }

  @Test void bindingANullMemberKeepsTheKey() {
    PayloadCodec codec = new PayloadCodec(new Gson());
    Map<String, @Nullable Object> bound = codec.bind(JsonParser.parseString("{\"a\":1,\"n\":null}"),
        new TypeToken<Map<String, Object>>() { }.getType(), Collections.<okio.ByteString>emptyList(), "argument 0");

    assertThat(bound).containsEntry("n", null).containsKey("a");
    @SuppressWarnings("unchecked")
    Map<String, @Nullable Object> plain = (Map<String, @Nullable Object>) PayloadCodec.toJava(
        JsonParser.parseString("{\"n\":null}"), Collections.<okio.ByteString>emptyList());
    assertThat(plain).containsEntry("n", null);
  }

  @Test void aJsonValueIsSentAsItIsAndAJsonElementAsASnapshot() {
    PayloadCodec codec = new PayloadCodec(new Gson());
    dev.tether.JsonValue value = dev.tether.JsonValue.parse("{\"a\":[1,2]}");
    JsonObject element = new JsonObject();
    element.addProperty("b", 1);

    dev.tether.internal.wire.Payload payload = codec.encode("e", new Object[] {value, element});
    element.addProperty("b", 2); // after the emit: not what is sent

    assertThat(payload.json.get(1)).as("no copy of a JsonValue").isSameAs(value.element());
    assertThat(payload.json.get(2)).isNotSameAs(element);
    assertThat(payload.json.toString()).isEqualTo("[\"e\",{\"a\":[1,2]},{\"b\":1}]");
    Map<String, Object> nested = Collections.singletonMap("v", value);
    assertThat(codec.encode("e", new Object[] {nested}).json.toString()).isEqualTo("[\"e\",{\"v\":{\"a\":[1,2]}}]");
  }

  @Test void receivedBinaryBindsToByteStringWithoutACopyAndToByteArrayAsAFreshCopyEachTime() {
    PayloadCodec codec = new PayloadCodec(new Gson());
    okio.ByteString received = okio.ByteString.of(new byte[] {1, 2, 3});
    com.google.gson.JsonArray args = new com.google.gson.JsonArray();
    args.add(dev.tether.internal.wire.Payload.placeholder(0));
    RealArgs view = new RealArgs(args, Collections.singletonList(received), codec, "event 'b'");

    assertThat(view.arg(0, okio.ByteString.class)).isSameAs(received);
    assertThat(view.arg(0, java.nio.ByteBuffer.class).isReadOnly()).isTrue();
    byte[] first = view.arg(0, byte[].class);
    first[0] = 9; // the listener's own copy
    assertThat(view.arg(0, byte[].class)).containsExactly(1, 2, 3);
    assertThat((byte[]) view.arg(0)).containsExactly(1, 2, 3);
    assertThat(view.jsonView(0)).isSameAs(args.get(0));
    assertThat(view.json(0)).isEqualTo(args.get(0)).isNotSameAs(args.get(0));
  }

  @Test void aSentByteStringIsNotCopiedAndASentByteArrayIsASnapshot() {
    PayloadCodec codec = new PayloadCodec(new Gson());
    okio.ByteString shared = okio.ByteString.of(new byte[] {4, 5});
    byte[] mine = {6, 7};

    dev.tether.internal.wire.Payload payload = codec.encode("e", new Object[] {shared, mine});
    mine[0] = 0;

    assertThat(payload.attachments.get(0)).isSameAs(shared);
    assertThat(payload.attachments.get(1).toByteArray()).containsExactly(6, 7);
  }
}
