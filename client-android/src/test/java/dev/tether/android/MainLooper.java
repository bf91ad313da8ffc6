package dev.tether.android;

import static org.junit.Assert.fail;

import android.os.Looper;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.robolectric.shadow.api.Shadow;
import org.robolectric.shadows.ShadowPausedLooper;

/**
 * The test thread is Robolectric's main thread and its looper is paused: tasks posted to it (by
 * Tether's threads, through the callback executor) run only when the test lets them. These helpers
 * run them, waiting for new ones without sleeping.
 */
final class MainLooper {
  static final long TIMEOUT_SECONDS = 10;

  private MainLooper() {
  }

  private static ShadowPausedLooper main() {
    // Shadow.extract, not Shadows.shadowOf: the tests compile against API 21, and shadowOf's
    // overloads name classes of later APIs. PAUSED is Robolectric's default looper mode.
    return Shadow.extract(Looper.getMainLooper());
  }

  /** Advances the main looper's clock by {@code millis}, running the tasks that come due. */
  static void advance(long millis) {
    main().idleFor(millis, TimeUnit.MILLISECONDS);
  }

  /** Runs the main looper's tasks until {@code condition} holds; fails after {@link #TIMEOUT_SECONDS}. */
  static void runUntil(String what, BooleanSupplier condition) {
    ShadowPausedLooper looper = main();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (true) {
      looper.idle();
      if (condition.getAsBoolean()) return;
      long left = deadline - System.nanoTime();
      if (left <= 0) fail("timed out waiting for " + what);
      // Blocks until something is posted to the main looper (or 50 ms pass, for conditions that
      // change on other threads without posting).
      looper.poll(Math.min(50, TimeUnit.NANOSECONDS.toMillis(left) + 1));
    }
  }

  /** Runs the main looper's tasks for {@code millis} of real time, checking that {@code condition} stays true. */
  static void runWhile(String what, long millis, BooleanSupplier condition) {
    ShadowPausedLooper looper = main();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (true) {
      looper.idle();
      if (!condition.getAsBoolean()) fail("no longer true: " + what);
      long left = deadline - System.nanoTime();
      if (left <= 0) return;
      looper.poll(Math.min(50, TimeUnit.NANOSECONDS.toMillis(left) + 1));
    }
  }
}
