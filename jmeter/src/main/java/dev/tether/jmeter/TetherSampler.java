package dev.tether.jmeter;

import dev.tether.jmeter.internal.VirtualUser;
import java.nio.charset.StandardCharsets;
import org.apache.jmeter.samplers.AbstractSampler;
import org.apache.jmeter.samplers.Entry;
import org.apache.jmeter.samplers.Interruptible;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.threads.JMeterContextService;

/**
 * What every Tether sampler shares: one sample per call, timed from the start of the call to its
 * outcome, with a response code and message that say what happened and, as response data, JSON that
 * assertions and extractors can read.
 *
 * <p>Response codes: {@code 200} on success; on failure {@code NOT_CONNECTED}, {@code CONNECT_ERROR},
 * {@code DISCONNECTED}, {@code TIMEOUT}, {@code UNEXPECTED_REPLY}, {@code NO_MATCH}, {@code BAD_INPUT},
 * {@code EMIT_FAILED}, {@code INTERRUPTED} or {@code ERROR} (anything else, with the exception).
 *
 * <p>Thread-safety: as every JMeter test element, an instance belongs to one JMeter thread (JMeter
 * clones the element for each thread); {@link #interrupt()} may be called from any thread.
 */
public abstract class TetherSampler extends AbstractSampler implements TestBean, Interruptible {
  private static final long serialVersionUID = 1L;

  static final String NOT_CONNECTED = "NOT_CONNECTED";
  static final String BAD_INPUT = "BAD_INPUT";
  static final String INTERRUPTED = "INTERRUPTED";
  static final String ERROR = "ERROR";

  private transient volatile Thread sampling;

  @Override public final SampleResult sample(Entry entry) {
    SampleResult result = new SampleResult();
    result.setSampleLabel(getName());
    result.setDataType(SampleResult.TEXT);
    result.setContentType("application/json");
    result.setDataEncoding(StandardCharsets.UTF_8.name());
    sampling = Thread.currentThread();
    result.sampleStart();
    try {
      sample(result, JMeterContextService.getContext().getVariables());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(result, INTERRUPTED, "interrupted: the test is stopping", null);
    } catch (IllegalArgumentException e) {
      fail(result, BAD_INPUT, e.getMessage(), null);
    } catch (RuntimeException e) {
      // a failed sample with the reason, never an exception through JMeter's thread
      fail(result, ERROR, e.toString(), null);
    } finally {
      sampling = null;
      if (result.getEndTime() == 0) result.sampleEnd();
    }
    return result;
  }

  /**
   * Does the work of one sample for this thread's virtual user (see {@link VirtualUser#of}); ends
   * the sample (with {@link #succeed} or {@link #fail}) before it returns, or lets the caller end it.
   */
  abstract void sample(SampleResult result, org.apache.jmeter.threads.JMeterVariables variables)
      throws InterruptedException;

  /** Stops a sample that waits (for a connection, an ack, an event) when JMeter stops the test. */
  @Override public boolean interrupt() {
    Thread thread = sampling;
    if (thread == null) return false;
    thread.interrupt();
    return true;
  }

  static void succeed(SampleResult result, String message, String data) {
    if (result.getEndTime() == 0) result.sampleEnd();
    result.setSuccessful(true);
    result.setResponseCode("200");
    result.setResponseMessage(message);
    setData(result, data);
  }

  static void fail(SampleResult result, String code, String message, String data) {
    if (result.getEndTime() == 0) result.sampleEnd();
    result.setSuccessful(false);
    result.setResponseCode(code);
    result.setResponseMessage(message);
    setData(result, data);
  }

  static void fail(SampleResult result, VirtualUser.Failure failure) {
    fail(result, failure.code, failure.message, failure.data);
  }

  private static void setData(SampleResult result, String data) {
    if (data == null) return;
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    result.setResponseData(bytes);
    result.setBytes((long) bytes.length);
  }

  /** A required text property, trimmed; fails the sample as {@code BAD_INPUT} when empty. */
  static String required(String value, String what) {
    if (value == null || value.trim().isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    return value.trim();
  }

  /**
   * A number setting: 0 (what JMeter gives a property that a .jmx file leaves out) means
   * {@code fallback}; a negative one fails the sample as {@code BAD_INPUT}.
   */
  static long orDefault(long value, long fallback, String what) {
    if (value < 0) throw new IllegalArgumentException(what + " must not be negative: " + value);
    return value == 0 ? fallback : value;
  }
}
