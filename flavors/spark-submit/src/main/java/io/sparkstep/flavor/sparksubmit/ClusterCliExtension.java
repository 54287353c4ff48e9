package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.spi.CliContext;
import io.sparkstep.spi.CliExtension;

/** Adds {@code sparkstep cluster} to the CLI when this flavor is on the classpath. */
public final class ClusterCliExtension implements CliExtension {
  @Override
  public Object command(CliContext context) {
    return new ClusterCommand(context);
  }
}
