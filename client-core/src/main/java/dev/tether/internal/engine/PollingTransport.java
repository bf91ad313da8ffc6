package dev.tether.internal.engine;

import dev.tether.TransportException;
import dev.tether.internal.http.ConnectionHttp;
import dev.tether.internal.http.HttpFailures;
import dev.tether.internal.http.IncomingLimitException;
import dev.tether.internal.http.IoFailures;
import dev.tether.internal.loop.SerialExecutor;
import dev.tether.internal.util.Redact;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * HTTP long-polling: a GET that the server holds until it has packets, and a POST for outgoing
 * packets. At most one of each is in flight (a second concurrent GET or POST makes the server
 * destroy the session). Responses are read and checked on OkHttp's threads; the loop only sees
 * validated packets, each built as the loop reads it.
 *
 * <p>A response body is bounded twice: by bytes ({@link EngineOptions#maxIncomingMessageBytes()}),
 * counted as it arrives, and by packets ({@link #MAX_PACKETS_PER_BODY}), so a body of many tiny
 * packets cannot multiply into many objects. Either bound ends the session with
 * {@code INCOMING_TOO_LARGE}.
 */
final class PollingTransport implements Transport {
  private static final Logger logger = Logger.getLogger(PollingTransport.class.getName());
  private static final MediaType TEXT_PLAIN = MediaType.get("text/plain;charset=UTF-8");
  /**
   * The most packets one polling body may hold. A socket.io server flushes its buffer into every poll,
   * so a body carries what it emitted during one round trip: far fewer for any real application. The
   * bound keeps the work one body can cause (decoding, answering pings, delivering events) bounded.
   */
  static final int MAX_PACKETS_PER_BODY = 100_000;
  private static final long MAX_ERROR_BODY_BYTES = 4096;
  private static final Charset UTF_8 = Charset.forName("UTF-8");

  private final EngineOptions options;
  private final EngineProtocol protocol;
  private final ConnectionHttp http;
  private final SerialExecutor loop;
  private Callback callback = Transport.IGNORE;
  private final String redactedEndpoint;

  private Call.Factory client;
  private @Nullable String sid;
  private @Nullable Call pollCall;
  private @Nullable Call postCall;
  private boolean receiving = true;
  private boolean closed;
  private boolean paused;
  private @Nullable Runnable onPaused;
  private long requestCount;

  PollingTransport(EngineOptions options, ConnectionHttp http, SerialExecutor loop) {
    this.options = options;
    this.protocol = options.protocol();
    this.http = http;
    this.loop = loop;
    this.client = http.openingClient(options.handshakeTimeoutMillis());
    this.redactedEndpoint = Redact.url(options.endpoint());
  }

  @Override public String name() {
    return "polling";
  }

  @Override public void setCallback(Callback callback) {
    this.callback = callback;
  }

  @Override public void open() {
    loop.checkInLoop();
    poll();
  }

  @Override public void attach(Handshake handshake) {
    loop.checkInLoop();
    sid = handshake.sid();
    // A held GET returns at least every pingInterval; allow for the ping timeout on top.
    client = http.client(handshake.pingIntervalMillis() + handshake.pingTimeoutMillis());
  }

  @Override public boolean isWritable() {
    return isWritableUnlessPaused() && !paused;
  }

  /** No POST in flight (at most one may be). */
  @Override public boolean isWritableUnlessPaused() {
    return sid != null && postCall == null && !closed;
  }

  @Override public long size(EnginePacket packet, boolean first) {
    return protocol.framedSize(packet, first);
  }

  @Override public long batchBudget(long maxPayload) {
    return maxPayload;
  }

  @Override public long maxPacketSize(long maxPayload) {
    return maxPayload;
  }

  @Override public void pause(Runnable onPaused) {
    loop.checkInLoop();
    paused = true;
    this.onPaused = onPaused;
    checkPaused(); // the server answers a held GET with a noop once it has seen the probe
  }

  @Override public void resume() {
    loop.checkInLoop();
    paused = false;
    onPaused = null;
    if (!closed && receiving && sid != null && pollCall == null) poll();
  }

  private void checkPaused() {
    Runnable action = onPaused;
    if (paused && action != null && pollCall == null && postCall == null && !closed) {
      onPaused = null;
      action.run();
    }
  }

  @Override public void send(List<EnginePacket> packets) {
    loop.checkInLoop();
    if (!isWritable()) throw new IllegalStateException("polling transport is not writable");
    Request request = requestBuilder()
        .post(RequestBody.create(protocol.encodePayload(packets), TEXT_PLAIN))
        .build();
    final Call call = client.newCall(request);
    postCall = call;
    call.enqueue(new Exchange(call, false));
  }

  @Override public void stopReceiving() {
    receiving = false;
  }

  @Override public void close() {
    if (closed) return;
    closed = true;
    if (pollCall != null) pollCall.cancel();
    if (postCall != null) postCall.cancel();
    pollCall = null;
    postCall = null;
  }

  private void poll() {
    final Call call = client.newCall(requestBuilder().get().build());
    pollCall = call;
    call.enqueue(new Exchange(call, true));
  }

  private Request.Builder requestBuilder() {
    HttpUrl.Builder url = options.endpoint().newBuilder()
        .setQueryParameter("EIO", protocol.version())
        .setQueryParameter("transport", "polling")
        .setQueryParameter("t", cacheBuster());
    if (sid != null) url.setQueryParameter("sid", sid);
    return new Request.Builder().url(url.build()).headers(options.extraHeaders());
  }

  /** Unique per request, so no cache or proxy ever answers a poll with a stored response. */
  private String cacheBuster() {
    return Long.toString(System.currentTimeMillis(), 36) + Long.toString(requestCount++, 36);
  }

  private void onPollResult(Call call, @Nullable List<EnginePacket> packets, @Nullable TransportException error) {
    if (closed || call != pollCall) return;
    pollCall = null;
    if (error != null || packets == null) {
      callback.onError(error != null ? error
          : new TransportException(TransportException.Kind.PROTOCOL_ERROR, "poll returned no payload"));
      return;
    }
    callback.onPackets(packets);
    if (paused) {
      checkPaused();
    } else if (!closed && receiving && sid != null && pollCall == null) {
      poll();
    }
  }

  private void onPostResult(Call call, @Nullable TransportException error) {
    if (closed || call != postCall) return;
    postCall = null;
    if (error != null) {
      callback.onError(error);
    } else {
      callback.onDrain();
      checkPaused();
    }
  }

  /**
   * One request: reads its response on an OkHttp thread and hands the outcome to the loop, exactly
   * once. The exchange itself is the task it posts, so even a report made after an
   * {@link OutOfMemoryError} needs no allocation beyond the loop's queue.
   */
  private final class Exchange implements okhttp3.Callback, Runnable, IoFailures.Reporter {
    private final Call call;
    private final boolean isPoll;
    private final String what; // computed on the loop: sid is loop-owned
    private volatile @Nullable List<EnginePacket> packets;
    private volatile @Nullable TransportException error;

    Exchange(Call call, boolean isPoll) {
      this.call = call;
      this.isPoll = isPoll;
      this.what = (isPoll ? (sid == null ? "handshake" : "poll") : "post") + " to " + redactedEndpoint;
    }

    @Override public void onFailure(Call call, IOException e) {
      try {
        // A call close() cancelled is ignored on the loop (it is no longer pollCall or postCall). One
        // OkHttp cancelled itself, after an Error escaped its own code, must still be reported.
        if (!call.isCanceled()) logger.log(Level.FINE, "{0} failed: {1}", new Object[] {what, e});
        deliver(null, HttpFailures.fromIOException(what, e));
      } catch (Throwable t) {
        IoFailures.report(t, this);
      }
    }

    @Override public void onResponse(Call call, Response response) {
      try {
        deliver(isPoll ? read(response) : consume(response), null);
      } catch (TransportException e) {
        deliver(null, e);
      } catch (Throwable t) {
        IoFailures.report(t, this);
      }
    }

    /** The packets of a poll's response body. */
    private List<EnginePacket> read(Response response) throws TransportException {
      try (ResponseBody body = response.body()) {
        if (response.code() != 200) throw statusError(response.code(), body);
        return protocol.decodePayload(readBounded(body, options.maxIncomingMessageBytes(), false),
            MAX_PACKETS_PER_BODY);
      } catch (MalformedPacketException e) {
        throw new TransportException(TransportException.Kind.PROTOCOL_ERROR,
            what + ": invalid Engine.IO payload: " + e.getMessage());
      } catch (IOException e) {
        throw HttpFailures.fromIOException(what, e);
      }
    }

    /** A POST's response: only its status matters. */
    private @Nullable List<EnginePacket> consume(Response response) throws TransportException {
      try (ResponseBody body = response.body()) {
        if (response.code() != 200) throw statusError(response.code(), body);
        return null;
      } catch (IOException e) {
        throw HttpFailures.fromIOException(what, e);
      }
    }

    private TransportException statusError(int status, @Nullable ResponseBody body) throws IOException {
      return HttpFailures.fromStatus(what, status, new String(readBounded(body, MAX_ERROR_BODY_BYTES, true), UTF_8));
    }

    @Override public String what() {
      return what;
    }

    @Override public void report(TransportException failure) {
      deliver(null, failure);
    }

    /** Hands the outcome to the loop: packets of a poll, nothing for a POST, or an error. */
    private void deliver(@Nullable List<EnginePacket> packets, @Nullable TransportException error) {
      this.packets = packets;
      this.error = error;
      loop.executeHere(this);
    }

    /** On the loop. */
    @Override public void run() {
      if (isPoll) {
        onPollResult(call, packets, error);
      } else {
        onPostResult(call, error);
      }
    }
  }

  /**
   * Reads at most {@code limit} bytes, counted as they arrive; a longer body is an
   * {@link IncomingLimitException}, or for error bodies truncated.
   */
  private static byte[] readBounded(@Nullable ResponseBody body, long limit, boolean truncate)
      throws IOException {
    if (body == null) return new byte[0];
    BufferedSource source = body.source();
    Buffer buffer = new Buffer();
    while (buffer.size() <= limit) {
      if (source.read(buffer, 8192) == -1) return buffer.readByteArray();
    }
    if (truncate) return buffer.readByteArray(limit);
    throw new IncomingLimitException("response body exceeds " + limit + " bytes (maxIncomingMessageBytes)");
  }
}
