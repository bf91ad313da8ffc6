package dev.tether.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every end-to-end scenario, with tiny counts, for each of the three clients against the real
 * server: the harness must not rot while nobody runs the benchmarks. Each scenario checks its own
 * counts (every echo and ack came back, sums of sequence numbers match) and throws otherwise, which
 * the runner records as a failure.
 */
@RealServer
class E2eSmokeTest {
  private static final List<Kind> CLIENTS = List.of(Kind.TETHER, Kind.FLOOR, Kind.PEER);

  @Test
  void everyScenarioRunsForEveryClient(SocketIoServer server) throws Exception {
    Sizes sizes = Sizes.SMOKE;
    List<Scenario> scenarios = Scenario.all(sizes, Runtime.version().feature());

    List<E2eMain.Result> results = E2eMain.run(scenarios, CLIENTS, new Scenario.Env(server.url(), server.pid(), sizes));

    assertThat(results).hasSameSizeAs(scenarios);
    for (E2eMain.Result result : results) {
      String scenario = result.scenario().label;
      assertThat(result.notes().values()).as(scenario).noneMatch(note -> note.startsWith("failed"));
      assertThat(result.rounds().keySet()).as(scenario).containsExactlyInAnyOrderElementsOf(CLIENTS);
      for (Map.Entry<Kind, List<double[]>> entry : result.rounds().entrySet()) {
        assertThat(entry.getValue()).as(scenario + ", " + entry.getKey()).hasSize(sizes.rounds());
        double[] values = entry.getValue().get(0);
        assertThat(values).as(scenario + ", " + entry.getKey()).hasSize(result.scenario().metrics().size());
        // CPU, latency, rates: measured, so positive (a server CPU reading may be NaN off Linux).
        // Memory per connection is a difference of two readings: at smoke sizes, noise either way.
        for (int i = 0; i < values.length; i++) {
          String name = result.scenario().metrics().get(i).name();
          if (!name.startsWith("server") && !name.contains("per connection after GC")
              && !name.contains("(RSS) per connection")) {
            assertThat(values[i]).as(scenario + ", " + entry.getKey() + ", " + result.scenario().metrics().get(i).name())
                .isGreaterThanOrEqualTo(0);
          }
        }
      }
    }
  }

  @Test
  void clientsAlternateFromRoundToRound() {
    assertThat(E2eMain.order(CLIENTS, 0)).containsExactly(Kind.TETHER, Kind.FLOOR, Kind.PEER);
    assertThat(E2eMain.order(CLIENTS, 1)).containsExactly(Kind.FLOOR, Kind.PEER, Kind.TETHER);
    assertThat(E2eMain.order(CLIENTS, 2)).containsExactly(Kind.PEER, Kind.TETHER, Kind.FLOOR);
  }

  @Test
  void medianIgnoresFailedRounds() {
    assertThat(E2eMain.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(E2eMain.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(E2eMain.median(List.of(Double.NaN, 5.0))).isEqualTo(5.0);
    assertThat(E2eMain.median(List.of(Double.NaN))).isNaN();
  }
}
