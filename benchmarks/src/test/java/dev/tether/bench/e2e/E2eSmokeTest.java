package dev.tether.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every end-to-end scenario, with tiny counts, for each client (the JavaScript one in Node, where the
 * scenario has a JavaScript version) against the real server: the harness must not rot while nobody
 * runs the benchmarks. Each scenario checks its own
 * counts (every echo and ack came back, sums of sequence numbers match) and throws otherwise, which
 * the runner records as a failure.
 */
@RealServer
class E2eSmokeTest {
  private static final List<Kind> CLIENTS = List.of(Kind.TETHER, Kind.FLOOR, Kind.PEER, Kind.JS);

  @Test
  void everyScenarioRunsForEveryClient(SocketIoServer server) throws Exception {
    Sizes sizes = Sizes.SMOKE;
    List<Scenario> scenarios = Scenario.all(sizes, Runtime.version().feature());

    List<E2eMain.Result> results = E2eMain.run(scenarios, CLIENTS, new Scenario.Env(server.url(), server.pid(), sizes));

    assertThat(results).hasSameSizeAs(scenarios);
    for (E2eMain.Result result : results) {
      String scenario = result.scenario().label;
      assertThat(result.notes().values()).as(scenario).noneMatch(note -> note.startsWith("failed"));
      List<Kind> clients = CLIENTS.stream().filter(result.scenario()::runsOn).collect(Collectors.toList());
      assertThat(result.rounds().keySet()).as(scenario).containsExactlyInAnyOrderElementsOf(clients);
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
    List<Kind> three = List.of(Kind.TETHER, Kind.FLOOR, Kind.PEER);
    assertThat(E2eMain.order(three, 0)).containsExactly(Kind.TETHER, Kind.FLOOR, Kind.PEER);
    assertThat(E2eMain.order(three, 1)).containsExactly(Kind.FLOOR, Kind.PEER, Kind.TETHER);
    assertThat(E2eMain.order(three, 2)).containsExactly(Kind.PEER, Kind.TETHER, Kind.FLOOR);
  }

  @Test
  void theJavaScriptClientSkipsOnlyTheManyClientsScenario() {
    List<Scenario> scenarios = Scenario.all(Sizes.SMOKE, 17);

    assertThat(scenarios).filteredOn(s -> !s.runsOn(Kind.JS)).extracting(s -> s.id).containsExactly("many");
    assertThat(scenarios).extracting(s -> s.id).contains("burst", "slow-listener");
  }

  @Test
  void aClientWhoseSocketsDoNotShareAThreadShowsNoDelayInTheSlowListenerRow(SocketIoServer server) throws Exception {
    // The row's point: it must tell a client that delays socket B (a shared callback thread) from one
    // that does not. The floor reads each WebSocket on its own thread: B is not delayed.
    Sizes sizes = Sizes.SMOKE;
    Scenario.Env env = new Scenario.Env(server.url(), server.pid(), sizes);
    try (Client floor = Kind.FLOOR.create()) {
      double[] values = new SlowListener(sizes.slowMillis()).measure(floor, env).values();
      assertThat(values[1]).as("floor: socket B's slowest ack, ms").isLessThan(sizes.slowMillis() / 2.0);
    }
  }

  @Test
  void medianIgnoresFailedRounds() {
    assertThat(E2eMain.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(E2eMain.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(E2eMain.median(List.of(Double.NaN, 5.0))).isEqualTo(5.0);
    assertThat(E2eMain.median(List.of(Double.NaN))).isNaN();
  }
}
