package io.sparkstep.spi;

import java.util.Map;

/**
 * What the CLI lends the commands a {@link CliExtension} adds: the few engine services such a command may use, so a
 * module that adds a command links to the SPI and never to the engine.
 */
@FunctionalInterface
public interface CliContext {

  /**
   * Saves an operator as {@code sparkstep operator register} does: the flavor checks the settings first, and invalid
   * ones are refused with the field, the problem and the fix.
   *
   * @param replace whether an operator of the same name is overwritten rather than refused
   */
  void registerOperator(String name, String flavor, Map<String, String> settings, boolean replace);
}
