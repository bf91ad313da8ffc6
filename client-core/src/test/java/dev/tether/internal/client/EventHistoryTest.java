package dev.tether.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import dev.tether.Event;
import dev.tether.TetherException;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventHistoryTest {
  private final PayloadCodec codec = new PayloadCodec(new Gson());

  private Event event(String name, int i) {
    JsonArray args = new JsonArray();
    args.add(i);
    return new RealEvent(name, args, Collections.<okio.ByteString>emptyList(), codec, null);
  }

  @Test void keepsTheNewestEventsWithinTheCount() throws Exception {
    EventHistory history = new EventHistory(3, 1_000);
    for (int i = 0; i < 5; i++) history.offer(event("e", i), 10);
    assertThat(history.size()).containsExactly(3, 30);
    assertThat(history.await("e", 0, TimeUnit.SECONDS).arg(0, Integer.class)).isEqualTo(2);
    assertThat(history.size()).containsExactly(2, 20);
  }

  @Test void keepsTheNewestEventsWithinTheBytesAndNeverOneLargerThanTheBound() {
    EventHistory history = new EventHistory(100, 100);
    history.offer(event("e", 0), 60);
    history.offer(event("e", 1), 60); // the first goes
    assertThat(history.size()).containsExactly(1, 60);
    history.offer(event("e", 2), 101); // never kept, and it does not push the others out
    assertThat(history.size()).containsExactly(1, 60);
  }

  @Test void anEventGoesToAWaiterAndIsNotKept() throws Exception {
    EventHistory history = new EventHistory(0, 0); // keeps nothing: only waiters see events
    history.offer(event("early", 0), 1);
    assertThatThrownBy(() -> history.await("early", 1, TimeUnit.MILLISECONDS)).isInstanceOf(TetherException.class);
    CompletableFuture<Event> awaited = CompletableFuture.supplyAsync(() -> {
      try {
        return history.await("late", 10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> history.waiters() == 1);
    history.offer(event("late", 7), 1);
    assertThat(awaited.join().arg(0, Integer.class)).isEqualTo(7);
  }

  @Test void clearReleasesEverything() {
    EventHistory history = new EventHistory(10, 1_000);
    history.offer(event("e", 0), 10);
    history.clear();
    assertThat(history.size()).containsExactly(0, 0);
  }
}
