package dev.tether.internal.client;

import java.util.Random;

/**
 * Exponential backoff with jitter for reconnection: the n-th delay is {@code base * 2^(n-1)}, moved
 * by up to {@code factor} of itself in a random direction, capped at {@code max}. The exponent is
 * capped, so a long outage never overflows into tiny or negative delays.
 *
 * <p>Not thread-safe: used on one event loop.
 */
final class Backoff {
  /** 2^30 ms already exceeds any sensible max; beyond it the doubling only overflows. */
  private static final int MAX_EXPONENT = 30;

  private final long baseMillis;
  private final long maxMillis;
  private final double factor;
  private final Random random;
  private int attempts;

  Backoff(long baseMillis, long maxMillis, double factor, Random random) {
    if (baseMillis <= 0) throw new IllegalArgumentException("base delay must be positive");
    if (maxMillis < baseMillis) throw new IllegalArgumentException("max delay below base delay");
    if (!(factor >= 0 && factor <= 1)) throw new IllegalArgumentException("randomization factor outside [0, 1]");
    this.baseMillis = baseMillis;
    this.maxMillis = maxMillis;
    this.factor = factor;
    this.random = random;
  }

  /** The delay before the next attempt; counts the attempt. */
  long nextDelayMillis() {
    int exponent = Math.min(attempts, MAX_EXPONENT);
    attempts++;
    double delay = baseMillis * Math.pow(2, exponent);
    if (factor > 0) {
      double r = random.nextDouble();
      double deviation = Math.floor(r * factor * delay);
      delay = ((int) Math.floor(r * 10) & 1) == 0 ? delay - deviation : delay + deviation;
    }
    return (long) Math.max(1, Math.min(delay, maxMillis));
  }

  int attempts() {
    return attempts;
  }

  void reset() {
    attempts = 0;
  }
}
