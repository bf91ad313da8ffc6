package dev.tether.android;

import static org.assertj.core.api.Assertions.assertThat;

import android.os.Looper;
import dev.tether.Socket;
import dev.tether.Tether;
import dev.tether.testserver.SocketIoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.annotation.Config;

/**
 * Listeners of a Tether built with {@link AndroidExecutors#mainThread()} run on the main looper, in
 * the order the server sent the events, against the real socket.io server.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = {21, 34})
public class AndroidExecutorsTest {
  private static SocketIoServer server;
  private final Tether tether = Tether.builder().callbackExecutor(AndroidExecutors.mainThread()).build();

  @BeforeClass public static void startServer() {
    server = SocketIoServer.start();
  }

  @AfterClass public static void stopServer() {
    server.close();
  }

  @After public void closeTether() {
    tether.close();
  }

  /** Where and in which order listeners ran; touched only on the main thread. */
  private static final class Calls {
    final List<Object> values = new ArrayList<>();
    final List<String> offMainThread = new ArrayList<>();

    void record(String what, Object value) {
      if (Looper.myLooper() != Looper.getMainLooper() || Thread.currentThread() != Looper.getMainLooper().getThread()) {
        offMainThread.add(what + " on " + Thread.currentThread().getName());
      }
      values.add(value);
    }
  }

  @Test public void deliveryLandsOnTheMainLooperInOrder() throws Exception {
    Socket socket = tether.socket(server.url());
    Calls calls = new Calls();
    socket.onConnect(() -> calls.record("connect", "connected"));
    socket.onStateChange(state -> calls.record("state", state));
    socket.on("counted", Integer.class, i -> calls.record("counted", i));
    socket.connect();
    MainLooper.runUntil("connect", () -> calls.values.contains("connected"));

    int count = 300;
    socket.emit("emit-count", count, "payload");
    MainLooper.runUntil(count + " events", () -> calls.values.size() == 3 + count);

    List<Object> expected = new ArrayList<>();
    expected.add(dev.tether.ConnectionState.CONNECTING);
    expected.add(dev.tether.ConnectionState.CONNECTED);
    expected.add("connected");
    for (int i = 0; i < count; i++) expected.add(i);
    assertThat(calls.values).containsExactlyElementsOf(expected);
    assertThat(calls.offMainThread).isEmpty();
  }

  @Test public void anAckCallbackAlsoRunsOnTheMainLooper() throws Exception {
    Socket socket = tether.socket(server.url()).connect();
    Calls calls = new Calls();
    socket.emitWithAck("ack", "hello").then(args -> calls.record("ack", args.arg(0, String.class)),
        error -> calls.record("ack failure", error));
    MainLooper.runUntil("the ack", () -> !calls.values.isEmpty());
    assertThat(calls.values).containsExactly("hello");
    assertThat(calls.offMainThread).isEmpty();
  }

  @Test public void nothingRunsUntilTheMainLooperRuns() throws Exception {
    // The executor posts, also from the main thread: a task never runs inside its caller.
    Executor executor = AndroidExecutors.mainThread();
    List<String> ran = new ArrayList<>();
    executor.execute(() -> ran.add("first"));
    executor.execute(() -> ran.add("second"));
    assertThat(ran).isEmpty();
    MainLooper.runUntil("both tasks", () -> ran.size() == 2);
    assertThat(ran).containsExactly("first", "second");
  }

  @Test public void blockingHelpersStillWorkOffTheCallbackThread() throws Exception {
    Socket socket = tether.socket(server.url()).connect();
    socket.awaitConnected(MainLooper.TIMEOUT_SECONDS, TimeUnit.SECONDS); // needs no main-looper task
    assertThat(socket.isConnected()).isTrue();
  }
}
