package io.sparkstep.runtime;

import io.sparkstep.spi.util.Redactor;
import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Copies every log line (Spark's and the step's) written while a run is in progress into the run's log file, so
 * {@code logs --follow} can stream it while the step runs. Installed on the root logger for the run's lifetime.
 */
public final class RunLogCapture implements AutoCloseable {
  private static final String[] OWN_LOGGERS = {"sparkstep", "io.sparkstep"};
  private final Appender appender;

  private RunLogCapture(Appender appender) {
    this.appender = appender;
  }

  public static RunLogCapture start(String runId, Path logFile) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    PatternLayout layout = PatternLayout.newBuilder().withConfiguration(config)
        .withPattern("%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex").build();
    FileAppender appender = FileAppender.newBuilder().setName("sparkstep-run-" + runId)
        .withFileName(logFile.toString()).withAppend(true).withImmediateFlush(true)
        .setLayout(new ScrubbingLayout(layout)).setConfiguration(config).build();
    appender.start();
    config.addAppender(appender);
    // The root level is left as configured: spark-conf/log4j2.properties keeps it at INFO with the console at WARN,
    // so a terminal stays quiet while the run's log gets every INFO line.
    config.getRootLogger().addAppender(appender, Level.INFO, null);
    // Sparkstep's own lines (the step's logger, the runner's progress) reach the run log even when the root logger
    // is quieter than INFO.
    for (String name : OWN_LOGGERS) {
      LoggerConfig own = config.getLoggerConfig(name);
      if (!own.getName().equals(name)) {
        own = new LoggerConfig(name, Level.INFO, true);
        config.addLogger(name, own);
      } else if (!own.getLevel().isLessSpecificThan(Level.INFO)) {
        own.setLevel(Level.INFO);
      }
      if (!config.getRootLogger().getLevel().isLessSpecificThan(Level.INFO)) {
        own.addAppender(appender, Level.INFO, null);
      }
    }
    context.updateLoggers();
    return new RunLogCapture(appender);
  }

  /** The run log's layout with the run's registered secrets scrubbed from every line (message, trace). */
  private static final class ScrubbingLayout extends org.apache.logging.log4j.core.layout.AbstractStringLayout {
    private final PatternLayout delegate;

    ScrubbingLayout(PatternLayout delegate) {
      super(java.nio.charset.StandardCharsets.UTF_8);
      this.delegate = delegate;
    }

    @Override
    public String toSerializable(org.apache.logging.log4j.core.LogEvent event) {
      return Redactor.scrub(delegate.toSerializable(event));
    }
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    config.getRootLogger().removeAppender(appender.getName());
    for (String name : OWN_LOGGERS) {
      config.getLoggerConfig(name).removeAppender(appender.getName());
    }
    context.updateLoggers();
    appender.stop();
  }
}
