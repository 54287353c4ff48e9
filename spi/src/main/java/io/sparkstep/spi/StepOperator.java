package io.sparkstep.spi;

import io.sparkstep.api.StepRun;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.util.List;

/**
 * A configured flavor, ready to run steps: one named operator. The engine validates the spec first, then calls
 * {@link #validate(StepSpec, SubmitOptions)} so the flavor can refuse what it cannot map (a resource, a GPU request),
 * then {@link #submit}. The spec handed to both is the caller's: a flavor that needs it changed works on a copy.
 */
public interface StepOperator {

  /**
   * Problems running this spec here: resources the flavor cannot map, GPUs where there are none, settings missing
   * for this spec. Called before anything is launched; must not contact the platform.
   */
  default List<ValidationProblem> validate(StepSpec spec) {
    return List.of();
  }

  /**
   * {@link #validate(StepSpec)} for a submission with these options; a flavor whose checks depend on them (a
   * detached local run gets its own JVM) overrides this one.
   */
  default List<ValidationProblem> validate(StepSpec spec, SubmitOptions options) {
    return validate(spec);
  }

  /**
   * How this operator treats each field of a step's resources: mapped, or refused with the fix. The engine applies
   * it before {@link #validate}: a set field the table does not declare is refused, as is every value a declared
   * refusal covers. The default declares nothing, so a flavor that does not override it takes no resources.
   */
  default ResourceTable resourceTable() {
    return ResourceTable.undeclared(getClass().getSimpleName());
  }

  /**
   * Whether the spec's {@code ${VAR}} references in Spark conf are resolved with this process's environment (the
   * run starts here or in a child that inherits it), so an unset variable is refused before launch. Remote flavors
   * resolve them where the driver runs, whose environment the submitter cannot see.
   */
  default boolean resolvesSparkConfHere() {
    return false;
  }

  /**
   * Whether the driver reaches storage through this process's network (it runs here, or on this machine), so an
   * input or output host this process cannot reach is refused before launch. A driver on a cluster or cloud resolves
   * names in its own network (cluster DNS, a VPC), which the submitter cannot judge.
   */
  default boolean reachesStorageFromHere() {
    return false;
  }

  /**
   * Launches the run and returns at once with its handle. The spec is validated, has its run id, operator reference
   * and run directory filled in; {@code options} say how the caller follows it; {@code context} holds the record to
   * keep up to date.
   *
   * @throws PlatformException when the platform refuses the submission or cannot be reached
   */
  StepRun submit(StepSpec spec, SubmitOptions options, RunContext context) throws PlatformException;

  /**
   * A handle for a run submitted earlier, perhaps by another process, from its stored record: for
   * {@code runs status}, {@code logs} and {@code cancel}. The handle refreshes state from the platform.
   */
  StepRun attach(RunRecord record, RunContext context);
}
