package dev.tether.internal.util;

import java.util.concurrent.TimeUnit;

/** Argument rules shared by the public options and the internal ones, so each is written once. */
public final class Checks {
  private Checks() {
  }

  /**
   * {@code value} in milliseconds, at least 1.
   *
   * @throws IllegalArgumentException naming {@code name} for a value that is not positive or rounds to 0 ms
   */
  public static long positiveMillis(String name, long value, TimeUnit unit) {
    if (unit == null) throw new NullPointerException("unit == null");
    long millis = unit.toMillis(value);
    if (value <= 0 || millis <= 0) throw new IllegalArgumentException(name + " must be at least 1 ms: " + value + " " + unit);
    return millis;
  }

  /**
   * An endpoint path in its canonical form: starting with {@code /}, ending with {@code /} (added).
   *
   * @throws IllegalArgumentException if it does not start with {@code /}
   */
  public static String endpointPath(String path) {
    if (path == null) throw new NullPointerException("path == null");
    if (!path.startsWith("/")) throw new IllegalArgumentException("path must start with '/': " + path);
    return path.endsWith("/") ? path : path + "/";
  }
}
