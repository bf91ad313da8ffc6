package dev.tether.samples.chat;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Runs an interactive sample's {@code run(args, in, out)} on its own thread, as a user at a
 * terminal would: {@link #type} feeds its input line by line, {@link #endInput} closes it, and
 * every line it prints is kept (and echoed to the test's output, for the surefire report).
 */
final class InteractiveRun implements AutoCloseable {

  /** The shape of {@code ChatSample.run} and {@code RxChatSample.run}. */
  interface Main {
    int run(String[] args, BufferedReader in, PrintStream out) throws Exception;
  }

  static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final String label;
  private final BlockingQueue<Optional<String>> input = new LinkedBlockingQueue<>(); // empty: EOF
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
  private final Thread thread;

  private InteractiveRun(String label, Main main, String[] args) {
    this.label = label;
    PrintStream out = new PrintStream(new LineCollector(), true, StandardCharsets.UTF_8);
    BufferedReader in = new BufferedReader(new QueueReader());
    thread = new Thread(() -> {
      try {
        exitCode.complete(main.run(args, in, out));
      } catch (Throwable e) {
        exitCode.completeExceptionally(e);
      }
    }, "sample-" + label);
    thread.setDaemon(true);
  }

  /** Starts {@code main} with these arguments; {@code label} prefixes its echoed output. */
  static InteractiveRun start(String label, Main main, String... args) {
    InteractiveRun run = new InteractiveRun(label, main, args);
    run.thread.start();
    return run;
  }

  /** Types one line (without its line break). */
  void type(String line) {
    input.add(Optional.of(line));
  }

  /** Ends the input, as Ctrl-D at a terminal or the end of a pipe. */
  void endInput() {
    input.add(Optional.empty());
  }

  /** Every line printed so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Waits for a printed line equal to {@code line} (printed earlier or later). */
  String awaitLine(String line) {
    return awaitLine(line::equals, "a line equal to \"" + line + "\"");
  }

  /** Waits for a printed line starting with {@code prefix} and returns it. */
  String awaitLineStartingWith(String prefix) {
    return awaitLine(line -> line.startsWith(prefix), "a line starting with \"" + prefix + "\"");
  }

  String awaitLine(Predicate<String> wanted, String description) {
    AtomicReference<String> found = new AtomicReference<>();
    try {
      await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
        lines.stream().filter(wanted).findFirst().ifPresent(found::set);
        return found.get() != null || exitCode.isDone();
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(label + " did not print " + description + " within "
          + TIMEOUT.toSeconds() + " s; it printed:\n" + String.join("\n", lines));
    }
    if (found.get() == null) { // it ended: look once more at everything it printed before that
      lines.stream().filter(wanted).findFirst().ifPresent(found::set);
    }
    if (found.get() == null) {
      throw new AssertionError(label + " ended (" + describeExit() + ") without printing "
          + description + "; it printed:\n" + String.join("\n", lines));
    }
    return found.get();
  }

  /** Waits for the sample to return and gives its exit code. */
  int awaitExit() throws InterruptedException {
    try {
      return exitCode.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(label + " threw", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError(label + " did not finish within " + TIMEOUT.toSeconds()
          + " s; it printed:\n" + String.join("\n", lines));
    }
  }

  /** Ends the input and waits for the sample to finish; interrupts it if it does not. */
  @Override
  public void close() throws InterruptedException {
    endInput();
    try {
      exitCode.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      thread.interrupt();
      thread.join(TIMEOUT.toMillis());
    }
  }

  private String describeExit() {
    try {
      return "exit code " + exitCode.getNow(null);
    } catch (RuntimeException e) {
      return "threw " + e.getCause();
    }
  }

  /** The sample's stdin: blocks until a line is typed; -1 after {@link #endInput}. */
  private final class QueueReader extends Reader {
    private String pending = "";
    private int position;
    private boolean ended;

    @Override
    public int read(char[] buffer, int offset, int length) throws InterruptedIOException {
      if (position == pending.length()) {
        if (ended) {
          return -1;
        }
        Optional<String> next;
        try {
          next = input.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for input");
        }
        if (next.isEmpty()) {
          ended = true;
          return -1;
        }
        pending = next.get() + "\n";
        position = 0;
      }
      int count = Math.min(length, pending.length() - position);
      pending.getChars(position, position + count, buffer, offset);
      position += count;
      return count;
    }

    @Override
    public void close() {
    }
  }

  /** The sample's stdout: splits it into lines. */
  private final class LineCollector extends OutputStream {
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        String line = current.toString(StandardCharsets.UTF_8);
        current.reset();
        lines.add(line);
        System.out.println("[" + label + "] " + line);
      } else {
        current.write(b);
      }
    }
  }
}
