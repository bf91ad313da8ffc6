package dev.tether.jmeter;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import dev.tether.jmeter.internal.ConnectSettings;
import dev.tether.jmeter.internal.Inbox;
import dev.tether.jmeter.internal.JsonMatch;
import dev.tether.jmeter.internal.ReceivedEvent;
import dev.tether.jmeter.internal.VirtualUser;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.threads.JMeterVariables;

/**
 * Tether Await Event: takes the next {@code count} events of a name (any name when empty) that this
 * thread's socket received, waiting up to the timeout for them. Events that arrived earlier, even
 * before the sampler ran, count: the socket keeps what it receives in an inbox (see
 * {@link ConnectSampler}'s inbox capacity) until an await takes it; events of other names stay there
 * for later awaits. An optional filter (JSON) keeps only events whose arguments contain it, with the
 * same rule as {@link EmitSampler}'s expected reply.
 *
 * <p>Latency = until the first event; response data = the event's arguments as a JSON array, or an
 * array of those for a count above one. Fails with {@code TIMEOUT} or, as soon as the socket is down
 * for good, {@code DISCONNECTED}, saying how many of the events came.
 *
 * <p>Thread-safety: see {@link TetherSampler}.
 */
public class AwaitEventSampler extends TetherSampler {
  private static final long serialVersionUID = 1L;

  private String event = "";
  private String filter = "";
  private int count = 1;
  private long timeout = 10_000; // 0: take only what already arrived

  @Override void sample(SampleResult result, JMeterVariables variables) throws InterruptedException {
    final String name = event == null ? "" : event.trim();
    final JsonElement expected = ConnectSettings.json(filter, "filter");
    final int wanted = (int) orDefault(count, 1, "count");
    if (timeout < 0) throw new IllegalArgumentException("timeout must be >= 0 ms: " + timeout);
    String what = (wanted == 1 ? "event" : wanted + " events") + (name.isEmpty() ? "" : " '" + name + "'")
        + (expected == null ? "" : " matching " + expected);
    result.setSamplerData("await " + what);

    VirtualUser user = VirtualUser.of(variables);
    if (user == null) {
      fail(result, NOT_CONNECTED, "no socket: run a Tether Connect sampler first in this thread", null);
      return;
    }
    Predicate<ReceivedEvent> matches = received -> (name.isEmpty() || name.equals(received.name))
        && (expected == null || JsonMatch.contains(received.arguments, expected));
    Inbox.Taken taken = user.inbox().take(matches, wanted, timeout, TimeUnit.MILLISECONDS);

    if (!taken.events.isEmpty()) {
      // the first event's arrival, or now if it was already waiting
      long firstAt = Math.max(taken.events.get(0).receivedAtMillis, result.getStartTime());
      result.setLatency(Math.max(0, firstAt - result.getStartTime()));
    }
    String data;
    if (wanted == 1) {
      data = taken.events.isEmpty() ? null : taken.events.get(0).arguments.toString();
    } else {
      JsonArray all = new JsonArray(taken.events.size());
      for (ReceivedEvent received : taken.events) all.add(received.arguments);
      data = all.toString();
    }
    String dropped = taken.dropped == 0 ? "" : " (" + taken.dropped
        + " earlier events were dropped: the inbox was full; raise the connect sampler's inbox capacity)";
    if (taken.events.size() == wanted) {
      succeed(result, (wanted == 1 ? taken.events.get(0).name : wanted + " events") + dropped, data);
    } else if (taken.timedOut) {
      fail(result, EmitSampler.TIMEOUT, "got " + taken.events.size() + " of " + what + " within "
          + timeout + " ms" + dropped, data);
    } else {
      fail(result, EmitSampler.DISCONNECTED, taken.endedBecause + " after " + taken.events.size()
          + " of " + what + dropped, data);
    }
  }

  // ---- properties (TestBean) ---------------------------------------------------------------------

  public String getEvent() {
    return event;
  }

  public void setEvent(String event) {
    this.event = event;
  }

  public String getFilter() {
    return filter;
  }

  public void setFilter(String filter) {
    this.filter = filter;
  }

  public int getCount() {
    return count;
  }

  public void setCount(int count) {
    this.count = count;
  }

  public long getTimeout() {
    return timeout;
  }

  public void setTimeout(long timeout) {
    this.timeout = timeout;
  }
}
