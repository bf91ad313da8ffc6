package dev.tether.jmeter;

/** The JMeter GUI of {@link AwaitEventSampler}. Immutable. */
public class AwaitEventSamplerBeanInfo extends TetherBeanInfo {
  public AwaitEventSamplerBeanInfo() {
    super(AwaitEventSampler.class);
    createPropertyGroup("await", new String[] {"event", "filter", "count", "timeout"});
    text("event", "message");
    multiline("filter", "");
    value("count", 1);
    value("timeout", 10_000L);
  }
}
