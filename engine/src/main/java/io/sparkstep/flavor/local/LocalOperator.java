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
import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spec.SpecValidator;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.ResourceTable;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.StepOperator;
import io.sparkstep.spi.SubmitOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs steps on this machine. Resources: see {@link #RESOURCES}; memory is checked against the heap this JVM (or the
 * child JVM's -Xmx) has.
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

  /**
   * One JVM: cpu and memory size it; what needs a cluster is refused with a pointer to a distributed operator,
   * rather than ignored.
   */
  static final ResourceTable RESOURCES = resourceTableOfLocal();

  private static ResourceTable resourceTableOfLocal() {
    String elsewhere = "the local flavor runs one JVM; use a spark-submit or kubernetes operator for this";
    return ResourceTable.of(LocalFlavor.NAME)
        .mapped(ResourceField.CPU, "local[N]: the run's task threads")
        .mapped(ResourceField.MEMORY, "the child JVM's -Xmx; in this JVM, checked against its heap")
        .refused(ResourceField.GPUS, "GPUs cannot be requested in local mode", "Spark local mode does not schedule"
            + " GPUs (the run would hang or ignore them); " + elsewhere
            + ", or use explain --accelerator rapids to see what would run on a GPU")
        // a vendor needs resources.gpus, which is refused here: the vendor is checked as on every flavor, not refused
        .checked(ResourceField.GPU_VENDOR, "checked as everywhere; the GPUs it is for are refused (resources.gpus)")
        .oneJvm(ResourceField.EXECUTORS, "the one JVM, whose driver runs the tasks", "local mode has no executors",
            elsewhere)
        .refused(ResourceField.EXECUTOR_CPU, "local mode has no executors", "use resources.cpu")
        .refused(ResourceField.EXECUTOR_MEMORY, "local mode has no executors", "use resources.memory")
        .refused(ResourceField.MEMORY_OVERHEAD, "has no meaning in local mode", elsewhere)
        .oneJvm(ResourceField.DYNAMIC_ALLOCATION, "off: one JVM of fixed size", "local mode cannot scale executors",
            elsewhere)
        .refused(ResourceField.INSTANCE_TYPE, "has no meaning in local mode",
            "instance types are for sagemaker, vertex and azureml operators")
        .refused(ResourceField.DISK_GB, "has no meaning in local mode", "drop it")
        .refused(ResourceField.MAX_RUNTIME_SECONDS, "the local flavor does not stop a run after a time limit",
            "drop it and stop the run with 'sparkstep runs cancel RUN_ID', or use a spark-submit, kubernetes, "
                + "sagemaker, vertex or azureml operator, which enforce it")
        .build();
  }

  @Override
  public ResourceTable resourceTable() {
    return RESOURCES;
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
        } catch (InvalidSpecException e) {
          problems.addAll(e.problems());
        }
      }
    }
    ResourceSpec r = spec.resources;
    if (r == null) {
      return problems;
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
