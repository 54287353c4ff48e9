package io.sparkstep.spi.remote;

import io.sparkstep.spi.spec.MemorySize;
import io.sparkstep.spi.spec.ResourceSpec;
import java.util.List;
import java.util.function.Predicate;

/**
 * The one rule from a step's {@code resources} to a cloud machine, over a table each flavor keeps of its platform's
 * machines: a step's {@code resources.instanceType} wins, then the operator's default, then the first row of the
 * table (its order is the preference: cheapest or smallest first) with at least the cpus, memory and GPUs asked for.
 * A CPU step never gets a GPU machine. A platform rule the columns cannot say (a family whose machines carry a fixed
 * GPU count, a GPU count the platform refuses) is the flavor's own, passed as a filter on the rows.
 */
public final class InstanceTypeChooser {
  /** One machine: vCPUs, memory in GiB and GPUs. */
  public record InstanceType(String name, int cpus, int memoryGiB, int gpus) {
  }

  private final List<InstanceType> table;

  public InstanceTypeChooser(List<InstanceType> table) {
    this.table = List.copyOf(table);
  }

  /** The machine for {@code resources}, or null when no row fits (the flavor refuses the spec naming the field). */
  public String choose(ResourceSpec resources, String operatorDefault) {
    return choose(resources, operatorDefault, row -> true);
  }

  /** As {@link #choose(ResourceSpec, String)}, over the rows {@code platformAllows} only. */
  public String choose(ResourceSpec resources, String operatorDefault, Predicate<InstanceType> platformAllows) {
    if (resources != null && resources.instanceType != null && !resources.instanceType.isBlank()) {
      return resources.instanceType;
    }
    if (operatorDefault != null && !operatorDefault.isBlank()) {
      return operatorDefault;
    }
    int cpus = resources == null ? 0 : resources.cpu;
    long memoryMiB = resources == null || resources.memory == null ? 0 : MemorySize.memoryMiB(resources.memory);
    int gpus = resources == null ? 0 : resources.gpus;
    for (InstanceType type : table) {
      boolean gpuFits = gpus == 0 ? type.gpus() == 0 : type.gpus() >= gpus;
      if (gpuFits && platformAllows.test(type) && type.cpus() >= cpus && type.memoryGiB() * 1024L >= memoryMiB) {
        return type.name();
      }
    }
    return null;
  }
}
