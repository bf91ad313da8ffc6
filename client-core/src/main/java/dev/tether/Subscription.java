package dev.tether;

import java.io.Closeable;

/**
 * A registered listener. {@link #close()} removes it: no call starts after {@code close()} returns
 * (a call already running on the callback thread finishes). Idempotent. Thread-safe.
 */
public interface Subscription extends Closeable {
  @Override void close();
}
