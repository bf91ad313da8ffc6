package dev.tether.internal;

import dev.tether.internal.http.IoFailures;
import dev.tether.internal.loop.DaemonThreadFactory;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Where OkHttp's blocking I/O runs. OkHttp holds one thread for the life of every call in flight: a
 * pending long-poll, and the reader of every open WebSocket. On Java 21+ those are virtual threads,
 * so 10,000 WebSockets cost 10,000 small heap objects instead of 10,000 platform threads; elsewhere
 * (Java 8-20, Android) a cached pool of daemon platform threads.
 *
 * <p>Found by reflection at run time: the library stays Java 8 bytecode. The system property
 * {@value #PROPERTY}{@code =false} forces platform threads.
 *
 * <p>Whatever escapes a task (an {@link Error} thrown inside OkHttp, which OkHttp rethrows after
 * cancelling its call) is first handed to {@link IoFailures#escaped}, so the transport whose work it
 * was reports it instead of losing it with the thread.
 */
final class IoExecutors {
  /** Set to {@code false} to keep OkHttp's I/O on platform threads on Java 21+. */
  static final String PROPERTY = "dev.tether.virtualThreads";

  private static final Logger logger = Logger.getLogger(IoExecutors.class.getName());

  private IoExecutors() {
  }

  /** A new executor for one runtime's OkHttp dispatcher; its threads are named {@code prefix-N}. */
  static ExecutorService create(String prefix) {
    if (!"false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
      ExecutorService virtual = virtualThreadPerTask(prefix);
      if (virtual != null) return virtual;
    }
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
        new SynchronousQueue<Runnable>(), new DaemonThreadFactory(prefix)) {
      @Override protected void afterExecute(Runnable task, @Nullable Throwable thrown) {
        IoFailures.escaped(thrown);
      }
    };
  }

  /** Runs {@code task}, handing whatever escapes it (or its normal end) to {@link IoFailures#escaped}. */
  static Runnable reportingEscapes(final Runnable task) {
    return () -> {
      Throwable thrown = null;
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        thrown = e;
        throw e;
      } finally {
        IoFailures.escaped(thrown);
      }
    };
  }

  /** {@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(prefix-, 1).factory())}. */
  static @Nullable ExecutorService virtualThreadPerTask(String prefix) {
    try {
      Method ofVirtual = Thread.class.getMethod("ofVirtual");
      Object builder = ofVirtual.invoke(null);
      Class<?> ofVirtualType = Class.forName("java.lang.Thread$Builder$OfVirtual");
      builder = ofVirtualType.getMethod("name", String.class, long.class)
          .invoke(builder, prefix + "-", 1L);
      final ThreadFactory virtualThreads = (ThreadFactory) Class.forName("java.lang.Thread$Builder")
          .getMethod("factory").invoke(builder);
      ThreadFactory factory = task -> virtualThreads.newThread(reportingEscapes(task));
      return (ExecutorService) Executors.class
          .getMethod("newThreadPerTaskExecutor", ThreadFactory.class).invoke(null, factory);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      return null; // before Java 21, or Android
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // e.g. preview-only virtual threads on Java 19/20
      logger.log(Level.FINE, "virtual threads unavailable; using platform threads", e);
      return null;
    }
  }
}
