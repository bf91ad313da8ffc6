package dev.tether.jmeter;

import static org.assertj.core.api.Assertions.assertThat;

import java.beans.BeanInfo;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.jmeter.testbeans.gui.TestBeanGUI;
import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.util.JMeterUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a JMeter GUI user gets: every sampler's form (built by JMeter's TestBeanGUI from the BeanInfo
 * and the resource bundle, here without a display) has a label and a tooltip for every field, and a
 * new element carries the documented defaults.
 */
class SamplerGuiTest {
  private static final List<Class<? extends TetherSampler>> SAMPLERS = List.of(
      ConnectSampler.class, EmitSampler.class, AwaitEventSampler.class, DisconnectSampler.class);

  private static final java.util.Map<Class<?>, List<String>> FIELDS = java.util.Map.of(
      ConnectSampler.class, List.of("url", "server", "transports", "auth", "headers", "envelopeNameKey",
          "envelopeDataKey", "envelopeIdKey", "connectTimeout", "reconnect", "inboxCapacity"),
      EmitSampler.class, List.of("event", "arguments", "ack", "ackTimeout", "expectedReply"),
      AwaitEventSampler.class, List.of("event", "filter", "count", "timeout"),
      DisconnectSampler.class, List.of());

  @BeforeAll static void initialiseJMeter() {
    System.setProperty("java.awt.headless", "true");
    Path home = Paths.get(System.getProperty("tether.jmeterHome"));
    JMeterUtils.setJMeterHome(home.toString());
    JMeterUtils.loadJMeterProperties(home.resolve("bin/jmeter.properties").toString());
    JMeterUtils.initLocale();
  }

  @Test void everyFieldHasALabelAndATooltip() throws Exception {
    for (Class<? extends TetherSampler> sampler : SAMPLERS) {
      BeanInfo info = Introspector.getBeanInfo(sampler);
      assertThat(info.getBeanDescriptor().getDisplayName()).startsWith("Tether ");
      List<String> shown = new java.util.ArrayList<>();
      for (PropertyDescriptor property : info.getPropertyDescriptors()) {
        if (property.getValue("group") == null) continue; // JMeter's own (name, comments...): not in our form
        shown.add(property.getName());
        assertThat(property.getDisplayName()).as("%s.%s", sampler.getSimpleName(), property.getName())
            .isNotEqualTo(property.getName());
        assertThat(property.getShortDescription()).as("%s.%s", sampler.getSimpleName(), property.getName())
            .isNotEqualTo(property.getName()).isNotEqualTo(property.getDisplayName()).isNotBlank();
      }
      assertThat(shown).as("the fields of %s's form", sampler.getSimpleName())
          .containsExactlyInAnyOrderElementsOf(FIELDS.get(sampler));
    }
  }

  @Test void theGuiCreatesElementsWithTheDefaults() {
    TestElement connect = new TestBeanGUI(ConnectSampler.class).createTestElement();
    assertThat(connect).isInstanceOf(ConnectSampler.class);
    assertThat(connect.getPropertyAsString("url")).isEqualTo("http://127.0.0.1:3000/");
    assertThat(connect.getPropertyAsString("server")).isEqualTo("socket.io");
    assertThat(connect.getPropertyAsString("transports")).isEqualTo("polling-then-websocket");
    assertThat(connect.getPropertyAsLong("connectTimeout")).isEqualTo(10_000L);
    assertThat(connect.getPropertyAsInt("inboxCapacity")).isEqualTo(1000);

    TestElement emit = new TestBeanGUI(EmitSampler.class).createTestElement();
    assertThat(emit.getPropertyAsString("event")).isEqualTo("message");
    assertThat(emit.getPropertyAsBoolean("ack")).isFalse();
    assertThat(emit.getPropertyAsLong("ackTimeout")).isEqualTo(10_000L);

    TestElement await = new TestBeanGUI(AwaitEventSampler.class).createTestElement();
    assertThat(await.getPropertyAsInt("count")).isEqualTo(1);
    assertThat(await.getPropertyAsLong("timeout")).isEqualTo(10_000L);

    assertThat(new TestBeanGUI(DisconnectSampler.class).createTestElement()).isInstanceOf(DisconnectSampler.class);
  }
}
