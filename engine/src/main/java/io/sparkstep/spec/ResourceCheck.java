package io.sparkstep.spec;

import io.sparkstep.spi.remote.GpuVendor;
import io.sparkstep.spi.spec.MemorySize;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.util.List;

/** The check of the spec's resources: counts not negative, memory sizes in Spark notation, dynamic allocation, GPUs. */
final class ResourceCheck implements SpecCheck {
  @Override
  public void check(SpecCheckContext context) {
    ResourceSpec resources = context.spec.resources;
    List<ValidationProblem> problems = context.problems;
    if (resources == null) {
      return;
    }
    nonNegative("resources.cpu", resources.cpu, problems);
    nonNegative("resources.gpus", resources.gpus, problems);
    nonNegative("resources.executors", resources.executors, problems);
    nonNegative("resources.executorCpu", resources.executorCpu, problems);
    nonNegative("resources.diskGb", resources.diskGb, problems);
    memory("resources.memory", resources.memory, problems);
    memory("resources.executorMemory", resources.executorMemory, problems);
    memory("resources.memoryOverhead", resources.memoryOverhead, problems);
    if (resources.dynamicAllocation != null) {
      ResourceSpec.DynamicAllocation dyn = resources.dynamicAllocation;
      if (dyn.maxExecutors > 0 && dyn.minExecutors > dyn.maxExecutors) {
        problems.add(ValidationProblem.of("resources.dynamicAllocation.minExecutors",
            "is greater than maxExecutors (" + dyn.minExecutors + " > " + dyn.maxExecutors + ")", "lower min or raise max"));
      }
      if (dyn.enabled && resources.executors > 0) {
        problems.add(ValidationProblem.of("resources.executors",
            "is fixed while dynamic allocation is enabled", "set dynamicAllocation.minExecutors/maxExecutors instead"));
      }
    }
    if (resources.gpuVendor != null && resources.gpus == 0) {
      problems.add(ValidationProblem.of("resources.gpuVendor", "is set but no GPUs are requested", "set gpus or drop gpuVendor"));
    }
    // One vocabulary on every flavor, checked once here: a flavor maps a known vendor or refuses it, never guesses.
    if (resources.gpuVendor != null && GpuVendor.parse(resources.gpuVendor).isEmpty()) {
      problems.add(ValidationProblem.of("resources.gpuVendor", "'" + resources.gpuVendor + "' is not a GPU vendor",
          "use " + GpuVendor.vocabulary() + " (or leave it out)"));
    }
  }

  private static void nonNegative(String field, long value, List<ValidationProblem> problems) {
    if (value < 0) {
      problems.add(ValidationProblem.of(field, "must not be negative, was " + value, "use 0 (unset) or a positive number"));
    }
  }

  private static void memory(String field, String value, List<ValidationProblem> problems) {
    if (value == null) {
      return;
    }
    try {
      if (MemorySize.memoryMiB(value) <= 0) {
        problems.add(ValidationProblem.of(field, "'" + value + "' is less than 1 MiB", "use e.g. 512m or 4g"));
      }
    } catch (RuntimeException e) {
      problems.add(ValidationProblem.of(field, "'" + value + "' is not a memory size",
          "use Spark notation such as 512m or 4g"));
    }
  }
}
