package io.sparkstep.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;

/**
 * Points every log4j console appender of this JVM at the scrubbing stdout/stderr
 * ({@link io.sparkstep.util.ScrubbingPrintStream}). A console appender keeps the stream it was built with: where
 * log4j started before the entrypoint (a driver under spark-submit: a driver pod, a client-mode driver, a
 * standalone worker's driver), Spark's and the step's log lines would reach the container's log unscrubbed. A
 * follow-mode appender writes to whatever System.out/err is at the time, which from the entrypoint on scrubs.
 */
final class ScrubbedConsoleLogs {
  private ScrubbedConsoleLogs() {
  }

  static void install() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    List<LoggerConfig> loggers = new ArrayList<>(config.getLoggers().values());
    loggers.add(config.getRootLogger());
    for (Map.Entry<String, Appender> entry : Map.copyOf(config.getAppenders()).entrySet()) {
      if (!(entry.getValue() instanceof ConsoleAppender console)) {
        continue;
      }
      ConsoleAppender following = ConsoleAppender.newBuilder().setName(console.getName())
          .setTarget(console.getTarget()).setFollow(true).setLayout(console.getLayout())
          .setFilter(console.getFilter()).setConfiguration(config).build();
      following.start();
      for (LoggerConfig logger : loggers) {
        for (AppenderRef ref : logger.getAppenderRefs()) {
          if (ref.getRef().equals(console.getName()) && logger.getAppenders().containsKey(console.getName())) {
            logger.removeAppender(console.getName());
            logger.addAppender(following, ref.getLevel(), ref.getFilter());
          }
        }
      }
      config.getAppenders().put(console.getName(), following);
      console.stop();
    }
    context.updateLoggers();
  }
}
