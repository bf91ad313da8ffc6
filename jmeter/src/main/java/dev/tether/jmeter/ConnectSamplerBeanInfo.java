package dev.tether.jmeter;

import dev.tether.jmeter.internal.ConnectSettings;

/** The JMeter GUI of {@link ConnectSampler}. Immutable. */
public class ConnectSamplerBeanInfo extends TetherBeanInfo {
  public ConnectSamplerBeanInfo() {
    super(ConnectSampler.class);
    createPropertyGroup("connection", new String[] {"url", "server", "transports", "auth", "headers"});
    createPropertyGroup("envelope", new String[] {"envelopeNameKey", "envelopeDataKey", "envelopeIdKey"});
    createPropertyGroup("behaviour", new String[] {"connectTimeout", "reconnect", "inboxCapacity"});
    text("url", "http://127.0.0.1:3000/");
    choice("server", ConnectSettings.SOCKET_IO, ConnectSettings.SERVERS);
    choice("transports", ConnectSettings.POLLING_THEN_WEBSOCKET, ConnectSettings.TRANSPORTS);
    multiline("auth", "");
    multiline("headers", "");
    text("envelopeNameKey", "name");
    text("envelopeDataKey", "data");
    text("envelopeIdKey", "");
    value("connectTimeout", 10_000L);
    value("reconnect", Boolean.FALSE);
    value("inboxCapacity", 1000);
  }
}
