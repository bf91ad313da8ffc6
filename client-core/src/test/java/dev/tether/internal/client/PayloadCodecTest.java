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
        new TypeToken<Map<String, Object>>() { }.getType(), Collections.<byte[]>emptyList(), "argument 0");

    assertThat(bound).containsEntry("n", null).containsKey("a");
    @SuppressWarnings("unchecked")
    Map<String, @Nullable Object> plain = (Map<String, @Nullable Object>) PayloadCodec.toJava(
        JsonParser.parseString("{\"n\":null}"), Collections.<byte[]>emptyList());
    assertThat(plain).containsEntry("n", null);
  }
}
