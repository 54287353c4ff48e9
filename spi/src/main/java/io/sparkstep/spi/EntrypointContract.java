package io.sparkstep.spi;

/**
 * What a flavor needs to know of the step entrypoint without linking to the engine: its main class, the environment
 * variables that carry the spec to it, and the prefix of the line on which it prints the final run record.
 */
public final class EntrypointContract {

  /** The one entrypoint class every environment runs (in the engine jar, which clusters get as the application jar). */
  public static final String MAIN_CLASS = "io.sparkstep.runtime.StepEntrypoint";
  /** The final run record is printed to stderr on a line starting with this, for flavors that read only logs. */
  public static final String RECORD_LINE_PREFIX = "sparkstep-record: ";
  /** The spec inline, as JSON, when it is small enough for the platform's environment. */
  public static final String SPEC_ENV = "SPARKSTEP_SPEC";
  /** The URI of the spec, when it is too large to go inline. */
  public static final String SPEC_URI_ENV = "SPARKSTEP_SPEC_URI";
  /** Where the entrypoint writes the run's record and logs. */
  public static final String RUN_DIR_ENV = "SPARKSTEP_RUN_DIR";

  private EntrypointContract() {
  }
}
