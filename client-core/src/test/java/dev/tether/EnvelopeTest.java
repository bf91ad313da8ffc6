package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.tether.Envelope.Message;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import okio.ByteString;
import org.junit.jupiter.api.Test;

/** The shipped envelopes as codecs, frame by frame, without a network. */
class EnvelopeTest {
  static final Envelope SEED = Envelope.json("name", "data");
  static final Envelope NEST = Envelope.json("event", "data");
  static final Envelope WITH_IDS = Envelope.json("name", "data", "id");

  // ---- raw -------------------------------------------------------------------------------------

  @Test void rawTextIsTheEventMessageWithOneString() {
    List<Message> messages = Envelope.raw().decode(Frame.text("héllo ✓ 𝄞"));
    assertThat(messages).containsExactly(Message.event("message", Collections.singletonList(new JsonPrimitive("héllo ✓ 𝄞"))));
  }

  @Test void rawBinaryIsTheEventMessageWithOneByteString() {
    List<Message> messages = Envelope.raw().decode(Frame.binary(new byte[] {1, 2, 3}));
    assertThat(messages).singleElement().satisfies(m -> {
      assertThat(m.isBinary(0)).isTrue();
      assertThat(m.binary(0)).isEqualTo(ByteString.of((byte) 1, (byte) 2, (byte) 3));
    });
  }

  @Test void rawSendsAStringAsItIsBytesAsBinaryAndAnythingElseAsJsonText() {
    assertThat(Envelope.raw().encode(event("message", new JsonPrimitive("plain \"text\""))))
        .containsExactly(Frame.text("plain \"text\""));
    assertThat(Envelope.raw().encode(Message.event("message", Collections.singletonList(ByteString.of((byte) 9)))))
        .containsExactly(Frame.binary(new byte[] {9}));
    assertThat(Envelope.raw().encode(event("message", JsonParser.parseString("{\"a\":[1,null]}"))))
        .containsExactly(Frame.text("{\"a\":[1,null]}"));
    assertThat(Envelope.raw().encode(event("message", new JsonPrimitive(42)))).containsExactly(Frame.text("42"));
  }

  @Test void rawRefusesOtherEventsArgumentCountsAndAcks() {
    assertThatThrownBy(() -> Envelope.raw().checkEmit(event("chat", new JsonPrimitive("x"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'message'").hasMessageContaining("'chat'");
    assertThatThrownBy(() -> Envelope.raw().checkEmit(Message.event("message", Collections.emptyList())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one argument");
    assertThatThrownBy(() -> Envelope.raw().checkEmit(Message.ack(1, Collections.emptyList())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no acks");
    assertThat(Envelope.raw().carriesAckIds()).isFalse();
  }

  // ---- JSON ------------------------------------------------------------------------------------

  @Test void jsonReadsTheNamedEventWithItsDataAsTheOneArgument() {
    List<Message> messages = SEED.decode(Frame.text("{\"name\":\"hello\",\"data\":{\"a\":\"123\",\"b\":\"234\"}}"));
    assertThat(messages).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("hello");
      assertThat(m.size()).isEqualTo(1);
      assertThat(m.json(0)).isEqualTo(JsonParser.parseString("{\"a\":\"123\",\"b\":\"234\"}"));
      assertThat(m.ackId()).isNull();
    });
    assertThat(NEST.decode(Frame.text("{\"event\":\"events\",\"data\":[1,2]}")))
        .containsExactly(event("events", JsonParser.parseString("[1,2]"))); // an array stays one argument
    assertThat(SEED.decode(Frame.text("{\"name\":\"ping\"}"))).containsExactly(Message.event("ping", Collections.emptyList()));
    assertThat(SEED.decode(Frame.text("{\"name\":\"n\",\"data\":null}"))).containsExactly(event("n", JsonNull.INSTANCE));
  }

  @Test void jsonWritesOneArgumentAsDataNoneWithoutDataAndSeveralAsAnArray() {
    assertThat(SEED.encode(event("join", JsonParser.parseString("{\"room\":\"r1\"}"))))
        .containsExactly(Frame.text("{\"name\":\"join\",\"data\":{\"room\":\"r1\"}}"));
    assertThat(NEST.encode(Message.event("leave", Collections.emptyList()))).containsExactly(Frame.text("{\"event\":\"leave\"}"));
    assertThat(SEED.encode(Message.event("move", Arrays.asList(new JsonPrimitive(1), new JsonPrimitive("b")))))
        .containsExactly(Frame.text("{\"name\":\"move\",\"data\":[1,\"b\"]}"));
  }

  @Test void whatIsNotTheEnvelopesIsNotRead() {
    assertThat(SEED.decode(Frame.text("{\"data\":1}"))).as("no name, no id").isNull();
    assertThat(SEED.decode(Frame.text("{\"name\":7}"))).as("a name that is no string").isNull();
    assertThat(SEED.decode(Frame.text("[\"hello\"]"))).as("not an object").isNull();
    assertThat(SEED.decode(Frame.binary(new byte[] {1}))).as("binary").isNull();
    assertThatThrownBy(() -> SEED.decode(Frame.text("{not json")))
        .as("bad JSON throws, which also makes it unparsed").isInstanceOf(RuntimeException.class);
  }

  @Test void jsonRefusesBinaryArguments() {
    assertThatThrownBy(() -> SEED.checkEmit(Message.event("file", Collections.singletonList(ByteString.of((byte) 1)))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON has no binary");
  }

  @Test void jsonWithIdsCorrelatesAcksBothWays() {
    assertThat(WITH_IDS.carriesAckIds()).isTrue();
    assertThat(SEED.carriesAckIds()).isFalse();
    // An emit with ack carries the id; the reply has the id and no name.
    assertThat(WITH_IDS.encode(event("get", new JsonPrimitive("k")).withAckId(7)))
        .containsExactly(Frame.text("{\"name\":\"get\",\"data\":\"k\",\"id\":7}"));
    assertThat(WITH_IDS.decode(Frame.text("{\"id\":7,\"data\":{\"v\":1}}")))
        .containsExactly(Message.ack(7, Collections.singletonList(JsonParser.parseString("{\"v\":1}"))));
    assertThat(WITH_IDS.decode(Frame.text("{\"id\":\"8\"}"))).as("a numeric string id")
        .containsExactly(Message.ack(8, Collections.emptyList()));
    // A named frame with an id asks us for an ack, answered with {id, data}.
    assertThat(WITH_IDS.decode(Frame.text("{\"name\":\"q\",\"data\":1,\"id\":3}")))
        .containsExactly(event("q", new JsonPrimitive(1)).withAckId(3));
    assertThat(WITH_IDS.encode(Message.ack(3, Collections.singletonList(new JsonPrimitive("ok")))))
        .containsExactly(Frame.text("{\"data\":\"ok\",\"id\":3}"));
    // An id that is no integer: still the event, without an ack; without a name, not ours.
    assertThat(WITH_IDS.decode(Frame.text("{\"name\":\"q\",\"id\":\"x\"}"))).containsExactly(Message.event("q", Collections.emptyList()));
    assertThat(WITH_IDS.decode(Frame.text("{\"id\":\"x\"}"))).isNull();
  }

  @Test void envelopesCompareByValue() {
    assertThat(Envelope.json("name", "data")).isEqualTo(SEED).hasSameHashCodeAs(SEED).isNotEqualTo(NEST).isNotEqualTo(WITH_IDS);
    assertThat(Envelope.raw()).isEqualTo(Envelope.raw()).isNotEqualTo(SEED);
    assertThat(WITH_IDS.toString()).isEqualTo("Envelope.json(\"name\", \"data\", \"id\")");
    assertThatThrownBy(() -> Envelope.json("data", "data")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test void messagesHoldOnlyJsonOrBytes() {
    assertThatThrownBy(() -> Message.event("x", Collections.singletonList("text")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.String");
    Message message = Message.event("x", Arrays.asList(new JsonArray(), ByteString.of((byte) 1)));
    assertThat(message.hasBinary()).isTrue();
    assertThatThrownBy(() -> message.json(1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> message.binary(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Message.ack(1, Collections.emptyList()).withAckId(2)).isInstanceOf(IllegalStateException.class);
  }

  private static Message event(String name, JsonElement arg) {
    return Message.event(name, Collections.singletonList(arg));
  }
}
