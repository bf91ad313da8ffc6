package dev.tether.bench.e2e;

import java.util.List;

/**
 * How much each scenario does per run: the full benchmark, a quick sanity run, or the CI smoke test.
 *
 * @param bursts events the server pushes in one run of the burst row
 * @param slowMillis how long the slow listener of the slow-listener row sleeps
 * @param holdMillis how long the many-clients scenario keeps its connections open and idle before
 *     counting threads again: longer than the 60 s idle pool threads live (OkHttp's TaskRunner and
 *     dispatcher); 0 skips the hold
 * @param settleMillis the pause after closing a client, so that its goodbyes and thread shutdown are
 *     not billed to the next one
 */
record Sizes(int connects, int echoes, int echoWindow, int acks, int polls, int pollWindow, int binaries,
    int binarySize, int binaryWindow, int bursts, long slowMillis, List<Integer> levels, int manyWarmup,
    int rounds, int warmups, long holdMillis, long settleMillis) {

  static final int BINARY_SIZE = 256 * 1024;

  /**
   * The full run, within about 45 minutes on 2 cores with the JavaScript client and the rows of issue
   * 20: 300 connects (was 500) and 500 binary echoes (was 1,000; 125 MiB each way).
   */
  static final Sizes FULL = new Sizes(300, 100_000, 64, 10_000, 20_000, 64, 500, BINARY_SIZE, 4,
      200_000, 3_000, List.of(1_000, 5_000, 10_000), 500, 5, 2, 65_000, 1_000);

  static final Sizes QUICK = new Sizes(50, 5_000, 64, 500, 1_000, 64, 40, BINARY_SIZE, 4,
      20_000, 3_000, List.of(100, 500), 50, 1, 1, 0, 1_000);

  /** Tiny counts: proves every scenario works for every client (the smoke test). */
  static final Sizes SMOKE = new Sizes(3, 40, 8, 20, 40, 8, 3, 64 * 1024, 2,
      200, 300, List.of(5, 10), 0, 1, 0, 0, 100);

  Sizes withRounds(int newRounds, int newWarmups) {
    return new Sizes(connects, echoes, echoWindow, acks, polls, pollWindow, binaries, binarySize, binaryWindow,
        bursts, slowMillis, levels, manyWarmup, newRounds, newWarmups, holdMillis, settleMillis);
  }

  Sizes withHold(long newHoldMillis) {
    return new Sizes(connects, echoes, echoWindow, acks, polls, pollWindow, binaries, binarySize, binaryWindow,
        bursts, slowMillis, levels, manyWarmup, rounds, warmups, newHoldMillis, settleMillis);
  }

  Sizes withLevels(List<Integer> newLevels) {
    return new Sizes(connects, echoes, echoWindow, acks, polls, pollWindow, binaries, binarySize, binaryWindow,
        bursts, slowMillis, newLevels, manyWarmup, rounds, warmups, holdMillis, settleMillis);
  }

  /** Events in flight in the WebSocket echo row (run.sh --pinned: 1,000). */
  Sizes withEchoWindow(int newEchoWindow) {
    return new Sizes(connects, echoes, newEchoWindow, acks, polls, pollWindow, binaries, binarySize, binaryWindow,
        bursts, slowMillis, levels, manyWarmup, rounds, warmups, holdMillis, settleMillis);
  }
}
