package dev.tether.android.rx;

import static org.assertj.core.api.Assertions.assertThat;

import android.os.Looper;
import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.schedulers.Schedulers;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.shadow.api.Shadow;
import org.robolectric.shadows.ShadowPausedLooper;

/** {@link LooperSchedulers#mainThread()} on Robolectric's paused main looper (API 34). */
@RunWith(RobolectricTestRunner.class)
public class LooperSchedulersTest {
  private final Scheduler main = LooperSchedulers.mainThread();
  private final ShadowPausedLooper looper = Shadow.extract(Looper.getMainLooper());

  private static boolean onMainThread() {
    return Looper.myLooper() == Looper.getMainLooper();
  }

  @Test public void observeOnDeliversOnTheMainThreadInOrder() {
    List<Object> received = new CopyOnWriteArrayList<>();
    List<String> offMain = new CopyOnWriteArrayList<>();
    Observable.range(0, 100)
        .subscribeOn(Schedulers.io()) // produced on another thread
        .observeOn(main)
        .subscribe(i -> {
          if (!onMainThread()) offMain.add(Thread.currentThread().getName());
          received.add(i);
        }, error -> received.add(error), () -> received.add("done"));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (received.size() < 101 && System.nanoTime() < deadline) {
      looper.poll(50); // wakes up as soon as the io thread posts
      looper.idle();
    }

    assertThat(received).hasSize(101).startsWith(0, 1, 2).endsWith(99, "done");
    for (int i = 0; i < 100; i++) assertThat(received.get(i)).isEqualTo(i);
    assertThat(offMain).isEmpty();
  }

  @Test public void aDelayedTaskRunsWhenItsTimeHasComeAndNotBefore() {
    List<String> ran = new CopyOnWriteArrayList<>();
    main.scheduleDirect(() -> ran.add("later"), 500, TimeUnit.MILLISECONDS);
    main.scheduleDirect(() -> ran.add("now"));
    assertThat(ran).as("always posted, never run in the caller").isEmpty();

    looper.idle();
    assertThat(ran).containsExactly("now");
    looper.idleFor(499, TimeUnit.MILLISECONDS);
    assertThat(ran).containsExactly("now");
    looper.idleFor(1, TimeUnit.MILLISECONDS);
    assertThat(ran).containsExactly("now", "later");
  }

  @Test public void disposingATaskTakesItOffTheQueue() {
    List<String> ran = new CopyOnWriteArrayList<>();
    Disposable direct = main.scheduleDirect(() -> ran.add("direct"), 10, TimeUnit.MILLISECONDS);
    Scheduler.Worker worker = main.createWorker();
    Disposable one = worker.schedule(() -> ran.add("one"));
    worker.schedule(() -> ran.add("two"));

    direct.dispose();
    one.dispose();
    looper.idleFor(1, TimeUnit.SECONDS);

    assertThat(ran).containsExactly("two");
    assertThat(direct.isDisposed()).isTrue();
  }

  @Test public void disposingAWorkerRemovesAllItsTasksAndRefusesNewOnes() {
    List<String> ran = new CopyOnWriteArrayList<>();
    Scheduler.Worker worker = main.createWorker();
    Scheduler.Worker other = main.createWorker();
    worker.schedule(() -> ran.add("a"));
    worker.schedule(() -> ran.add("b"), 100, TimeUnit.MILLISECONDS);
    other.schedule(() -> ran.add("other"));

    worker.dispose();
    Disposable late = worker.schedule(() -> ran.add("late"));
    looper.idleFor(1, TimeUnit.SECONDS);

    assertThat(ran).containsExactly("other");
    assertThat(worker.isDisposed()).isTrue();
    assertThat(late.isDisposed()).isTrue();
  }
}
