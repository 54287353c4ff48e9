package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.flavor.sparksubmit.SparkSubmitSettings.MasterKind;
import io.sparkstep.spi.remote.GpuVendor;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spi.ResourceTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps every field of a step's resources onto Spark conf for a spark-submit master, or refuses it: nothing is dropped.
 * The decisions are {@link #table}'s; {@link #conf} writes the conf for what it maps.
 *
 * <pre>
 * field              standalone                          yarn                              local[N]
 * cpu                spark.driver.cores (cluster mode)   spark.driver.cores (cluster mode) refused (use local[N])
 * memory             spark.driver.memory                 spark.driver.memory               spark.driver.memory
 * executors          spark.cores.max = n * executorCpu   spark.executor.instances          refused
 * executorCpu        spark.executor.cores                spark.executor.cores              refused
 * executorMemory     spark.executor.memory               spark.executor.memory             refused
 * memoryOverhead     refused (Workers do not count it)   spark.executor.memoryOverhead     refused
 * dynamicAllocation  spark.dynamicAllocation.* with shuffle tracking, min/max executors     refused
 * gpus, gpuVendor    spark.executor.resource.gpu.amount/vendor, only with a discovery script, else refused
 * instanceType       refused (a Spark master has no instance types)
 * diskGb             refused (Spark has no per-executor disk request)
 * maxRuntimeSeconds  enforced by the run handle: the driver is killed and the run FAILS when it runs longer
 * </pre>
 * In client mode the driver is a process on this machine, so a driver core count cannot be given to it: refused.
 */
final class ResourceConf {
  static final String DISCOVERY_SCRIPT = "spark.executor.resource.gpu.discoveryScript";

  private ResourceConf() {
  }

  /** What this operator's master maps of a step's resources, and what it refuses: the table above. */
  static ResourceTable table(SparkSubmitSettings settings) {
    MasterKind kind = settings.masterKind();
    boolean local = kind == MasterKind.LOCAL;
    String distributed = "the master is " + settings.master() + "; use a spark:// or yarn master for this";
    ResourceTable.Builder table = ResourceTable.of(SparkSubmitFlavor.NAME);
    if (local) {
      table.refused(ResourceField.CPU, "a local master sets its own thread count",
          "write it into the master, e.g. master=local[4]");
    } else if (!settings.clusterMode()) {
      table.refused(ResourceField.CPU, "driver cores cannot be given to a client-mode driver (it is a process on "
          + "this machine)", "use deployMode=cluster, or drop resources.cpu");
    } else {
      table.mapped(ResourceField.CPU, "spark.driver.cores");
    }
    table.mapped(ResourceField.MEMORY, "spark.driver.memory");
    if (local) {
      table.oneJvm(ResourceField.EXECUTORS, "the master's one JVM", "a local master has no executors", distributed)
          .refused(ResourceField.EXECUTOR_CPU, "a local master has no executors", distributed)
          .refused(ResourceField.EXECUTOR_MEMORY, "a local master has no executors", distributed)
          .oneJvm(ResourceField.DYNAMIC_ALLOCATION, "off: the master's one JVM",
              "a local master cannot scale executors", distributed);
    } else {
      table.mapped(ResourceField.EXECUTORS, kind == MasterKind.STANDALONE
              ? "spark.executor.instances, spark.cores.max = executors * executorCpu" : "spark.executor.instances")
          .mapped(ResourceField.EXECUTOR_CPU, "spark.executor.cores")
          .mapped(ResourceField.EXECUTOR_MEMORY, "spark.executor.memory")
          .mapped(ResourceField.DYNAMIC_ALLOCATION, "spark.dynamicAllocation.* with shuffle tracking");
    }
    if (kind == MasterKind.YARN) {
      table.mapped(ResourceField.MEMORY_OVERHEAD, "spark.executor.memoryOverhead");
    } else {
      table.refused(ResourceField.MEMORY_OVERHEAD, "standalone and local masters do not reserve executor memory "
          + "overhead", "raise resources.executorMemory instead, or use a yarn master");
    }
    if (settings.conf().containsKey(DISCOVERY_SCRIPT)) {
      table.mapped(ResourceField.GPUS, "spark.executor.resource.gpu.amount");
    } else {
      table.refused(ResourceField.GPUS, "GPUs need a discovery script on the executors (without one, executors "
              + "never get their GPUs and the step waits for ever)",
          "--set conf." + DISCOVERY_SCRIPT + "=/path/getGpusResources.sh on an operator whose workers have GPUs, "
              + "or use the kubernetes flavor");
    }
    return table.mapped(ResourceField.GPU_VENDOR, "spark.executor.resource.gpu.vendor")
        .refused(ResourceField.INSTANCE_TYPE, "a Spark master has no instance types",
            "size executors with executorCpu/executorMemory; instance types are for sagemaker, vertex and azureml")
        .refused(ResourceField.DISK_GB, "Spark cannot request disk per executor",
            "give the workers enough local disk (spark.local.dir) and drop resources.diskGb")
        .mapped(ResourceField.MAX_RUNTIME_SECONDS, "enforced by the run handle: the driver is stopped and the run "
            + "FAILS")
        .build();
  }

  /** Everything this flavor says of the resources: the table's refusals, then {@link #valueProblems}. */
  static List<ValidationProblem> problems(ResourceSpec r, SparkSubmitSettings settings) {
    List<ValidationProblem> problems = new ArrayList<>(table(settings).problems(r));
    problems.addAll(valueProblems(r));
    return problems;
  }

  /** Values that contradict each other, whatever the master: what the table cannot say field by field. */
  static List<ValidationProblem> valueProblems(ResourceSpec r) {
    List<ValidationProblem> problems = new ArrayList<>();
    if (r == null) {
      return problems;
    }
    if (r.dynamicAllocation != null && r.dynamicAllocation.enabled && r.executors > 0) {
      problems.add(ValidationProblem.of("resources.executors", "a fixed executor count contradicts dynamic "
          + "allocation", "drop resources.executors and use dynamicAllocation min/max"));
    }
    if (r.dynamicAllocation != null && r.dynamicAllocation.enabled && r.dynamicAllocation.maxExecutors > 0
        && r.dynamicAllocation.minExecutors > r.dynamicAllocation.maxExecutors) {
      problems.add(ValidationProblem.of("resources.dynamicAllocation", "minExecutors "
          + r.dynamicAllocation.minExecutors + " exceeds maxExecutors " + r.dynamicAllocation.maxExecutors,
          "make min <= max"));
    }
    if (r.gpuVendor != null && r.gpus <= 0) {
      problems.add(ValidationProblem.of("resources.gpuVendor", "a GPU vendor without GPUs", "set resources.gpus"));
    }
    return problems;
  }

  /** Seconds after which the run handle stops the driver and the run FAILS; 0: no limit. */
  static long runtimeLimitSeconds(ResourceSpec r) {
    return r == null ? 0 : r.maxRuntimeSeconds;
  }

  /** The conf for resources that passed {@link #problems}: the fields {@link #table} maps. */
  static Map<String, String> conf(ResourceSpec r, SparkSubmitSettings settings) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (r == null) {
      return conf;
    }
    conf.putAll(r.sizingConf());
    if (r.executors > 0) {
      if (settings.masterKind() == MasterKind.STANDALONE) {
        // Standalone sizes an application by total cores: n executors of c cores each is n*c cores at most.
        int cores = r.executorCpu > 0 ? r.executorCpu : 1;
        conf.put("spark.executor.cores", Integer.toString(cores));
        conf.put("spark.cores.max", Integer.toString(r.executors * cores));
      }
      conf.put("spark.executor.instances", Integer.toString(r.executors));
    }
    conf.putAll(r.dynamicAllocationConf());
    if (r.gpus > 0) {
      conf.put("spark.executor.resource.gpu.amount", Integer.toString(r.gpus));
      if (r.gpuVendor != null) {
        conf.put("spark.executor.resource.gpu.vendor", GpuVendor.parse(r.gpuVendor)
            .map(GpuVendor::domain).orElse(r.gpuVendor));
      }
    }
    return conf;
  }
}
