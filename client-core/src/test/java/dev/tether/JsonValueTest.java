package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

class JsonValueTest {
  @Test void invalidJsonTextIsAClearErrorAtParse() {
    assertThatThrownBy(() -> JsonValue.parse("{\"a\":")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not valid JSON");
    assertThatThrownBy(() -> JsonValue.parse("[1,]x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test void nullsAreRejectedWithTheirName() {
    assertThatThrownBy(() -> JsonValue.parse(null)).isInstanceOf(NullPointerException.class).hasMessage("json == null");
    assertThatThrownBy(() -> JsonValue.adopt(null)).isInstanceOf(NullPointerException.class).hasMessage("element == null");
    assertThatThrownBy(() -> JsonValue.copyOf(null)).isInstanceOf(NullPointerException.class).hasMessage("element == null");
  }

  @Test void copyOfTakesASnapshotAndAdoptDoesNot() {
    JsonObject tree = new JsonObject();
    tree.addProperty("n", 1);
    JsonValue copy = JsonValue.copyOf(tree);
    JsonValue adopted = JsonValue.adopt(tree);
    tree.addProperty("n", 2);

    assertThat(copy.toString()).isEqualTo("{\"n\":1}");
    assertThat(adopted.element()).isSameAs(tree);
    assertThat(JsonValue.parse("null").element()).isEqualTo(JsonNull.INSTANCE);
    assertThat(JsonValue.parse(" {\"n\" : 1} ")).isEqualTo(copy);
  }
}
