package dev.tether.android.rx;

import android.os.Handler;
import android.os.Looper;
import android.os.Message;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.util.concurrent.TimeUnit;

/**
 * RxJava {@link Scheduler}s that run work on an Android {@link Looper}, so that Tether's Rx streams
 * can be observed on the main thread without depending on RxAndroid:
 *
 * <pre>{@code
 * RxSocket.from(socket).on("message", ChatMessage.class)
 *     .observeOn(LooperSchedulers.mainThread())
 *     .subscribe(message -> adapter.add(message));
 * }</pre>
 *
 * <p>Named for what it runs on rather than {@code AndroidSchedulers}, so that an app that also uses
 * RxAndroid (whose class has that name) imports both without a clash.
 *
 * <p>Work is always posted (also when scheduled from the main thread) and runs in the order it was
 * scheduled for the same time; disposing removes it from the looper's queue. Thread-safe.
 */
public final class LooperSchedulers {
  private LooperSchedulers() {
  }

  /** A scheduler on the main thread's looper. */
  public static Scheduler mainThread() {
    return from(Looper.getMainLooper());
  }

  /** A scheduler on {@code looper}, e.g. a {@code HandlerThread}'s. */
  public static Scheduler from(Looper looper) {
    if (looper == null) throw new NullPointerException("looper == null");
    return new LooperScheduler(new Handler(looper));
  }

  static final class LooperScheduler extends Scheduler {
    private final Handler handler;

    LooperScheduler(Handler handler) {
      this.handler = handler;
    }

    @Override public Disposable scheduleDirect(Runnable run, long delay, TimeUnit unit) {
      if (run == null) throw new NullPointerException("run == null");
      if (unit == null) throw new NullPointerException("unit == null");
      ScheduledTask task = new ScheduledTask(handler, RxJavaPlugins.onSchedule(run));
      handler.postDelayed(task, Math.max(0L, unit.toMillis(delay)));
      return task;
    }

    @Override public Worker createWorker() {
      return new LooperWorker(handler);
    }

    @Override public String toString() {
      return "LooperSchedulers{" + handler.getLooper() + "}";
    }
  }

  /** Its tasks are messages whose token ({@code obj}) is the worker, so disposing removes them all. */
  static final class LooperWorker extends Scheduler.Worker {
    private final Handler handler;
    private volatile boolean disposed;

    LooperWorker(Handler handler) {
      this.handler = handler;
    }

    @Override public Disposable schedule(Runnable run, long delay, TimeUnit unit) {
      if (run == null) throw new NullPointerException("run == null");
      if (unit == null) throw new NullPointerException("unit == null");
      if (disposed) return Disposable.disposed();
      ScheduledTask task = new ScheduledTask(handler, RxJavaPlugins.onSchedule(run));
      Message message = Message.obtain(handler, task);
      message.obj = this;
      handler.sendMessageDelayed(message, Math.max(0L, unit.toMillis(delay)));
      // dispose() may have run between the check above and the send: take the message back.
      if (disposed) {
        handler.removeCallbacks(task);
        return Disposable.disposed();
      }
      return task;
    }

    @Override public void dispose() {
      disposed = true;
      handler.removeCallbacksAndMessages(this);
    }

    @Override public boolean isDisposed() {
      return disposed;
    }
  }

  /** One scheduled run; disposing takes it off the queue (or makes it a no-op if already running). */
  static final class ScheduledTask implements Runnable, Disposable {
    private final Handler handler;
    private final Runnable delegate;
    private volatile boolean disposed;

    ScheduledTask(Handler handler, Runnable delegate) {
      this.handler = handler;
      this.delegate = delegate;
    }

    @Override public void run() {
      if (disposed) return;
      try {
        delegate.run();
      } catch (Throwable t) {
        RxJavaPlugins.onError(t); // as RxJava's own schedulers do: never into the looper
      }
    }

    @Override public void dispose() {
      disposed = true;
      handler.removeCallbacks(this);
    }

    @Override public boolean isDisposed() {
      return disposed;
    }
  }
}
