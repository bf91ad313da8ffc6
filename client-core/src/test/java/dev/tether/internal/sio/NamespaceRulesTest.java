package dev.tether.internal.sio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SocketIoServer#normalizeNamespace}: a namespace is written raw into every packet and, on
 * long-polling, into a payload separated by U+001E, so nothing in it may end it or split the payload.
 */
class NamespaceRulesTest {
  private static final SocketIoServer V5 = SocketIoServer.V5;

  @Test void anInjectedRecordSeparatorIsRefusedAndNamed() {
    String injected = "/room\u001e42[\"deleteAccount\"]\u001e1";
    assertThatThrownBy(() -> V5.normalizeNamespace(injected))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+001E")
        .hasMessageContaining("index 5")
        // the message itself stays one clean line: the character is escaped, not repeated raw
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001e").contains("\\u001e"));
  }

  static IntStream controlCharacters() {
    return IntStream.concat(IntStream.rangeClosed(0x00, 0x1f), IntStream.rangeClosed(0x7f, 0x9f));
  }

  @ParameterizedTest(name = "U+{0}") @MethodSource("controlCharacters")
  void everyControlCharacterIsRefused(int c) {
    String name = String.format("U+%04X", c);
    assertThatThrownBy(() -> V5.normalizeNamespace("/a" + (char) c + "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control character " + name + " at index 2");
    assertThatThrownBy(() -> V5.normalizeNamespace("a" + (char) c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(name + " at index 1"); // the index in what the caller wrote
  }

  @Test void unpairedSurrogatesAreRefused() {
    assertThatThrownBy(() -> V5.normalizeNamespace("/a\ud83d"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate U+D83D at index 2");
    assertThatThrownBy(() -> V5.normalizeNamespace("/\ude00x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate U+DE00 at index 1");
  }

  @Test void aCommaAndAQueryStayRefused() {
    assertThatThrownBy(() -> V5.normalizeNamespace("/a,b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("','");
    assertThatThrownBy(() -> V5.normalizeNamespace("/a?b=1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("query");
  }

  @ParameterizedTest @ValueSource(strings = {"/", "/chat", "/a b", "/ünïcödé", "/emoji\ud83d\ude00", "/a-b_c.d~e",
      "/x/y", "/\u00a0nbsp", "/\u2028"})
  void ordinaryNamespacesPass(String namespace) {
    assertThat(V5.normalizeNamespace(namespace)).isEqualTo(namespace);
  }

  @Test void aMissingSlashIsAdded() {
    assertThat(V5.normalizeNamespace("chat")).isEqualTo("/chat");
    assertThat(V5.normalizeNamespace("")).isEqualTo("/");
  }
}
