package io.sparkstep.testing;

import io.sparkstep.cli.SparkstepCli;

/**
 * The CLI's main after a test's setup ({@link CliProcess#run(java.nio.file.Path, java.time.Duration,
 * java.util.Map, Class, String...)}): a platform's credential or trust for its stand-in, installed the way an
 * embedding application would, in a JVM that is otherwise a user's fresh {@code sparkstep} call.
 */
public final class FreshCli {
  static final String SETUP_PROPERTY = "sparkstep.test.cliSetup";

  private FreshCli() {
  }

  public static void main(String[] args) throws Exception {
    Class.forName(System.getProperty(SETUP_PROPERTY)).asSubclass(Runnable.class).getDeclaredConstructor()
        .newInstance().run();
    System.exit(SparkstepCli.execute(args));
  }
}
