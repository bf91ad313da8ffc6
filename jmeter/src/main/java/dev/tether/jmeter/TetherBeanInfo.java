package dev.tether.jmeter;

import java.beans.PropertyDescriptor;
import org.apache.jmeter.testbeans.BeanInfoSupport;
import org.apache.jmeter.testbeans.TestBean;

/**
 * The GUI description shared by the samplers' BeanInfo classes: every field has a default and is
 * never "undefined", and may hold JMeter expressions ({@code ${var}}, {@code ${__P(name)}}), which
 * JMeter evaluates before each sample. Labels and tooltips are in each sampler's
 * {@code <Sampler>Resources.properties}. Immutable once built, as JMeter expects.
 */
abstract class TetherBeanInfo extends BeanInfoSupport {
  TetherBeanInfo(Class<? extends TestBean> beanClass) {
    super(beanClass);
  }

  final PropertyDescriptor text(String name, String defaultValue) {
    PropertyDescriptor property = property(name);
    property.setValue(NOT_UNDEFINED, Boolean.TRUE);
    property.setValue(DEFAULT, defaultValue);
    return property;
  }

  final PropertyDescriptor multiline(String name, String defaultValue) {
    PropertyDescriptor property = text(name, defaultValue);
    property.setValue(MULTILINE, Boolean.TRUE);
    return property;
  }

  /** A choice from {@code tags}; another value (e.g. an expression) is checked when the sample runs. */
  final PropertyDescriptor choice(String name, String defaultValue, String[] tags) {
    PropertyDescriptor property = text(name, defaultValue);
    property.setValue(TAGS, tags.clone());
    return property;
  }

  final PropertyDescriptor value(String name, Object defaultValue) {
    PropertyDescriptor property = property(name);
    property.setValue(NOT_UNDEFINED, Boolean.TRUE);
    property.setValue(DEFAULT, defaultValue);
    return property;
  }
}
