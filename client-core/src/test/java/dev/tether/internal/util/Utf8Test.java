package dev.tether.internal.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
  @Test void countsBytesNotChars() {
    String text = "42[\"echo\",\"é€😀\"]";
    assertThat(text.length()).isEqualTo(17);
    assertThat(Utf8.size(text)).isEqualTo(22);
    assertThat(Utf8.encode(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    assertThat(Utf8.size("€".repeat(333))).isEqualTo(999);
  }

  @Test void writesLoneSurrogatesAsReplacementCharacterLikeNode() {
    String lone = "a\ud83db";
    assertThat(Utf8.encode(lone)).containsExactly('a', 0xef, 0xbf, 0xbd, 'b');
    assertThat(Utf8.size(lone)).isEqualTo(5);
    assertThat(Utf8.encode("\udc00")).containsExactly(0xef, 0xbf, 0xbd);
    assertThat(Utf8.encode("x\ud83d")).containsExactly('x', 0xef, 0xbf, 0xbd);
  }

  @Test void agreesWithTheJdkOnWellFormedText() {
    Random random = new Random(42);
    for (int round = 0; round < 2_000; round++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(40);
      while (s.length() < length) {
        int codePoint = random.nextInt(4) == 0 ? 0x10000 + random.nextInt(0xFFFFF) : random.nextInt(0xD800);
        s.appendCodePoint(codePoint);
      }
      byte[] expected = s.toString().getBytes(StandardCharsets.UTF_8);
      assertThat(Utf8.encode(s)).isEqualTo(expected);
      assertThat(Utf8.size(s)).isEqualTo(expected.length);
    }
  }

  @Test void escapesOnlyUnpairedSurrogatesLikeJsonStringify() {
    assertThat(Utf8.escapeLoneSurrogates("[\"x\",\"\ud83d\"]")).isEqualTo("[\"x\",\"\\ud83d\"]");
    assertThat(Utf8.escapeLoneSurrogates("\"\ude00\ud83d\"")).isEqualTo("\"\\ude00\\ud83d\"");
    String paired = "[\"😀\"]";
    assertThat(Utf8.escapeLoneSurrogates(paired)).isSameAs(paired);
  }
}
