package io.sparkstep.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How a test starts one {@code sparkstep} call in a process of its own: {@link #testClassPath} (the CLI's main on the
 * test's class path, as a flavor module's own tests have it) or {@link DistributionCli} (the unpacked tarball's
 * {@code bin/sparkstep}, flavors from its {@code plugins/}: the product).
 */
public interface CliLauncher {

  /**
   * Runs {@code sparkstep ARGS} with {@code home} as its Sparkstep home and {@code env} added to its environment (what
   * a user's shell exported), and waits at most {@code timeout} for it.
   */
  CliProcess run(Path home, Duration timeout, Map<String, String> env, String... args)
      throws IOException, InterruptedException;

  /** The CLI's main on this JVM's class path, after {@code setup} (null: none; see {@link CliProcess}). */
  static CliLauncher testClassPath(Class<? extends Runnable> setup) {
    return (home, timeout, env, args) -> CliProcess.run(home, timeout, env, setup, args);
  }
}
