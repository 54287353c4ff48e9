package io.sparkstep.flavor.local;

import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.MemorySize;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.api.StepRun;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.StepOperator;
import io.sparkstep.spi.SubmitOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs steps on this machine. Resources map as: cpu to local[N]; memory is checked against the heap this JVM (or
 * the child JVM's -Xmx) has; everything that needs a cluster (executors, GPUs, dynamic allocation, executor sizes)
 * is refused with a pointer to a distributed operator, rather than ignored.
 */
final class LocalOperator implements StepOperator {
  private final OperatorConfig config;

  LocalOperator(OperatorConfig config) {
    this.config = config;
  }

  /** A detached run outlives this process, so it gets a child JVM, as accelerated runs and isolation=process do. */
  boolean inProcess(StepSpec spec, SubmitOptions options) {
    return !"process".equals(config.get(LocalFlavor.ISOLATION)) && !options.detached() && !accelerated(spec);
  }

  /**
   * Accelerated runs always get a child JVM: Comet's plugin and shuffle manager are static conf that only a new
   * SparkContext takes (restarting the shared embedded one would disturb other runs), and RAPIDS must be loaded by
   * Spark's mutable class loader, which the entrypoint sets up before Spark starts.
   */
  static boolean accelerated(StepSpec spec) {
    // An unknown name is the submitter's problem to report (once); here it only counts as not in-process.
    return Accelerator.byId(Accelerators.nameOf(spec)) != Accelerator.NONE;
  }

  @Override
  public boolean resolvesSparkConfHere() {
    return true;
  }

  @Override
  public boolean reachesStorageFromHere() {
    return true;
  }

  @Override
  public List<ValidationProblem> validate(StepSpec spec) {
    return validate(spec, SubmitOptions.FOLLOWED);
  }

  @Override
  public List<ValidationProblem> validate(StepSpec spec, SubmitOptions options) {
    List<ValidationProblem> problems = new ArrayList<>();
    if (accelerated(spec)) {
      problems.addAll(Accelerators.checkThisMachine(spec));
      if (problems.isEmpty() && Accelerators.check(spec, options.explain()).isEmpty()) {
        try {
          // Up front, so a jar that cannot be had fails here, not in the child; downloads it once into ~/.m2.
          Accelerators.plan(spec, options.explain());
        } catch (io.sparkstep.spi.spec.InvalidSpecException e) {
          problems.addAll(e.problems());
        }
      }
    }
    ResourceSpec r = spec.resources;
    if (r == null) {
      return problems;
    }
    String elsewhere = "the local flavor runs one JVM; use a spark-submit or kubernetes operator for this";
    if (r.gpus > 0) {
      problems.add(ValidationProblem.of("resources.gpus", "GPUs cannot be requested in local mode",
          "Spark local mode does not schedule GPUs (the run would hang or ignore them); " + elsewhere
              + ", or use explain --accelerator rapids to see what would run on a GPU"));
    }
    if (r.executors > 0) {
      problems.add(ValidationProblem.of("resources.executors", "local mode has no executors", elsewhere));
    }
    if (r.executorCpu > 0) {
      problems.add(ValidationProblem.of("resources.executorCpu", "local mode has no executors", "use resources.cpu"));
    }
    if (r.executorMemory != null) {
      problems.add(ValidationProblem.of("resources.executorMemory", "local mode has no executors", "use resources.memory"));
    }
    if (r.memoryOverhead != null) {
      problems.add(ValidationProblem.of("resources.memoryOverhead", "has no meaning in local mode", elsewhere));
    }
    if (r.dynamicAllocation != null && r.dynamicAllocation.enabled) {
      problems.add(ValidationProblem.of("resources.dynamicAllocation", "local mode cannot scale executors", elsewhere));
    }
    if (r.instanceType != null) {
      problems.add(ValidationProblem.of("resources.instanceType", "has no meaning in local mode",
          "instance types are for sagemaker, vertex and azureml operators"));
    }
    if (r.diskGb > 0) {
      problems.add(ValidationProblem.of("resources.diskGb", "has no meaning in local mode", "drop it"));
    }
    if (r.cpu > Runtime.getRuntime().availableProcessors() * 4) {
      problems.add(ValidationProblem.of("resources.cpu", r.cpu + " cores requested, this machine has "
          + Runtime.getRuntime().availableProcessors(), "lower resources.cpu"));
    }
    if (r.memory != null && inProcess(spec, options) && MemorySize.isMemory(r.memory)) {
      long wantedMiB = MemorySize.memoryMiB(r.memory);
      long haveMiB = Runtime.getRuntime().maxMemory() / (1024 * 1024);
      if (wantedMiB > haveMiB * 105 / 100) {
        problems.add(ValidationProblem.of("resources.memory", r.memory + " requested but this JVM has a "
            + haveMiB + "m heap", "start the JVM with a larger -Xmx (SPARKSTEP_JAVA_OPTS) or set isolation=process"));
      }
    }
    return problems;
  }

  @Override
  public StepRun submit(StepSpec spec, SubmitOptions options, RunContext context) {
    if (inProcess(spec, options)) {
      // The caller's spec stays as it was given: the run directory goes into this run's own copy.
      StepSpec inProcessSpec = spec.copy();
      if (inProcessSpec.runDir == null) {
        inProcessSpec.runDir = context.runDir().toUri().toString();
      }
      return InProcessRun.start(inProcessSpec, context, config);
    }
    return ChildProcessRun.start(spec, options, context, config);
  }

  @Override
  public StepRun attach(RunRecord record, RunContext context) {
    return new ChildProcessRun(context, ProcessIdentity.of(record).map(p -> Long.toString(p.pid())).orElse(null));
  }
}
