package dev.tether.jmeter.internal;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JmeterLogBridgeTest {
  @Test void aRecordIsPassedOnAndNeverThrows() {
    JmeterLogBridge.install();
    JmeterLogBridge.install(); // idempotent
    java.util.logging.Logger tether = java.util.logging.Logger.getLogger("dev.tether.test");
    assertThatCode(() -> {
      tether.log(Level.WARNING, "ok {0}", "argument");
      tether.log(Level.WARNING, "not a pattern {", "argument");
      tether.log(Level.SEVERE, "failure", new IllegalStateException("x"));
      LogRecord nameless = new LogRecord(Level.INFO, "no logger name");
      tether.getParent().getHandlers()[0].publish(nameless);
    }).doesNotThrowAnyException();
  }
}
