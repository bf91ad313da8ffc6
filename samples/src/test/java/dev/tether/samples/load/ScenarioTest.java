package dev.tether.samples.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import dev.tether.samples.load.Scenario.Await;
import dev.tether.samples.load.Scenario.Connect;
import dev.tether.samples.load.Scenario.Emit;
import dev.tether.samples.load.Scenario.End;
import dev.tether.samples.load.Scenario.Repeat;
import dev.tether.samples.load.Scenario.Think;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scenario language: steps, arguments, placeholders, and errors that name the line or step. */
class ScenarioTest {

  @Test
  void parsesTheDefaultScenario() {
    Scenario scenario = Scenario.parseSteps(Scenario.DEFAULT);

    assertThat(scenario.steps()).extracting(step -> step.getClass().getSimpleName()).containsExactly(
        "Connect", "Emit", "Sync", "Repeat", "Emit", "Await", "Think", "End", "Disconnect");
    Connect connect = (Connect) scenario.step(0);
    assertThat(connect.namespace()).isEqualTo("/chat");
    assertThat(connect.auth().render(7, 0)).isEqualTo(JsonParser.parseString("{\"name\":\"vu-7\"}"));
    Emit join = (Emit) scenario.step(1);
    assertThat(join.ack()).isTrue();
    assertThat(join.args().get(0).render(27, 0).getAsString()).isEqualTo("room-2");
    assertThat(join.expectations()).hasToString("[ok=true]");
    assertThat(scenario.partner(3)).isEqualTo(7);
    assertThat(scenario.partner(7)).isEqualTo(3);
    Emit message = (Emit) scenario.step(4);
    assertThat(message.args().get(0).render(5, 3).getAsJsonObject().get("text").getAsString())
        .isEqualTo("hello 3 from vu-5");
    assertThat(((Await) scenario.step(5)).timeout()).isNull();
    assertThat(((Think) scenario.step(6)).time()).isNull();
  }

  @Test
  void readsAFileWithCommentsAndNestedRepeats() {
    Scenario scenario = Scenario.parseFile("""
        # a comment line
        connect auth={"name": "u${vu}", "team": ${vu%3}}
        repeat 2
          repeat 3
          # an indented comment
          end
        end
        emit note "a;b" {"n": ${iteration}} 42 true null
        await "news" 1.5s
        think 10ms..20ms
        sync 5s
        """);

    Connect connect = (Connect) scenario.step(0);
    assertThat(connect.namespace()).isNull(); // --namespace decides
    assertThat(connect.auth().render(4, 0)).isEqualTo(JsonParser.parseString("{\"name\":\"u4\",\"team\":1}"));
    assertThat(scenario.step(1)).isInstanceOf(Repeat.class);
    assertThat(scenario.partner(1)).isEqualTo(4);
    assertThat(scenario.partner(2)).isEqualTo(3);
    assertThat(scenario.step(4)).isInstanceOf(End.class);
    Emit note = (Emit) scenario.step(5);
    assertThat(note.ack()).isFalse();
    assertThat(note.args()).hasSize(5); // the ';' inside the string does not end the step
    assertThat(note.args().get(0).render(0, 0).getAsString()).isEqualTo("a;b");
    assertThat(note.args().get(1).render(0, 9).getAsJsonObject().get("n").getAsInt()).isEqualTo(9);
    Await await = (Await) scenario.step(6);
    assertThat(await.event()).isEqualTo("news");
    assertThat(await.timeout()).isEqualTo(Duration.ofMillis(1500));
    DurationRange think = ((Think) scenario.step(7)).time();
    for (int i = 0; i < 100; i++) {
      assertThat(think.pick(new Random(i))).isBetween(Duration.ofMillis(10), Duration.ofMillis(20));
    }
    assertThat(((Scenario.Sync) scenario.step(8)).timeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void placeholders() {
    Template template = Template.parse("${vu}|${vu%20}|${vu/10}|${iteration}|${iteration%2}|${ vu % 3 }");

    assertThat(template.render(47, 5)).isEqualTo("47|7|4|5|1|2");
    assertThat(template.isConstant()).isFalse();
    assertThat(Template.parse("plain $ {vu}").render(1, 1)).isEqualTo("plain $ {vu}");
  }

  @Test
  void expectationsTakePathsIntoTheAck() {
    Emit join = (Emit) Scenario.parseSteps("connect; ack join \"r\" expect ok=true room=\"r\" expect members.0=\"a b\"")
        .step(1);

    assertThat(join.expectations()).extracting(Scenario.Expectation::path).containsExactly("ok", "room", "members.0");
    assertThat(join.expectations().get(2).value().render(0, 0).getAsString()).isEqualTo("a b");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      connect; emitt x                          | step 2 (emitt x): unknown step 'emitt'
      connect; ack join room-1                  | step 2 (ack join room-1): not valid JSON: room-1
      connect; emit x {"a":1                    | step 2 (emit x {"a":1): unclosed { in {"a":1
      connect; emit x "${user}"                 | step 2 (emit x "${user}"): unknown placeholder ${user}
      connect; emit x ${vu%0}                   | step 2 (emit x ${vu%0}): placeholder ${vu%0} needs N
      emit x 1                                  | step 1: not connected: add a connect step before it
      connect; connect                          | step 2: already connected
      connect; disconnect; disconnect           | step 3: not connected, nothing to disconnect
      connect; end                              | step 2: end without a repeat
      connect; repeat 2; emit x                 | step 2: repeat without an end
      repeat 2; connect; end                    | step 3: the repeat at step 1 must end disconnected
      connect; think soon                       | step 2 (think soon): 'soon' is not a duration
      connect; think 2s..1s                     | step 2 (think 2s..1s): the range 2s..1s ends before it starts
      connect; repeat many                      | step 2 (repeat many): 'many' is not a count
      connect; emit disconnect                  | step 2 (emit disconnect): 'disconnect' is reserved
      connect; emit x 1 expect ok=true          | step 2 (emit x 1 expect ok=true): only an ack step can expect
      connect; ack x expect ok                  | step 2 (ack x expect ok): expect needs <path>=<json>
      connect auth=[1]                          | step 1 (connect auth=[1]): auth must be a JSON object
      connect chat                              | step 1 (connect chat): connect takes [namespace]
      connect; await                            | step 2 (await): an event name is missing
      ' ; ; '                                   | the scenario has no steps
      """)
  void parseErrorsNameTheStep(String scenario, String message) {
    assertThatThrownBy(() -> Scenario.parseSteps(scenario))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void parseErrorsInAFileNameTheLine() {
    assertThatThrownBy(() -> Scenario.parseFile("""
        # join and chat
        connect /chat auth={"name":"a"}

        ack join "room-1" expect ok=true
        ack message {text: "hi"}
        """))
        .hasMessageStartingWith("line 5 (ack message {text: \"hi\"}): not valid JSON");
  }
}
