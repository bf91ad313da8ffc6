package dev.tether.internal.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final FakeTaskScheduler scheduler = new FakeTaskScheduler();

  @AfterEach void shutdown() {
    pool.shutdownNow();
  }

  @Test void runsTasksOneAtATimeInSubmissionOrderOnASharedPool() throws Exception {
    SerialExecutor loop = new SerialExecutor(pool, scheduler, "test");
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    int count = 10_000;
    for (int i = 0; i < count; i++) {
      int n = i;
      loop.execute(() -> {
        maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
        seen.add(n);
        concurrent.decrementAndGet();
        if (n == count - 1) done.countDown();
      });
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(maxConcurrent.get()).isEqualTo(1);
    for (int i = 0; i < count; i++) assertThat(seen.get(i)).isEqualTo(i);
  }

  @Test void aThrowingTaskDoesNotStopTheLoop() throws Exception {
    SerialExecutor loop = new SerialExecutor(pool, scheduler, "test");
    CountDownLatch after = new CountDownLatch(1);
    loop.execute(() -> {
      throw new IllegalStateException("boom (expected by the test)");
    });
    loop.execute(after::countDown);
    assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test void knowsWhetherTheCallerIsOnTheLoop() throws Exception {
    SerialExecutor loop = new SerialExecutor(pool, scheduler, "test");
    assertThat(loop.inLoop()).isFalse();
    assertThatThrownBy(loop::checkInLoop).isInstanceOf(IllegalStateException.class);
    CountDownLatch checked = new CountDownLatch(1);
    loop.execute(() -> {
      loop.checkInLoop();
      if (loop.inLoop()) checked.countDown();
    });
    assertThat(checked.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test void scheduledTasksRunOnTheLoopWhenTheirTimeComes() {
    SerialExecutor loop = new SerialExecutor(Runnable::run, scheduler, "test");
    List<String> ran = new ArrayList<>();
    loop.schedule(() -> ran.add("late" + loop.inLoop()), 200, TimeUnit.MILLISECONDS);
    loop.schedule(() -> ran.add("early" + loop.inLoop()), 100, TimeUnit.MILLISECONDS);
    scheduler.advanceBy(99, TimeUnit.MILLISECONDS);
    assertThat(ran).isEmpty();
    scheduler.advanceBy(1, TimeUnit.MILLISECONDS);
    assertThat(ran).containsExactly("earlytrue");
    scheduler.advanceBy(100, TimeUnit.MILLISECONDS);
    assertThat(ran).containsExactly("earlytrue", "latetrue");
  }

  @Test void cancellingFromTheLoopWinsEvenWhenTheTimerAlreadyFired() {
    List<Runnable> parked = new ArrayList<>();
    SerialExecutor loop = new SerialExecutor(parked::add, scheduler, "test"); // drains only when told
    List<String> ran = new ArrayList<>();
    Cancellable timer = loop.schedule(() -> ran.add("timer"), 10, TimeUnit.MILLISECONDS);
    scheduler.advanceBy(10, TimeUnit.MILLISECONDS); // fired: the task now waits in the loop's queue
    assertThat(parked).hasSize(1);
    timer.cancel();
    parked.remove(0).run();
    assertThat(ran).isEmpty();
  }

  @Test void aShutDownPoolDropsTasksInsteadOfThrowingAtTheCaller() {
    ExecutorService dead = Executors.newSingleThreadExecutor();
    dead.shutdown();
    SerialExecutor loop = new SerialExecutor(dead, scheduler, "test");
    loop.execute(() -> { });
    loop.execute(() -> { });
  }
}
