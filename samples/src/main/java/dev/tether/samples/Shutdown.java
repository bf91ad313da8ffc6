package dev.tether.samples;

import dev.tether.Tether;
import java.util.concurrent.TimeUnit;

/** How a sample lets go of Tether before its program ends. */
public final class Shutdown {
  private Shutdown() {}

  /**
   * Closes {@code tether} and waits (at most 5 s) until it has said goodbye to every server: the
   * program exits right after, and Tether's daemon threads would not hold the JVM for the goodbye.
   */
  public static void close(Tether tether) {
    tether.close();
    try {
      tether.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
