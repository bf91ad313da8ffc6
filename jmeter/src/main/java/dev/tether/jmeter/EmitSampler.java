package dev.tether.jmeter;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import dev.tether.AckCall;
import dev.tether.AckTimeoutException;
import dev.tether.Args;
import dev.tether.Socket;
import dev.tether.SocketDisconnectedException;
import dev.tether.jmeter.internal.ConnectSettings;
import dev.tether.jmeter.internal.JsonMatch;
import dev.tether.jmeter.internal.VirtualUser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.threads.JMeterVariables;

/**
 * Tether Emit: sends an event from this thread's socket, with arguments written as a JSON array, and
 * optionally waits for the server's acknowledgement.
 *
 * <p>Without ack the sample succeeds once the emit is handed to Tether (sent now, or buffered while
 * Tether reconnects when the connect sampler allows reconnection); it fails ({@code NOT_CONNECTED})
 * when the socket is down for good. With ack it ends when the reply arrives (latency = the ack's
 * round trip; response data = the reply's arguments as a JSON array, for assertions and extractors;
 * every event the server sent before its ack is in the inbox by then, for {@link AwaitEventSampler}),
 * or fails with {@code TIMEOUT}, {@code DISCONNECTED} or {@code EMIT_FAILED}; with an expected reply,
 * a reply that does not contain it fails with {@code UNEXPECTED_REPLY} (see the README for the
 * matching rule: objects by their members, arrays by their first elements).
 *
 * <p>Thread-safety: see {@link TetherSampler}.
 */
public class EmitSampler extends TetherSampler {
  private static final long serialVersionUID = 1L;

  static final long DEFAULT_ACK_TIMEOUT = 10_000;
  static final String TIMEOUT = "TIMEOUT";
  static final String DISCONNECTED = "DISCONNECTED";
  static final String EMIT_FAILED = "EMIT_FAILED";
  static final String UNEXPECTED_REPLY = "UNEXPECTED_REPLY";
  /** Beyond the ack timeout, how long to wait for Tether to hand over the outcome (listeners may be busy). */
  private static final long STUCK_LISTENERS_MARGIN_MILLIS = 5_000;

  private String event = "";
  private String arguments = "";
  private boolean ack;
  private long ackTimeout = DEFAULT_ACK_TIMEOUT;
  private String expectedReply = "";

  @Override void sample(SampleResult result, JMeterVariables variables) throws InterruptedException {
    String name = required(event, "event");
    JsonElement parsed = ConnectSettings.json(arguments, "arguments");
    if (parsed != null && !parsed.isJsonArray()) {
      throw new IllegalArgumentException("arguments must be a JSON array, e.g. [\"hello\", {\"n\": 1}]: "
          + arguments.trim());
    }
    JsonArray args = parsed == null ? new JsonArray() : parsed.getAsJsonArray();
    JsonElement expected = ConnectSettings.json(expectedReply, "expected reply");
    if (expected != null && !ack) throw new IllegalArgumentException("an expected reply needs 'wait for ack' on");
    long timeout = orDefault(ackTimeout, DEFAULT_ACK_TIMEOUT, "ack timeout");
    String request = name + " " + args;
    result.setSamplerData(request);
    result.setSentBytes((long) request.getBytes(StandardCharsets.UTF_8).length);

    VirtualUser user = VirtualUser.of(variables);
    if (user == null) {
      fail(result, NOT_CONNECTED, "no socket: run a Tether Connect sampler first in this thread", null);
      return;
    }
    Socket socket = user.socket();
    if (!socket.isActive()) {
      fail(result, NOT_CONNECTED, user.whyNotConnected(), null);
      return;
    }
    Object[] values = new Object[args.size()];
    for (int i = 0; i < values.length; i++) values[i] = args.get(i);
    if (!ack) {
      socket.emit(name, values);
      succeed(result, socket.isConnected() ? "sent" : "buffered until reconnected", null);
      return;
    }
    // Waiting through then() rather than await(): the reply is handed over in turn with the socket's
    // events, so whatever the server sent before its ack is in the inbox when this sample ends.
    CompletableFuture<Args> replied = new CompletableFuture<>();
    AckCall call = socket.emitWithAck(name, values)
        .timeout(timeout, TimeUnit.MILLISECONDS) // counted from the emit
        .then(replied::complete, replied::completeExceptionally);
    Args reply;
    try {
      reply = replied.get(timeout + STUCK_LISTENERS_MARGIN_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      call.cancel();
      throw e;
    } catch (java.util.concurrent.TimeoutException e) {
      call.cancel();
      fail(result, TIMEOUT, "no ack for '" + name + "' within " + timeout + " ms", null);
      return;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof AckTimeoutException) {
        fail(result, TIMEOUT, "no ack for '" + name + "' within " + timeout + " ms", null);
      } else if (cause instanceof SocketDisconnectedException) {
        fail(result, DISCONNECTED, "disconnected before the ack of '" + name + "': " + cause.getMessage(), null);
      } else {
        fail(result, EMIT_FAILED, "'" + name + "' failed: " + cause, null);
      }
      return;
    }
    result.latencyEnd();
    JsonArray replyJson = new JsonArray(reply.size());
    for (int i = 0; i < reply.size(); i++) replyJson.add(reply.json(i));
    String data = replyJson.toString();
    if (expected != null && !JsonMatch.contains(replyJson, expected)) {
      fail(result, UNEXPECTED_REPLY, "the ack of '" + name + "' does not contain " + expected + ": " + abbreviate(data), data);
      return;
    }
    succeed(result, "ack", data);
  }

  static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }

  // ---- properties (TestBean) ---------------------------------------------------------------------

  public String getEvent() {
    return event;
  }

  public void setEvent(String event) {
    this.event = event;
  }

  public String getArguments() {
    return arguments;
  }

  public void setArguments(String arguments) {
    this.arguments = arguments;
  }

  public boolean isAck() {
    return ack;
  }

  public void setAck(boolean ack) {
    this.ack = ack;
  }

  public long getAckTimeout() {
    return ackTimeout;
  }

  public void setAckTimeout(long ackTimeout) {
    this.ackTimeout = ackTimeout;
  }

  public String getExpectedReply() {
    return expectedReply;
  }

  public void setExpectedReply(String expectedReply) {
    this.expectedReply = expectedReply;
  }
}
