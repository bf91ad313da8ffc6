package dev.tether.jmeter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class JsonMatchTest {
  private static boolean contains(String actual, String expected) {
    return JsonMatch.contains(JsonParser.parseString(actual), JsonParser.parseString(expected));
  }

  @Test void objectsMatchByTheirMembersAtAnyDepth() {
    assertThat(contains("[{\"ok\":true,\"id\":7,\"at\":1733}]", "[{\"ok\":true}]")).isTrue();
    assertThat(contains("{\"a\":{\"b\":1,\"c\":2}}", "{\"a\":{\"c\":2}}")).isTrue();
    assertThat(contains("[{\"ok\":false,\"error\":\"x\"}]", "[{\"ok\":true}]")).isFalse();
    assertThat(contains("{\"a\":1}", "{\"b\":1}")).as("a missing member").isFalse();
    assertThat(contains("{\"a\":null}", "{\"a\":null}")).isTrue();
    assertThat(contains("{}", "{\"a\":null}")).as("absent is not null").isFalse();
  }

  @Test void arraysMatchByTheirFirstElements() {
    assertThat(contains("[1,2,3]", "[1,2]")).isTrue();
    assertThat(contains("[1,2,3]", "[]")).isTrue();
    assertThat(contains("[1,2]", "[2]")).as("positions count").isFalse();
    assertThat(contains("[1]", "[1,2]")).isFalse();
    assertThat(contains("{\"0\":1}", "[1]")).isFalse();
  }

  @Test void scalarsMatchEqualOnesAndNumbersByValue() {
    assertThat(contains("1.0", "1")).isTrue();
    assertThat(contains("100", "1e2")).isTrue();
    assertThat(contains("\"1\"", "1")).as("a string is not a number").isFalse();
    assertThat(contains("true", "true")).isTrue();
    assertThat(contains("\"a\"", "\"b\"")).isFalse();
    assertThat(contains("null", "null")).isTrue();
    assertThat(contains("0", "null")).isFalse();
    assertThat(contains("{\"a\":1}", "1")).isFalse();
  }
}
