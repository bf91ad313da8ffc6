package dev.tether.jmeter.internal;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Tether's {@code java.util.logging} records to JMeter's log ({@code jmeter.log}, through the
 * SLF4J API JMeter ships) instead of the console, where a non-GUI run or a {@code jmeter-server}
 * would mix them with its own output. Installed once per JVM.
 */
final class JmeterLogBridge extends Handler {
  private static final String TETHER_LOGGER = "dev.tether";
  private static boolean installed; // guarded by JmeterLogBridge.class
  // java.util.logging keeps loggers weakly: hold the one the handler is attached to
  private static Logger root;

  private JmeterLogBridge() {}

  static synchronized void install() {
    if (installed) return;
    installed = true;
    root = Logger.getLogger(TETHER_LOGGER);
    root.addHandler(new JmeterLogBridge());
    root.setUseParentHandlers(false);
  }

  @Override public void publish(LogRecord record) {
    if (record == null) return;
    org.slf4j.Logger target = LoggerFactory.getLogger(
        record.getLoggerName() == null ? TETHER_LOGGER : record.getLoggerName());
    String message = record.getMessage();
    if (record.getParameters() != null && record.getParameters().length > 0 && message != null) {
      try {
        message = java.text.MessageFormat.format(message, record.getParameters());
      } catch (IllegalArgumentException e) {
        // not a MessageFormat pattern after all: log it as it is (a log call must never throw)
      }
    }
    Throwable thrown = record.getThrown();
    int level = record.getLevel().intValue();
    if (level >= Level.SEVERE.intValue()) {
      target.error(message, thrown);
    } else if (level >= Level.WARNING.intValue()) {
      target.warn(message, thrown);
    } else if (level >= Level.INFO.intValue()) {
      target.info(message, thrown);
    } else if (level >= Level.FINE.intValue()) {
      target.debug(message, thrown);
    } else {
      target.trace(message, thrown);
    }
  }

  @Override public void flush() {}

  @Override public void close() {}
}
