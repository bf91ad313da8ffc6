package dev.tether.jmeter;

import com.google.gson.JsonObject;
import dev.tether.jmeter.internal.VirtualUser;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.threads.JMeterVariables;

/**
 * Tether Disconnect: leaves the namespace and closes this thread's connection. Succeeds also when the
 * thread has no socket (there is nothing to leave); the response data says how many received events
 * no await sampler took ({@code {"unreadEvents": n}}).
 *
 * <p>Thread-safety: see {@link TetherSampler}.
 */
public class DisconnectSampler extends TetherSampler {
  private static final long serialVersionUID = 1L;

  @Override void sample(SampleResult result, JMeterVariables variables) {
    result.setSamplerData("disconnect");
    VirtualUser user = VirtualUser.remove(variables);
    if (user == null) {
      succeed(result, "was not connected", null);
      return;
    }
    JsonObject data = new JsonObject();
    data.addProperty("unreadEvents", user.inbox().size());
    succeed(result, "disconnected", data.toString());
  }
}
