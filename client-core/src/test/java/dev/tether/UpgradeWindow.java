package dev.tether;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.Call;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Stops a default (polling, then WebSocket) connection in the middle of its upgrade for as long as a
 * test needs, and tells the test when it is there: the server answered the probe, the client took the
 * answer in and paused polling, and no POST is in flight. Hand {@link #client()} to Tether.
 *
 * <p>The hooks, all on the OkHttp client, none on Tether's internals or on time:
 * <ul>
 *   <li>The WebSocket probe's HTTP request waits for {@link #allowProbe()}, so the test decides when
 *       the upgrade starts (e.g. once the socket is connected and nothing is in flight).
 *   <li>Every socket's input is watched: once a read returned the server's {@code 3probe}, the next read
 *       on that socket means OkHttp's WebSocket reader (which reads on only after the listener returned)
 *       has handed the frame to Tether's event loop. What the test hands to the loop after that runs
 *       after the probe answer, while polling is paused.
 *   <li>The server's {@code noop} answer to the held poll (engine.io sends it to end the poll once the
 *       probe is answered) is held until {@link #releasePoll()}: until then polling stays paused and the
 *       upgrade cannot complete. Its release reaches the loop after whatever the test handed it before.
 *   <li>Optionally, a POST is held before it is sent ({@link #holdPostContaining}): a write in flight.
 *   <li>The dispatcher shows POSTs still on their way: a call leaves its queued and running calls only
 *       after its callback returned, i.e. after Tether handed the outcome to the loop.
 * </ul>
 */
final class UpgradeWindow implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = IntegrationSupport.TIMEOUT_SECONDS;
  private static final String PROBE_ANSWER = "3probe";

  private final CountDownLatch probeAllowed = new CountDownLatch(1);
  private final CountDownLatch probeAnswerTakenIn = new CountDownLatch(1);
  private final CountDownLatch pollHeld = new CountDownLatch(1);
  private final CountDownLatch pollReleased = new CountDownLatch(1);
  private volatile @Nullable String heldPostMarker;
  private final CountDownLatch postHeld = new CountDownLatch(1);
  private final CountDownLatch postReleased = new CountDownLatch(1);
  private final OkHttpClient client = new OkHttpClient.Builder()
      .socketFactory(new WatchingSocketFactory())
      .addInterceptor(this::intercept)
      .build();

  OkHttpClient client() {
    return client;
  }

  /** Waits until no POST is queued or running: the outcome of every POST is on the loop already. */
  void awaitNoPostInFlight() {
    IntegrationSupport.eventually().until(() -> postsInFlight().isEmpty());
  }

  /** Lets the WebSocket probe start. */
  void allowProbe() {
    probeAllowed.countDown();
  }

  /** Waits until the client took in the probe answer and its poll is held: polling is paused. */
  void awaitUpgradeUnderWay() throws InterruptedException {
    assertThat(probeAnswerTakenIn.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("3probe handed to the loop").isTrue();
    assertThat(pollHeld.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the server's noop held").isTrue();
  }

  /** Lets the held poll return: polling pauses for good and the upgrade completes. */
  void releasePoll() {
    pollReleased.countDown();
  }

  /** From now on holds, before it is sent, the POST whose body contains {@code marker}. */
  void holdPostContaining(String marker) {
    heldPostMarker = marker;
  }

  void awaitPostHeld() throws InterruptedException {
    assertThat(postHeld.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the POST held").isTrue();
  }

  void releasePost() {
    postReleased.countDown();
  }

  /** Lets everything through; holds nothing any more. */
  @Override public void close() {
    probeAllowed.countDown();
    pollReleased.countDown();
    postReleased.countDown();
  }

  private List<Call> postsInFlight() {
    Dispatcher dispatcher = client.dispatcher();
    List<Call> calls = new ArrayList<>(dispatcher.queuedCalls());
    calls.addAll(dispatcher.runningCalls());
    calls.removeIf(call -> !"POST".equals(call.request().method()));
    return calls;
  }

  private Response intercept(Interceptor.Chain chain) throws IOException {
    Request request = chain.request();
    String transport = request.url().queryParameter("transport");
    if ("websocket".equals(transport)) {
      await(probeAllowed);
      return chain.proceed(request);
    }
    String marker = heldPostMarker;
    RequestBody body = request.body();
    if (marker != null && body != null && "POST".equals(request.method())) {
      Buffer sent = new Buffer();
      body.writeTo(sent);
      if (sent.readUtf8().contains(marker)) {
        postHeld.countDown();
        await(postReleased);
      }
    }
    Response response = chain.proceed(request);
    if ("polling".equals(transport) && "GET".equals(request.method()) && request.url().queryParameter("sid") != null
        && "6".equals(response.peekBody(16).string())) {
      pollHeld.countDown();
      await(pollReleased);
    }
    return response;
  }

  private static void await(CountDownLatch latch) throws IOException {
    try {
      if (!latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) throw new IOException("upgrade window: timed out holding");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("upgrade window: interrupted");
    }
  }

  /** Plain sockets whose input is watched for the probe answer. */
  private final class WatchingSocketFactory extends SocketFactory {
    @Override public Socket createSocket() {
      return new Socket() {
        private @Nullable InputStream in;

        @Override public synchronized InputStream getInputStream() throws IOException {
          if (in == null) in = new ProbeAnswerWatch(super.getInputStream());
          return in;
        }
      };
    }

    @Override public Socket createSocket(String host, int port) {
      throw new UnsupportedOperationException("OkHttp creates unconnected sockets");
    }

    @Override public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
      throw new UnsupportedOperationException("OkHttp creates unconnected sockets");
    }

    @Override public Socket createSocket(InetAddress host, int port) {
      throw new UnsupportedOperationException("OkHttp creates unconnected sockets");
    }

    @Override public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
      throw new UnsupportedOperationException("OkHttp creates unconnected sockets");
    }
  }

  /** Sees {@code 3probe} go by (even split over reads); the read after it means it was handed over. */
  private final class ProbeAnswerWatch extends FilterInputStream {
    private String tail = "";
    private boolean seen;

    ProbeAnswerWatch(InputStream in) {
      super(in);
    }

    @Override public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override public int read(byte[] b, int off, int len) throws IOException {
      if (seen) probeAnswerTakenIn.countDown();
      int n = super.read(b, off, len);
      if (n > 0 && !seen) {
        tail += new String(b, off, n, ISO_8859_1);
        if (tail.contains(PROBE_ANSWER)) {
          seen = true;
        } else if (tail.length() > PROBE_ANSWER.length()) {
          tail = tail.substring(tail.length() - PROBE_ANSWER.length());
        }
      }
      return n;
    }
  }
}
