package io.sparkstep.spi.util;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where Sparkstep keeps operators and run records on this machine: {@code -Dsparkstep.home}, else
 * {@code $SPARKSTEP_HOME}, else {@code ~/.sparkstep}.
 */
public final class SparkstepHome {
  private SparkstepHome() {
  }

  public static Path resolve() {
    String prop = System.getProperty("sparkstep.home");
    if (prop != null && !prop.isBlank()) {
      return Paths.get(prop).toAbsolutePath();
    }
    String env = System.getenv("SPARKSTEP_HOME");
    if (env != null && !env.isBlank()) {
      return Paths.get(env).toAbsolutePath();
    }
    return Paths.get(System.getProperty("user.home"), ".sparkstep");
  }
}
