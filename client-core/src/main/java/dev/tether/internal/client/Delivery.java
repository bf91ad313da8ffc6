package dev.tether.internal.client;

import dev.tether.Listener;
import dev.tether.Manager;
import dev.tether.Socket;
import dev.tether.internal.loop.SerialExecutor;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Runs the listeners of one socket (or of one Manager) on the callback executor, one at a time, in
 * the order they were handed over; what a listener throws goes to the {@code ListenerErrorHandler}.
 * Counts the events handed over and not yet delivered (its backlog), so the socket can bound it.
 * Thread-safe.
 */
final class Delivery implements ListenerRegistry.Invoker {
  private static final Logger logger = Logger.getLogger(Delivery.class.getName());

  private final ClientContext context;
  private final SerialExecutor executor;
  private final Manager manager;
  private final @Nullable Socket socket;
  /** Events handed to {@link #executeEvent} whose delivery has not finished yet, and their bytes. */
  private final AtomicInteger backlogEvents = new AtomicInteger();
  private final AtomicLong backlogBytes = new AtomicLong();

  /** @param socket the socket whose listeners run here, or null for the Manager's own */
  Delivery(ClientContext context, Manager manager, @Nullable Socket socket, String name) {
    this.context = context;
    this.manager = manager;
    this.socket = socket;
    this.executor = new SerialExecutor(context.callbackExecutor, context.runtime.scheduler(), name);
  }

  /** Runs {@code task} in turn with the listeners. */
  void execute(Runnable task) {
    executor.execute(task);
  }

  /**
   * Runs the delivery of one event ({@code task}) in turn with the listeners; the event counts in the
   * backlog, with {@code bytes}, until the task has run.
   */
  void executeEvent(final long bytes, final Runnable task) {
    backlogEvents.incrementAndGet();
    backlogBytes.addAndGet(bytes);
    executor.execute(() -> {
      try {
        task.run();
      } finally {
        backlogBytes.addAndGet(-bytes);
        backlogEvents.decrementAndGet();
      }
    });
  }

  /** Events handed over and not yet delivered (waiting, or with a listener still running). */
  int backlogEvents() {
    return backlogEvents.get();
  }

  /** The bytes (as received) of {@link #backlogEvents()}. */
  long backlogBytes() {
    return backlogBytes.get();
  }

  /** Calls every listener of {@code list} with {@code value}, looked up when their turn comes. */
  <T> void deliverAll(final List<ListenerRegistry.Entry<T>> list, final T value, final String what) {
    if (list.isEmpty()) return;
    executor.execute(() -> ListenerRegistry.dispatch(list, value, what, this));
  }

  /** Calls one listener. */
  <T> void deliver(final Listener<T> listener, final T value, final String what) {
    executor.execute(() -> invoke(listener, value, what));
  }

  /** On the callback executor: runs one listener, marked as a Tether callback for the blocking helpers. */
  @Override public <T> void invoke(Listener<T> listener, T value, String what) {
    context.enterDelivery();
    try {
      listener.on(value);
    } catch (Throwable t) {
      try {
        context.errorHandler.onListenerError(manager, socket, what, t);
      } catch (Throwable handlerFailure) {
        logger.log(Level.SEVERE, "listener error handler failed", handlerFailure);
      }
    } finally {
      context.exitDelivery();
    }
  }
}
