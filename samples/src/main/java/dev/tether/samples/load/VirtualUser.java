package dev.tether.samples.load;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import dev.tether.AckCall;
import dev.tether.AckTimeoutException;
import dev.tether.Args;
import dev.tether.ConnectError;
import dev.tether.DisconnectReason;
import dev.tether.Event;
import dev.tether.Socket;
import dev.tether.SocketDisconnectedException;
import dev.tether.SocketOptions;
import dev.tether.TransportException;
import dev.tether.samples.load.Scenario.Await;
import dev.tether.samples.load.Scenario.Connect;
import dev.tether.samples.load.Scenario.Disconnect;
import dev.tether.samples.load.Scenario.Emit;
import dev.tether.samples.load.Scenario.End;
import dev.tether.samples.load.Scenario.Expectation;
import dev.tether.samples.load.Scenario.Repeat;
import dev.tether.samples.load.Scenario.Step;
import dev.tether.samples.load.Scenario.Sync;
import dev.tether.samples.load.Scenario.Think;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One virtual user: runs the scenario on its own connection, without a thread of its own. A step
 * that waits (connect, ack, await, think, sync) registers a callback and returns; the callback (on
 * the Tether callback thread or the bot's timer thread) moves the user on. So a thousand users
 * need no more threads than one.
 *
 * <p>Every method runs under the user's lock: callbacks from both threads may race (an event and
 * the timeout of its await). Each wait gets a number; a callback for an older wait is ignored.
 */
final class VirtualUser {
  enum Status { WAITING_TO_START, RUNNING, COMPLETED, FAILED, STOPPED }

  /** A repeat in progress. */
  private static final class Loop {
    final int start;
    final int times;
    int iteration;

    Loop(int start, int times) {
      this.start = start;
      this.times = times;
    }
  }

  private final LoadRun run;
  private final Scenario scenario;
  private final Metrics metrics;
  private final int vu;
  private final Random random;
  private final Deque<Loop> loops = new ArrayDeque<>();
  /** Events received and not yet taken by an await step, by name. */
  private final Map<String, Integer> unawaited = new HashMap<>();

  private Status status = Status.WAITING_TO_START;
  private int pc; // the step running or waiting
  private int waitId; // the current wait; callbacks of older ones are ignored
  private Socket socket; // the current connection, null when disconnected
  private boolean connected;
  private long connectStart;
  private String awaiting; // the event an await step waits for
  private ScheduledFuture<?> timer; // a think pause or the timeout of an await or sync
  private String syncKey; // the barrier a sync step waits at

  VirtualUser(LoadRun run, int vu, long seed) {
    this.run = run;
    this.scenario = run.options.scenario();
    this.metrics = run.metrics;
    this.vu = vu;
    this.random = new Random(seed * 1_000_003L + vu);
  }

  synchronized void start() {
    if (status != Status.WAITING_TO_START || run.isStopping()) {
      return;
    }
    status = Status.RUNNING;
    metrics.started.incrementAndGet();
    advance();
  }

  /** Ends the user if it still runs (the --duration deadline). */
  synchronized void stop() {
    end(Status.STOPPED, null, null);
  }

  /** Runs steps until one has to wait. */
  private void advance() {
    try {
      while (status == Status.RUNNING) {
        if (pc >= scenario.size()) {
          end(Status.COMPLETED, null, null);
          return;
        }
        if (!execute(scenario.step(pc))) {
          return; // a callback moves on
        }
      }
    } catch (RuntimeException e) { // e.g. an argument Gson cannot serialize: a bug in the scenario
      end(Status.FAILED, "bot_error: " + e.getClass().getSimpleName(), e.toString());
    }
  }

  /** Runs one step; true when it is done (pc moved), false when it waits for a callback. */
  private boolean execute(Step step) {
    if (step instanceof Connect connect) {
      connect(connect);
      return false;
    } else if (step instanceof Emit emit) {
      if (emit.ack()) {
        emitWithAck(emit);
        return false;
      }
      String event = emit.event().render(vu, iteration());
      socket.emit(event, arguments(emit));
      metrics.sent(event);
    } else if (step instanceof Await await) {
      return await(await);
    } else if (step instanceof Think think) {
      Duration pause = (think.time() != null ? think.time() : run.options.think()).pick(random);
      if (!pause.isZero()) {
        int id = ++waitId;
        timer = run.schedule(() -> resume(id), pause);
        return false;
      }
    } else if (step instanceof Sync sync) {
      int id = ++waitId;
      syncKey = barrierKey();
      run.arrive(syncKey, this, id);
      if (sync.timeout() != null) {
        timer = run.schedule(() -> timedOut(id, "sync_timeout",
            "not every user reached " + sync.where() + " within " + DurationRange.format(sync.timeout())),
            sync.timeout());
      }
      return false;
    } else if (step instanceof Repeat repeat) {
      if (repeat.times() == 0) {
        pc = scenario.partner(pc); // the end: pc++ below steps past it
      } else {
        loops.push(new Loop(pc, repeat.times()));
      }
    } else if (step instanceof End) {
      Loop loop = loops.peek();
      if (++loop.iteration < loop.times) {
        pc = loop.start; // pc++ below: the first step of the body
      } else {
        loops.pop();
      }
    } else if (step instanceof Disconnect) {
      leave();
    }
    pc++;
    return true;
  }

  // ---- connect -----------------------------------------------------------------------------------

  private void connect(Connect step) {
    String namespace = step.namespace() != null ? step.namespace() : run.options.namespace();
    SocketOptions.Builder options = run.socketOptions.newBuilder();
    if (step.auth() != null) {
      options.auth(step.auth().render(vu, iteration()));
    }
    Socket s = run.tether.socket(run.url + namespace, options.build());
    socket = s;
    int id = ++waitId;
    // Every listener is registered before connect(): none misses an event.
    s.onAny(event -> received(s, event));
    s.onConnect(() -> connected(s, id));
    s.onConnectError(error -> connectFailed(s, error));
    s.onDisconnect(reason -> disconnected(s, reason));
    connectStart = System.nanoTime();
    s.connect();
  }

  private synchronized void connected(Socket s, int id) {
    long nanos = System.nanoTime() - connectStart;
    if (s != socket || status != Status.RUNNING) {
      return;
    }
    connected = true;
    metrics.connected(nanos);
    resume(id);
  }

  private synchronized void connectFailed(Socket s, ConnectError error) {
    if (s == socket) {
      end(Status.FAILED, kindOf(error), error.message());
    }
  }

  private synchronized void disconnected(Socket s, DisconnectReason reason) {
    if (s == socket) { // not a disconnect the scenario asked for
      end(Status.FAILED, "disconnected: " + reason.wireName(), "the server or the network closed the connection");
    }
  }

  /** Leaves the namespace (its connection closes with it); not an error. */
  private void leave() {
    Socket s = socket;
    if (s == null) {
      return;
    }
    socket = null; // its disconnect callback is now ignored
    if (connected) {
      connected = false;
      metrics.connectedNow.decrementAndGet();
    }
    s.disconnect();
  }

  static String kindOf(ConnectError error) {
    if (error.isServerRefusal()) {
      return "connect_error: " + error.message();
    }
    Throwable cause = error.cause();
    if (cause instanceof AckTimeoutException) {
      return "connect_timeout";
    }
    return "connect_failed: " + (cause instanceof TransportException transport
        ? transport.kind().toString() : cause.getClass().getSimpleName());
  }

  // ---- events and acks ---------------------------------------------------------------------------

  private Object[] arguments(Emit emit) {
    int iteration = iteration();
    return emit.args().stream().map(arg -> arg.render(vu, iteration)).toArray();
  }

  private void emitWithAck(Emit step) {
    String event = step.event().render(vu, iteration());
    int id = ++waitId;
    long start = System.nanoTime();
    AckCall call = socket.emitWithAck(event, arguments(step))
        .timeout(run.options.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
    metrics.sent(event);
    call.then(reply -> acked(id, step, start, reply), failure -> ackFailed(id, step, failure));
  }

  private synchronized void acked(int id, Emit step, long start, Args reply) {
    long nanos = System.nanoTime() - start;
    if (id != waitId || status != Status.RUNNING) {
      return;
    }
    metrics.acked(nanos);
    JsonElement first = reply.size() > 0 ? reply.json(0) : JsonNull.INSTANCE;
    for (Expectation expectation : step.expectations()) {
      JsonElement expected = expectation.value().render(vu, iteration());
      JsonElement actual = at(first, expectation.segments());
      if (!expected.equals(actual)) {
        end(Status.FAILED, "expect_failed: " + step.event() + " " + expectation.path(),
            "expected " + expectation.path() + "=" + expected + ", the ack was " + first);
        return;
      }
    }
    resume(id);
  }

  private synchronized void ackFailed(int id, Emit step, Throwable failure) {
    if (id != waitId) {
      return;
    }
    String kind;
    if (failure instanceof AckTimeoutException) {
      kind = "ack_timeout: " + step.event();
    } else if (failure instanceof SocketDisconnectedException) {
      kind = "ack_failed: " + step.event() + ": disconnected";
    } else if (failure instanceof TransportException transport) {
      kind = "ack_failed: " + step.event() + ": " + transport.kind();
    } else {
      kind = "ack_failed: " + step.event() + ": " + failure.getClass().getSimpleName();
    }
    end(Status.FAILED, kind, String.valueOf(failure.getMessage()));
  }

  /** The value at a path of dot-separated object keys and array indexes, or null when there is none. */
  private static JsonElement at(JsonElement root, List<String> path) {
    JsonElement current = root;
    for (String segment : path) {
      if (current != null && current.isJsonObject()) {
        current = current.getAsJsonObject().get(segment);
      } else if (current != null && current.isJsonArray() && segment.matches("\\d{1,9}")) {
        int index = Integer.parseInt(segment);
        current = index < current.getAsJsonArray().size() ? current.getAsJsonArray().get(index) : null;
      } else {
        return null;
      }
    }
    return current;
  }

  /** Counts every event; hands it to the await step that waits for it. */
  private void received(Socket s, Event event) {
    metrics.received(event.name());
    synchronized (this) {
      unawaited.merge(event.name(), 1, Integer::sum);
      if (s == socket && event.name().equals(awaiting)) {
        takeAwaited(event.name());
        resume(waitId);
      }
    }
  }

  private boolean await(Await step) {
    if (unawaited.getOrDefault(step.event(), 0) > 0) {
      takeAwaited(step.event()); // it came before the step: not missed
      pc++;
      return true;
    }
    int id = ++waitId;
    awaiting = step.event();
    Duration timeout = step.timeout() != null ? step.timeout() : run.options.awaitTimeout();
    timer = run.schedule(() -> timedOut(id, "await_timeout: " + step.event(),
        "no '" + step.event() + "' within " + DurationRange.format(timeout)), timeout);
    return false;
  }

  private void takeAwaited(String event) {
    unawaited.merge(event, -1, Integer::sum);
    awaiting = null;
  }

  // ---- waits ---------------------------------------------------------------------------------------

  /** The wait {@code id} is over: on to the next step. */
  synchronized void resume(int id) {
    if (id != waitId || status != Status.RUNNING) {
      return;
    }
    cancelTimer();
    syncKey = null;
    awaiting = null;
    pc++;
    advance();
  }

  private synchronized void timedOut(int id, String kind, String detail) {
    if (id == waitId) {
      end(Status.FAILED, kind, detail);
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** A sync step's barrier: the step and the iteration of every repeat around it. */
  private String barrierKey() {
    StringBuilder key = new StringBuilder().append(pc);
    loops.descendingIterator().forEachRemaining(loop -> key.append('.').append(loop.iteration));
    return key.toString();
  }

  private int iteration() {
    Loop loop = loops.peek();
    return loop == null ? 0 : loop.iteration;
  }

  /** Ends the user once: records why, disconnects, tells the run. */
  private void end(Status outcome, String errorKind, String detail) {
    if (status != Status.RUNNING) {
      return;
    }
    status = outcome;
    if (errorKind != null) {
      String where = pc < scenario.size() ? scenario.step(pc).where() : "the end";
      metrics.error(errorKind, "vu " + vu + " at " + where + ": " + detail);
    }
    cancelTimer();
    if (syncKey != null) {
      run.depart(syncKey, this);
      syncKey = null;
    }
    ++waitId; // late callbacks of the last wait are ignored
    leave();
    switch (outcome) {
      case COMPLETED -> metrics.completed.incrementAndGet();
      case FAILED -> metrics.failed.incrementAndGet();
      default -> metrics.stopped.incrementAndGet();
    }
    run.ended();
  }
}
