package io.sparkstep.spi;

/**
 * Adds a top-level command to {@code bin/sparkstep} from a module on the classpath (e.g. {@code cluster} from the
 * spark-submit flavor, {@code bench} from benchmarks), found by ServiceLoader through
 * {@code META-INF/services/io.sparkstep.spi.CliExtension}. The engine's CLI never imports those modules.
 */
public interface CliExtension {

  /**
   * A picocli command object (a class annotated with {@code @picocli.CommandLine.Command}); its commands follow the
   * CLI's exit codes: 0 ok, 1 failed, 2 invalid input, 3 platform error, 4 cancelled. {@code context} is what the
   * command may ask of the engine.
   */
  Object command(CliContext context);
}
