package dev.tether.internal.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallbackPoolTest {
  private final FakeTaskScheduler clock = new FakeTaskScheduler();
  private final CountDownLatch release = new CountDownLatch(1);
  private CallbackPool pool;

  @AfterEach void stop() {
    release.countDown();
    if (pool != null) pool.shutdown();
  }

  private Runnable blocker(CountDownLatch started) {
    return () -> {
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  private void check() {
    clock.advanceBy(CallbackPool.STALL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Test void aStalledPoolGrowsSoWaitingWorkRuns() throws Exception {
    pool = new CallbackPool("test-callback", 1, 4, clock);
    CountDownLatch blocked = new CountDownLatch(1);
    pool.execute(blocker(blocked));
    assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
    CountDownLatch ran = new CountDownLatch(1);
    pool.execute(ran::countDown);

    check(); // first look: something waits; remember how much had finished
    assertThat(ran.getCount()).as("no growth before a stall is seen").isEqualTo(1);
    assertThat(pool.threadCount()).isEqualTo(1);
    check(); // nothing finished since: the only thread is stuck

    assertThat(ran.await(5, TimeUnit.SECONDS)).as("the waiting task ran beside the stuck one").isTrue();
    assertThat(pool.threadCount()).isEqualTo(2);
  }

  @Test void aPoolThatKeepsFinishingWorkDoesNotGrow() throws Exception {
    pool = new CallbackPool("test-callback", 1, 4, clock);
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    pool.execute(() -> {
      firstStarted.countDown();
      await().until(() -> proceed.getCount() == 0);
    });
    assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
    CountDownLatch second = new CountDownLatch(1);
    pool.execute(second::countDown);
    CountDownLatch third = new CountDownLatch(1);
    pool.execute(third::countDown);
    check(); // work waits behind the first task

    proceed.countDown(); // the first task finishes (progress), the second runs
    assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(third.await(5, TimeUnit.SECONDS)).isTrue();
    check();
    check();
    assertThat(pool.threadCount()).isEqualTo(1);
  }

  @Test void growthStopsAtTheMaximum() throws Exception {
    pool = new CallbackPool("test-callback", 1, 2, clock);
    CountDownLatch blocked = new CountDownLatch(2);
    pool.execute(blocker(blocked));
    pool.execute(blocker(blocked));
    CountDownLatch third = new CountDownLatch(1);
    pool.execute(third::countDown);
    check();
    check();
    assertThat(blocked.await(5, TimeUnit.SECONDS)).as("grown to two threads").isTrue();
    check();
    check();
    assertThat(pool.threadCount()).isEqualTo(2);
    assertThat(third.getCount()).as("waits: both threads are stuck and the pool is at its maximum").isEqualTo(1);

    release.countDown();
    assertThat(third.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test void theWatchdogStopsWhenNothingWaits() throws Exception {
    pool = new CallbackPool("test-callback", 2, 4, clock);
    CountDownLatch ran = new CountDownLatch(1);
    pool.execute(ran::countDown);
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    check();
    await().atMost(Duration.ofSeconds(5)).until(() -> clock.pendingTasks() == 0);
  }
}
