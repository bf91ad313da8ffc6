package dev.tether.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.jspecify.annotations.Nullable;

/**
 * The server side of Engine.IO v4 long-polling, scripted by a test, as a MockWebServer
 * {@link Dispatcher}.
 *
 * <ul>
 *   <li>Handshake (GET without {@code sid}): the next scripted reply, else 200 with {@link #openBody}.
 *   <li>Poll (GET with {@code sid}): the next scripted reply; with none, the GET is held (as a real
 *       server holds a long-poll) until the test scripts one or {@link #release} is called.
 *   <li>POST (with {@code sid}): the next scripted reply, else 200 {@code ok}.
 * </ul>
 *
 * <p>Every request is logged, in arrival order and per kind, and the number of polls and of POSTs
 * being served at the same time is tracked (a client must never have two of either in flight).
 *
 * <p>Dispatch runs on MockWebServer's threads, one per connection; everything here is thread-safe.
 */
final class MockEngineServer extends Dispatcher {
  static final String SID = "abc";
  static final long WAIT_SECONDS = 10;
  private static final long POLL_STEP_MILLIS = 20;

  enum Kind { HANDSHAKE, POLL, POST, OTHER }

  /** How the server answers one request: at once, or when the test releases it. */
  interface Reply {
    MockResponse await(MockEngineServer server) throws InterruptedException;
  }

  /** A reply the test gives later; lets the test hold a request open and see that it arrived. */
  static final class Hold implements Reply {
    private final BlockingQueue<MockResponse> answer = new LinkedBlockingQueue<>();
    private final CountDownLatch arrived = new CountDownLatch(1);
    private volatile @Nullable RecordedRequest request;

    @Override public MockResponse await(MockEngineServer server) throws InterruptedException {
      arrived.countDown();
      return server.take(answer, payload(server.noopBody));
    }

    void release(MockResponse response) {
      answer.add(response);
    }

    /** Waits until the held request has reached the server and returns it. */
    RecordedRequest awaitArrival() throws InterruptedException {
      assertThat(arrived.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("held request arrived").isTrue();
      return request;
    }
  }

  volatile String openBody = openPacket(25_000, 20_000, 1_000_000);
  /** A payload of one noop: what a poll gets when the server is released ({@code 1:6} in v3). */
  volatile String noopBody = "6";

  private final BlockingQueue<Reply> handshakes = new LinkedBlockingQueue<>();
  private final BlockingQueue<Reply> polls = new LinkedBlockingQueue<>();
  private final BlockingQueue<Reply> posts = new LinkedBlockingQueue<>();

  private final List<RecordedRequest> log = Collections.synchronizedList(new ArrayList<RecordedRequest>());
  private final BlockingQueue<RecordedRequest> arrivals = new LinkedBlockingQueue<>();
  private final BlockingQueue<RecordedRequest> pollArrivals = new LinkedBlockingQueue<>();
  private final BlockingQueue<RecordedRequest> postArrivals = new LinkedBlockingQueue<>();

  private final AtomicInteger pollsInFlight = new AtomicInteger();
  private final AtomicInteger postsInFlight = new AtomicInteger();
  private final AtomicInteger maxPollsInFlight = new AtomicInteger();
  private final AtomicInteger maxPostsInFlight = new AtomicInteger();
  private volatile boolean released;

  // ---- responses -------------------------------------------------------------------------------

  static String openPacket(long pingInterval, long pingTimeout, long maxPayload) {
    return "0{\"sid\":\"" + SID + "\",\"upgrades\":[\"websocket\"],\"pingInterval\":" + pingInterval
        + ",\"pingTimeout\":" + pingTimeout + ",\"maxPayload\":" + maxPayload + "}";
  }

  /** A 200 payload response as engine.io sends it. */
  static MockResponse payload(String body) {
    return new MockResponse.Builder()
        .setHeader("Content-Type", "text/plain; charset=UTF-8")
        .setHeader("Cache-Control", "no-store")
        .body(body).build();
  }

  /** The answer to a successful POST. */
  static MockResponse ok() {
    return new MockResponse.Builder().setHeader("Content-Type", "text/html").body("ok").build();
  }

  /** An engine.io error: a status with an optional JSON body. */
  static MockResponse status(int code, String jsonBody) {
    MockResponse.Builder response = new MockResponse.Builder().code(code);
    if (!jsonBody.isEmpty()) response.setHeader("Content-Type", "application/json");
    return response.body(jsonBody).build();
  }

  /** Reads the request, then closes the socket without a response (4.x's DISCONNECT_AFTER_REQUEST). */
  static MockResponse disconnectAfterRequest() {
    return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
  }

  static Reply now(final MockResponse response) {
    return server -> response;
  }

  // ---- scripting -------------------------------------------------------------------------------

  void respondToHandshake(MockResponse response) {
    handshakes.add(now(response));
  }

  Hold holdHandshake() {
    Hold hold = new Hold();
    handshakes.add(hold);
    return hold;
  }

  void respondToPoll(String body) {
    respondToPoll(payload(body));
  }

  void respondToPoll(MockResponse response) {
    polls.add(now(response));
  }

  Hold holdPoll() {
    Hold hold = new Hold();
    polls.add(hold);
    return hold;
  }

  void respondToPost(MockResponse response) {
    posts.add(now(response));
  }

  Hold holdPost() {
    Hold hold = new Hold();
    posts.add(hold);
    return hold;
  }

  /** Lets every held request go (with a noop) so MockWebServer can shut down. */
  void release() {
    released = true;
  }

  // ---- observing -------------------------------------------------------------------------------

  /** The next request of any kind, in arrival order. */
  RecordedRequest takeRequest() throws InterruptedException {
    return awaitFrom(arrivals, "request");
  }

  RecordedRequest takePoll() throws InterruptedException {
    return awaitFrom(pollArrivals, "poll");
  }

  RecordedRequest takePost() throws InterruptedException {
    return awaitFrom(postArrivals, "POST");
  }

  /** The next request, or null if none arrives within {@code millis}: for checks of absence. */
  @Nullable RecordedRequest pollRequest(long millis) throws InterruptedException {
    return arrivals.poll(millis, TimeUnit.MILLISECONDS);
  }

  List<RecordedRequest> log() {
    synchronized (log) {
      return new ArrayList<>(log);
    }
  }

  int count(Kind kind) {
    int n = 0;
    for (RecordedRequest request : log()) {
      if (kindOf(request) == kind) n++;
    }
    return n;
  }

  int maxPollsInFlight() {
    return maxPollsInFlight.get();
  }

  int maxPostsInFlight() {
    return maxPostsInFlight.get();
  }

  static Kind kindOf(RecordedRequest request) {
    if (request.getUrl() == null || !"/socket.io/".equals(request.getUrl().encodedPath())) {
      return Kind.OTHER;
    }
    boolean hasSid = request.getUrl().queryParameter("sid") != null;
    if ("GET".equals(request.getMethod())) return hasSid ? Kind.POLL : Kind.HANDSHAKE;
    if ("POST".equals(request.getMethod()) && hasSid) return Kind.POST;
    return Kind.OTHER;
  }

  // ---- dispatch --------------------------------------------------------------------------------

  @Override public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    Kind kind = kindOf(request);
    log.add(request);
    arrivals.add(request);
    switch (kind) {
      case HANDSHAKE: {
        Reply reply = handshakes.poll();
        if (reply == null) return payload(openBody);
        return answer(reply, request);
      }
      case POLL:
        pollArrivals.add(request);
        return inFlight(pollsInFlight, maxPollsInFlight, () -> answer(take(polls, now(payload(noopBody))), request));
      case POST:
        postArrivals.add(request);
        return inFlight(postsInFlight, maxPostsInFlight, () -> {
          Reply reply = posts.poll();
          return reply == null ? ok() : answer(reply, request);
        });
      default:
        return status(400, "{\"code\":3,\"message\":\"Bad request\"}");
    }
  }

  @Override public void close() {
    released = true;
  }

  private interface Answer {
    MockResponse get() throws InterruptedException;
  }

  private static MockResponse inFlight(AtomicInteger counter, AtomicInteger max, Answer answer)
      throws InterruptedException {
    max.accumulateAndGet(counter.incrementAndGet(), Math::max);
    try {
      return answer.get();
    } finally {
      counter.decrementAndGet();
    }
  }

  private MockResponse answer(Reply reply, RecordedRequest request) throws InterruptedException {
    if (reply instanceof Hold) ((Hold) reply).request = request;
    return reply.await(this);
  }

  /** Blocks until the queue has an element, or until the server is released. */
  private <T> T take(BlockingQueue<T> queue, T whenReleased) throws InterruptedException {
    while (true) {
      T next = queue.poll(POLL_STEP_MILLIS, TimeUnit.MILLISECONDS);
      if (next != null) return next;
      if (released) return whenReleased;
    }
  }

  private static RecordedRequest awaitFrom(BlockingQueue<RecordedRequest> queue, String what)
      throws InterruptedException {
    RecordedRequest request = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(request).as("a %s within %s s", what, WAIT_SECONDS).isNotNull();
    return request;
  }
}
