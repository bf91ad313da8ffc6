package dev.tether.jmeter;

/** The JMeter GUI of {@link EmitSampler}. Immutable. */
public class EmitSamplerBeanInfo extends TetherBeanInfo {
  public EmitSamplerBeanInfo() {
    super(EmitSampler.class);
    createPropertyGroup("emit", new String[] {"event", "arguments"});
    createPropertyGroup("acknowledgement", new String[] {"ack", "ackTimeout", "expectedReply"});
    text("event", "message");
    multiline("arguments", "[]");
    value("ack", Boolean.FALSE);
    value("ackTimeout", 10_000L);
    multiline("expectedReply", "");
  }
}
