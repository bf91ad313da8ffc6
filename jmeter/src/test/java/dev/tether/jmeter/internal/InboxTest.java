package dev.tether.jmeter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InboxTest {
  private final ExecutorService taker = Executors.newSingleThreadExecutor();

  @AfterEach void stop() {
    taker.shutdownNow();
  }

  private static ReceivedEvent event(String name, int value) {
    JsonArray arguments = new JsonArray();
    arguments.add(value);
    return new ReceivedEvent(name, arguments, System.currentTimeMillis());
  }

  @Test void eventsThatCameFirstAreTakenInOrderAndOthersStay() throws Exception {
    Inbox inbox = new Inbox(10);
    inbox.add(event("a", 1));
    inbox.add(event("b", 2));
    inbox.add(event("a", 3));

    Inbox.Taken taken = inbox.take(e -> e.name.equals("a"), 2, 0, TimeUnit.MILLISECONDS);

    assertThat(taken.events).extracting(e -> e.arguments.get(0).getAsInt()).containsExactly(1, 3);
    assertThat(taken.timedOut).isFalse();
    assertThat(inbox.size()).isEqualTo(1);
    assertThat(inbox.take(e -> true, 1, 0, TimeUnit.MILLISECONDS).events.get(0).name).isEqualTo("b");
  }

  @Test void aTakeWaitsForEventsStillToCome() throws Exception {
    Inbox inbox = new Inbox(10);
    CountDownLatch waiting = new CountDownLatch(1);
    Future<Inbox.Taken> taken = taker.submit(() -> {
      waiting.countDown();
      return inbox.take(e -> e.name.equals("a"), 2, 30, TimeUnit.SECONDS);
    });
    waiting.await();
    inbox.add(event("a", 1));
    inbox.add(event("b", 2));
    inbox.add(event("a", 3));

    assertThat(taken.get(10, TimeUnit.SECONDS).events).hasSize(2);
  }

  @Test void aTakeWithTooFewEventsTimesOutWithWhatCame() throws Exception {
    Inbox inbox = new Inbox(10);
    inbox.add(event("a", 1));

    Inbox.Taken taken = inbox.take(e -> true, 3, 20, TimeUnit.MILLISECONDS);

    assertThat(taken.timedOut).isTrue();
    assertThat(taken.events).hasSize(1);
  }

  @Test void anEndedInboxReturnsAtOnceButStillGivesWhatItHolds() throws Exception {
    Inbox inbox = new Inbox(10);
    CountDownLatch waiting = new CountDownLatch(1);
    Future<Inbox.Taken> taken = taker.submit(() -> {
      waiting.countDown();
      return inbox.take(e -> true, 2, 1, TimeUnit.HOURS);
    });
    waiting.await();
    inbox.add(event("a", 1));
    inbox.end("disconnected (transport close)");

    Inbox.Taken result = taken.get(10, TimeUnit.SECONDS);
    assertThat(result.endedBecause).isEqualTo("disconnected (transport close)");
    assertThat(result.events).hasSize(1);

    inbox.reopen();
    assertThat(inbox.take(e -> true, 1, 10, TimeUnit.MILLISECONDS).timedOut).as("waits again").isTrue();
  }

  @Test void aFullInboxDropsTheOldestAndTheNextTakeSaysHowMany() throws Exception {
    Inbox inbox = new Inbox(3);
    for (int i = 1; i <= 5; i++) inbox.add(event("a", i));

    Inbox.Taken taken = inbox.take(e -> true, 3, 0, TimeUnit.MILLISECONDS);

    assertThat(taken.events).extracting(e -> e.arguments.get(0).getAsInt()).containsExactly(3, 4, 5);
    assertThat(taken.dropped).isEqualTo(2);
    assertThat(inbox.take(e -> true, 1, 0, TimeUnit.MILLISECONDS).dropped).as("reported once").isZero();
  }

  @Test void anInterruptedTakeStops() throws Exception {
    Inbox inbox = new Inbox(3);
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> inbox.take(e -> true, 1, 1, TimeUnit.HOURS)).isInstanceOf(InterruptedException.class);
  }

  @Test void settingsAreChecked() {
    assertThatThrownBy(() -> new Inbox(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Inbox(1).take(e -> true, 0, 0, TimeUnit.MILLISECONDS))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
