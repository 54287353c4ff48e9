package io.sparkstep.flavor.vertex;

import com.google.cloud.aiplatform.v1.MachineSpec;
import io.sparkstep.spi.remote.GpuVendor;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spi.ResourceTable;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps the fields of {@link ResourceSpec} that {@link #RESOURCES} declares mapped onto the job's worker pool. The step
 * runs in one container (Spark in local mode over the machine's cores), so executor-level settings are refused there.
 */
final class ResourceMapping {
  private final VertexSettings settings;

  ResourceMapping(VertexSettings settings) {
    this.settings = settings;
  }

  /**
   * One replica, one container running Spark in local mode over the machine's cores: the machine is chosen from
   * cpu, memory and gpus (or named), and executor-level settings have nothing to map to.
   */
  static final ResourceTable RESOURCES = resourceTableOfVertex();

  private static ResourceTable resourceTableOfVertex() {
    String oneContainer = "a vertex run is one container running Spark in local mode; size it with resources.cpu, "
        + "memory, gpus or instanceType, or use the kubernetes or spark-submit flavor for executors";
    return ResourceTable.of(VertexFlavor.NAME)
        .mapped(ResourceField.CPU, "machineSpec.machineType: the smallest machine in the table with the cpu")
        .mapped(ResourceField.MEMORY, "machineSpec.machineType: the smallest machine in the table with the memory")
        .mapped(ResourceField.GPUS, "machineSpec.acceleratorCount, of the operator's acceleratorType")
        .checked(ResourceField.GPU_VENDOR, "Vertex AI's accelerators are NVIDIA's: nvidia accepted, others refused")
        .oneJvm(ResourceField.EXECUTORS, "the one replica (replicaCount 1)", "vertex runs one replica, not several "
            + "executors", oneContainer)
        .refused(ResourceField.EXECUTOR_CPU, "there are no separate executors on vertex", oneContainer)
        .refused(ResourceField.EXECUTOR_MEMORY, "there are no separate executors on vertex", oneContainer)
        .refused(ResourceField.MEMORY_OVERHEAD, "vertex gives the container the whole machine; there is no overhead "
            + "to set", "remove memoryOverhead; choose the machine with resources.memory")
        .oneJvm(ResourceField.DYNAMIC_ALLOCATION, "off: a fixed single replica", "vertex runs a fixed single replica",
            oneContainer)
        .mapped(ResourceField.INSTANCE_TYPE, "machineSpec.machineType, as named")
        .mapped(ResourceField.DISK_GB, "diskSpec.bootDiskSizeGb (100..65536)")
        .mapped(ResourceField.MAX_RUNTIME_SECONDS, "scheduling.timeout of the custom job")
        .build();
  }

  /** Checks of the values against Vertex's machines; what is refused outright is {@link #RESOURCES}'. */
  void validate(ResourceSpec r, List<ValidationProblem> problems) {
    ValidationProblem vendor = GpuVendor.onlyNvidia("Vertex AI", r.gpuVendor);
    if (vendor != null) {
      problems.add(vendor);
    }
    if (r.gpus < 0) {
      problems.add(ValidationProblem.of("resources.gpus", "must not be negative", "use 0 or more"));
    }
    if (r.diskGb != 0 && (r.diskGb < 100 || r.diskGb > 65536)) {
      problems.add(ValidationProblem.of("resources.diskGb", "Vertex boot disks are 100..65536 GB, not " + r.diskGb,
          "set diskGb between 100 and 65536"));
    }
    if (r.maxRuntimeSeconds < 0) {
      problems.add(ValidationProblem.of("resources.maxRuntimeSeconds", "must not be negative", "use seconds > 0"));
    }
    checkN1GpuCpus(r, problems);
    if (explicitType(r) == null && r.gpus >= 0 && machineFromTable(r).isEmpty()) {
      problems.add(ValidationProblem.of("resources", "no Vertex machine in the table has cpu=" + r.cpu + ", memory="
              + r.memory + ", gpus=" + r.gpus + (r.gpus > 0 ? " of " + settings.acceleratorType : ""),
          "lower the request, set resources.instanceType (e.g. n1-standard-8) or the operator's machineType; "
              + "T4/V100/P100 take 1, 2 or 4 GPUs; L4 1, 2, 4 or 8; A100 and H100 1, 2, 4 or 8"));
    }
  }

  /** vCPUs per GPU on N1 machines are limited by Compute Engine; a request above the limit is refused here. */
  private void checkN1GpuCpus(ResourceSpec r, List<ValidationProblem> problems) {
    if (r.gpus <= 0) {
      return;
    }
    String accelerator = settings.acceleratorType.toUpperCase(Locale.ROOT);
    int max = MachineTypes.maxN1Cpus(accelerator, r.gpus);
    if (max < 0) {
      return;
    }
    String type = explicitType(r) != null ? explicitType(r) : machineFromTable(r).orElse(null);
    int cpus = type == null ? -1 : MachineTypes.n1Cpus(type);
    int asked = Math.max(cpus, r.cpu);
    if (asked > max) {
      problems.add(ValidationProblem.of(r.cpu > max ? "resources.cpu" : "resources.instanceType", asked + " vCPUs with "
          + r.gpus + " " + accelerator + " is more than Compute Engine allows (" + max + ")",
          "ask for at most " + max + " cpu, or more GPUs"));
    }
  }

  /** The machine spec for a validated request: explicit type, else the operator's type, else the table. */
  MachineSpec machineSpec(ResourceSpec r) {
    String type = explicitType(r);
    if (type == null) {
      type = machineFromTable(r).orElseThrow();
    }
    MachineSpec.Builder spec = MachineSpec.newBuilder().setMachineType(type);
    if (r.gpus > 0) {
      spec.setAcceleratorType(settings.accelerator()).setAcceleratorCount(r.gpus);
    }
    return spec.build();
  }

  int bootDiskGb(ResourceSpec r) {
    return r.diskGb != 0 ? r.diskGb : settings.bootDiskGb;
  }

  private String explicitType(ResourceSpec r) {
    if (r.instanceType != null && !r.instanceType.isBlank()) {
      return r.instanceType.trim().toLowerCase(Locale.ROOT);
    }
    return settings.machineType == null || settings.machineType.isBlank() ? null : settings.machineType.trim();
  }

  /** The table's machine, or empty when none fits or the memory is unreadable (SpecValidator names that field). */
  private Optional<String> machineFromTable(ResourceSpec r) {
    try {
      return MachineTypes.choose(r, settings.acceleratorType.toUpperCase(Locale.ROOT));
    } catch (RuntimeException unreadableMemory) {
      return Optional.empty();
    }
  }
}
