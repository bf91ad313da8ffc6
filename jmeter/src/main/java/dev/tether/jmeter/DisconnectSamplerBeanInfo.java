package dev.tether.jmeter;

/** The JMeter GUI of {@link DisconnectSampler} (it has no settings). Immutable. */
public class DisconnectSamplerBeanInfo extends TetherBeanInfo {
  public DisconnectSamplerBeanInfo() {
    super(DisconnectSampler.class);
  }
}
