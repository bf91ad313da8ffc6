package dev.tether.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.ConnectionOptions;
import dev.tether.SocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reconnection backoff of docs/protocol.md §18: {@code base * 2^attempts}, moved by
 * {@code floor(r * factor * ms)} down when {@code floor(r * 10)} is even and up when it is odd, capped at
 * the maximum, with the exponent capped so a long outage never overflows.
 */
class BackoffTest {
  /** A "random" source that always draws the same value. */
  private static final class FixedRandom extends Random {
    private static final long serialVersionUID = 1L;
    private final double value;
    int draws;

    FixedRandom(double value) {
      this.value = value;
    }

    @Override public double nextDouble() {
      draws++;
      return value;
    }
  }

  private static List<Long> delays(Backoff backoff, int count) {
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < count; i++) delays.add(backoff.nextDelayMillis());
    return delays;
  }

  // ---- the exact examples of the reference ---------------------------------------------------------

  @Test void aDrawOfZeroDoublesExactlyUpToTheMaximum() {
    Backoff backoff = new Backoff(1000, 5000, 0.5, new FixedRandom(0));
    assertThat(delays(backoff, 6)).containsExactly(1000L, 2000L, 4000L, 5000L, 5000L, 5000L);
  }

  @Test void aDrawOfOneHalfMovesEachDelayUpByAQuarter() {
    // floor(0.5 * 10) = 5 is odd: up by floor(0.5 * 0.5 * ms).
    Backoff backoff = new Backoff(1000, 5000, 0.5, new FixedRandom(0.5));
    assertThat(delays(backoff, 4)).containsExactly(1250L, 2500L, 5000L, 5000L);
  }

  @Test void aDrawWithAnEvenFirstDecimalMovesTheDelayDown() {
    // floor(0.25 * 10) = 2 is even: down by floor(0.25 * 0.5 * ms).
    Backoff backoff = new Backoff(1000, 5000, 0.5, new FixedRandom(0.25));
    assertThat(delays(backoff, 4)).containsExactly(875L, 1750L, 3500L, 5000L);
  }

  @Test void factorZeroIsExactDoublingAndDrawsNoRandomNumber() {
    FixedRandom random = new FixedRandom(0.75);
    Backoff backoff = new Backoff(100, 10_000, 0, random);
    assertThat(delays(backoff, 9)).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 10_000L, 10_000L);
    assertThat(random.draws).isZero();
  }

  @Test void eachAttemptDrawsExactlyOneRandomNumber() {
    FixedRandom random = new FixedRandom(0.5);
    Backoff backoff = new Backoff(1000, 5000, 0.5, random);
    delays(backoff, 7);
    assertThat(random.draws).isEqualTo(7);
  }

  // ---- ranges over many draws with the default factor ----------------------------------------------

  @Test void theDefaultJitterKeepsEveryAttemptWithinItsRange() {
    Random random = new Random(42);
    long[] min = new long[6];
    long[] max = new long[6];
    java.util.Arrays.fill(min, Long.MAX_VALUE);
    for (int run = 0; run < 20_000; run++) {
      Backoff backoff = new Backoff(1000, 5000, 0.5, random);
      for (int attempt = 1; attempt <= 5; attempt++) {
        long delay = backoff.nextDelayMillis();
        min[attempt] = Math.min(min[attempt], delay);
        max[attempt] = Math.max(max[attempt], delay);
      }
    }
    assertThat(min[1]).as("attempt 1 min").isGreaterThanOrEqualTo(500);
    assertThat(max[1]).as("attempt 1 max").isLessThanOrEqualTo(1500);
    assertThat(min[2]).as("attempt 2 min").isGreaterThanOrEqualTo(1000);
    assertThat(max[2]).as("attempt 2 max").isLessThanOrEqualTo(3000);
    assertThat(min[3]).as("attempt 3 min").isGreaterThanOrEqualTo(2000);
    assertThat(max[3]).as("attempt 3 max").isLessThanOrEqualTo(5000);
    for (int attempt = 4; attempt <= 5; attempt++) {
      assertThat(max[attempt]).as("attempt " + attempt + " max").isLessThanOrEqualTo(5000);
      assertThat(min[attempt]).as("attempt " + attempt + " min").isGreaterThanOrEqualTo(4000);
    }
    // The jitter really spreads the delays: the measured ranges of the reference (551-1499, 1101-2999).
    assertThat(min[1]).isLessThan(600);
    assertThat(max[1]).isGreaterThan(1450);
    assertThat(min[2]).isLessThan(1200);
    assertThat(max[2]).isGreaterThan(2900);
    assertThat(max[3]).isEqualTo(5000); // capped
  }

  // ---- long outages --------------------------------------------------------------------------------

  @ParameterizedTest(name = "factor {0}") @ValueSource(doubles = {0, 0.5, 1})
  void afterTenThousandAttemptsTheDelayIsStillTheMaximumNeverZeroOrNegative(double factor) {
    Random random = new Random(7);
    Backoff backoff = new Backoff(1000, 5000, factor, random);
    for (int attempt = 1; attempt <= 10_000; attempt++) {
      long delay = backoff.nextDelayMillis();
      assertThat(delay).as("attempt %d", attempt).isPositive().isLessThanOrEqualTo(5000);
      if (attempt >= 10) assertThat(delay).as("attempt %d", attempt).isEqualTo(5000);
    }
    assertThat(backoff.attempts()).isEqualTo(10_000);
  }

  @Test void theWorstDrawsOfTheFullFactorStillGiveTheMaximumAfterALongOutage() {
    // Just below 0.9: the largest downward move (floor(8.99) = 8 is even).
    Backoff backoff = new Backoff(1000, 5000, 1, new FixedRandom(0.8999999));
    for (int attempt = 0; attempt < 2000; attempt++) backoff.nextDelayMillis();
    assertThat(backoff.nextDelayMillis()).isEqualTo(5000);
  }

  @Test void aHugeMaximumIsReachedWithoutOverflow() {
    Backoff backoff = new Backoff(1000, Long.MAX_VALUE, 0, new FixedRandom(0));
    long previous = 0;
    for (int attempt = 0; attempt < 100; attempt++) {
      long delay = backoff.nextDelayMillis();
      assertThat(delay).isPositive().isGreaterThanOrEqualTo(previous);
      previous = delay;
    }
  }

  // ---- reset ---------------------------------------------------------------------------------------

  @Test void resetStartsOverFromTheFirstDelay() {
    Backoff backoff = new Backoff(1000, 5000, 0.5, new FixedRandom(0));
    assertThat(delays(backoff, 3)).containsExactly(1000L, 2000L, 4000L);
    assertThat(backoff.attempts()).isEqualTo(3);

    backoff.reset();

    assertThat(backoff.attempts()).isZero();
    assertThat(delays(backoff, 4)).containsExactly(1000L, 2000L, 4000L, 5000L);
    assertThat(backoff.attempts()).isEqualTo(4);
  }

  // ---- invalid arguments ---------------------------------------------------------------------------

  @Test void invalidArgumentsAreRejected() {
    Random random = new Random();
    assertThatThrownBy(() -> new Backoff(0, 5000, 0.5, random)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(-1, 5000, 0.5, random)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(1000, 999, 0.5, random)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(1000, 5000, -0.01, random)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(1000, 5000, 1.01, random)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(1000, 5000, Double.NaN, random)).isInstanceOf(IllegalArgumentException.class);
    // The bounds themselves are fine.
    assertThat(new Backoff(1, 1, 0, random).nextDelayMillis()).isEqualTo(1);
    assertThat(new Backoff(1000, 1000, 1, random).nextDelayMillis()).isBetween(1L, 1000L);
  }

  // ---- SocketOptions validation ----------------------------------------------------------------------

  @Test void socketOptionsRejectInvalidReconnectionSettings() {
    SocketOptions.Builder builder = SocketOptions.builder();
    assertThatThrownBy(() -> builder.reconnectionAttempts(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.reconnectionAttempts(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.reconnectionDelay(-1, 5000, TimeUnit.MILLISECONDS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.reconnectionDelay(1000, -1, TimeUnit.MILLISECONDS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.reconnectionDelay(0, 5000, TimeUnit.MILLISECONDS))
        .as("0 is not silently replaced by the default, as in the JS client").isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.reconnectionDelay(2000, 1000, TimeUnit.MILLISECONDS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.reconnectionDelay(1, 999, TimeUnit.MICROSECONDS))
        .as("less than a millisecond").isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.randomizationFactor(-0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.randomizationFactor(1.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.randomizationFactor(Double.NaN)).isInstanceOf(IllegalArgumentException.class);

    // A rejected value leaves the builder unchanged.
    ConnectionOptions options = builder.build().connection();
    assertThat(options.reconnectionAttempts()).isEqualTo(Integer.MAX_VALUE);
    assertThat(options.reconnectionDelayMillis()).isEqualTo(1000);
    assertThat(options.reconnectionDelayMaxMillis()).isEqualTo(5000);
    assertThat(options.randomizationFactor()).isEqualTo(0.5);
  }

  @Test void socketOptionsAcceptTheBoundaryValues() {
    ConnectionOptions options = SocketOptions.builder()
        .reconnectionAttempts(1)
        .reconnectionDelay(1, 1, TimeUnit.MILLISECONDS)
        .randomizationFactor(0)
        .build()
        .connection();
    assertThat(options.reconnectionAttempts()).isEqualTo(1);
    assertThat(options.reconnectionDelayMillis()).isEqualTo(1);
    assertThat(options.reconnectionDelayMaxMillis()).isEqualTo(1);
    assertThat(options.randomizationFactor()).isZero();
    assertThat(SocketOptions.builder().randomizationFactor(1).reconnectionDelay(2, 3, TimeUnit.SECONDS).build().connection())
        .satisfies(o -> {
          assertThat(o.randomizationFactor()).isEqualTo(1);
          assertThat(o.reconnectionDelayMillis()).isEqualTo(2000);
          assertThat(o.reconnectionDelayMaxMillis()).isEqualTo(3000);
        });
  }
}
