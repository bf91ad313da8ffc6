package dev.tether.internal.loop;

/** A handle to something that can be stopped, such as a scheduled task. Idempotent. */
@FunctionalInterface
public interface Cancellable {
  Cancellable NONE = () -> { };

  void cancel();
}
