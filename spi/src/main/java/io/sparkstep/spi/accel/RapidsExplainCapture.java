package io.sparkstep.spi.accel;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects the plan explanations RAPIDS logs (at WARN, from its {@code com.nvidia} loggers) while a step runs, so
 * they can be counted and put in the run record whatever the console's log level is.
 */
final class RapidsExplainCapture extends AbstractAppender implements AutoCloseable {
  private static final String LOGGER = "com.nvidia";
  private final List<String> messages = new ArrayList<>();
  private final boolean addedLogger;

  private RapidsExplainCapture(boolean addedLogger) {
    super("sparkstep-rapids-explain", null, null, true, Property.EMPTY_ARRAY);
    this.addedLogger = addedLogger;
  }

  static RapidsExplainCapture install() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    LoggerConfig existing = config.getLoggerConfig(LOGGER);
    boolean add = !existing.getName().equals(LOGGER);
    RapidsExplainCapture capture = new RapidsExplainCapture(add);
    capture.start();
    config.addAppender(capture);
    LoggerConfig logger = existing;
    if (add) {
      // A logger of its own, additive: the run's log keeps what it would have shown, WARN lines always reach us.
      logger = new LoggerConfig(LOGGER, Level.WARN, true);
      config.addLogger(LOGGER, logger);
    } else if (!logger.getLevel().isLessSpecificThan(Level.WARN)) {
      logger.setLevel(Level.WARN);
    }
    logger.addAppender(capture, Level.WARN, null);
    context.updateLoggers();
    return capture;
  }

  @Override
  public void append(LogEvent event) {
    if (UncountedPlans.active()) {
      // a model save or load of Sparkstep's, not a plan of the step (log4j calls appenders on the logging thread)
      return;
    }
    String message = event.getMessage().getFormattedMessage();
    if (message != null && message.contains(" <")) {
      synchronized (messages) {
        messages.add(message);
      }
    }
  }

  /** Every explain line logged so far, parsed. */
  List<PlanItem> items() {
    List<PlanItem> items = new ArrayList<>();
    synchronized (messages) {
      messages.forEach(message -> items.addAll(RapidsExplainParser.parse(message)));
    }
    return items;
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    config.getLoggerConfig(LOGGER).removeAppender(getName());
    if (addedLogger) {
      config.removeLogger(LOGGER);
    }
    context.updateLoggers();
    stop();
  }
}
