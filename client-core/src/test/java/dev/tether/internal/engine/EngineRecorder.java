package dev.tether.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tether.DisconnectReason;
import dev.tether.TransportException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Records what an {@link EngineSocket} reports, in order, so tests can await each event with a
 * deadline instead of sleeping. Thread-safe.
 */
final class EngineRecorder implements EngineSocket.Listener {
  static final long TIMEOUT_SECONDS = 10;

  /** One recorded callback. */
  static final class Event {
    final String kind;
    final @Nullable Object value;
    final @Nullable TransportException error;

    Event(String kind, @Nullable Object value, @Nullable TransportException error) {
      this.kind = kind;
      this.value = value;
      this.error = error;
    }

    @Override public String toString() {
      return kind + (value != null ? " " + value : "") + (error != null ? " " + error : "");
    }
  }

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  /** Pings come every pingInterval; counted apart so they never interleave with awaited events. */
  private final Semaphore pings = new Semaphore(0);

  /** Upgrade outcomes, kept apart from the ordered events: "websocket" or the failure. */
  private final BlockingQueue<Object> upgrades = new LinkedBlockingQueue<>();

  @Override public void onPing() {
    pings.release();
  }

  @Override public void onUpgrade(String transport) {
    upgrades.add(transport);
  }

  @Override public void onUpgradeFailed(TransportException error) {
    upgrades.add(error);
  }

  /** The next upgrade outcome: the transport name, or the {@link TransportException}. */
  Object awaitUpgradeOutcome() throws InterruptedException {
    Object outcome = upgrades.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (outcome == null) fail("no upgrade outcome within " + TIMEOUT_SECONDS + " s");
    return outcome;
  }

  boolean hasUpgradeOutcome() {
    return !upgrades.isEmpty();
  }

  /** Waits until {@code count} more heartbeats were received and answered. */
  void awaitPings(int count) throws InterruptedException {
    assertThat(pings.tryAcquire(count, TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .as("%s heartbeats within %s s", count, TIMEOUT_SECONDS).isTrue();
  }

  @Override public void onOpen(Handshake handshake) {
    events.add(new Event("open", handshake, null));
  }

  @Override public void onMessage(EnginePacket message) {
    events.add(new Event("message", message, null));
  }

  @Override public void onOpenFailed(TransportException error) {
    events.add(new Event("openFailed", null, error));
  }

  @Override public void onClose(DisconnectReason reason, @Nullable TransportException cause) {
    events.add(new Event("close", reason, cause));
  }

  @Override public void onWritten(java.util.List<Object> tags) {
    events.add(new Event("written", new java.util.ArrayList<>(tags), null));
  }

  @Override public void onWritable() {
    events.add(new Event("writable", null, null));
  }

  @Override public void onUnsent(java.util.List<Object> tags) {
    events.add(new Event("unsent", new java.util.ArrayList<>(tags), null));
  }

  Event next() {
    try {
      Event event = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (event == null) fail("no engine event within " + TIMEOUT_SECONDS + " s");
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Handshake awaitOpen() {
    Event event = next();
    assertThat(event.kind).as("event %s", event).isEqualTo("open");
    return (Handshake) event.value;
  }

  /** The text of the next message, which must be a text message. */
  String awaitText() {
    EnginePacket packet = awaitMessage();
    assertThat(packet.isBinary()).as("binary %s", packet).isFalse();
    return packet.text();
  }

  EnginePacket awaitMessage() {
    Event event = next();
    assertThat(event.kind).as("event %s", event).isEqualTo("message");
    return (EnginePacket) event.value;
  }

  TransportException awaitOpenFailed() {
    Event event = next();
    assertThat(event.kind).as("event %s", event).isEqualTo("openFailed");
    return event.error;
  }

  Event awaitClose() {
    Event event = next();
    assertThat(event.kind).as("event %s", event).isEqualTo("close");
    return event;
  }

  /** Skips messages until the close event. */
  Event awaitCloseSkippingMessages() {
    while (true) {
      Event event = next();
      if (!event.kind.equals("message")) {
        assertThat(event.kind).as("event %s", event).isEqualTo("close");
        return event;
      }
    }
  }

  void assertNoMoreEvents() {
    assertThat(events).isEmpty();
  }
}
