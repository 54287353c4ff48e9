package io.sparkstep.spec;

import java.util.function.Predicate;

/**
 * The fields of {@link ResourceSpec}, named as in its JSON: the list every flavor's {@code ResourceTable} declares a
 * treatment for. Adding a field to {@link ResourceSpec} means adding it here, and then declaring it on every flavor
 * (the flavor contract walks this list and fails for a field a flavor leaves undeclared).
 *
 * <p>Two questions are answered here once, so no flavor answers them its own way: whether a field is set (it differs
 * from its default), and whether it asks for more than one JVM can give (what a flavor that runs the step in one JVM
 * or container must refuse; one executor is what that JVM is).
 */
public enum ResourceField {
  CPU("cpu", r -> r.cpu != 0, null),
  MEMORY("memory", r -> r.memory != null, null),
  EXECUTORS("executors", r -> r.executors != 0, r -> r.executors > 1),
  EXECUTOR_CPU("executorCpu", r -> r.executorCpu != 0, null),
  EXECUTOR_MEMORY("executorMemory", r -> r.executorMemory != null, null),
  MEMORY_OVERHEAD("memoryOverhead", r -> r.memoryOverhead != null, null),
  DYNAMIC_ALLOCATION("dynamicAllocation", r -> r.dynamicAllocation != null,
      r -> r.dynamicAllocation != null && r.dynamicAllocation.enabled),
  GPUS("gpus", r -> r.gpus != 0, null),
  GPU_VENDOR("gpuVendor", r -> r.gpuVendor != null, null),
  INSTANCE_TYPE("instanceType", r -> r.instanceType != null, null),
  DISK_GB("diskGb", r -> r.diskGb != 0, null),
  MAX_RUNTIME_SECONDS("maxRuntimeSeconds", r -> r.maxRuntimeSeconds != 0, null);

  private final String jsonName;
  private final Predicate<ResourceSpec> set;
  private final Predicate<ResourceSpec> beyondOneJvm;

  ResourceField(String jsonName, Predicate<ResourceSpec> set, Predicate<ResourceSpec> beyondOneJvm) {
    this.jsonName = jsonName;
    this.set = set;
    this.beyondOneJvm = beyondOneJvm == null ? set : beyondOneJvm;
  }

  /** The name in the spec's {@code resources} and in {@code --resources}. */
  public String jsonName() {
    return jsonName;
  }

  /** The field path a problem names: {@code resources.NAME}. */
  public String path() {
    return "resources." + jsonName;
  }

  /** Whether the spec gives this field a value other than its default. */
  public boolean isSet(ResourceSpec resources) {
    return resources != null && set.test(resources);
  }

  /**
   * Whether the value asks for more than one JVM (or container) gives: more than one executor, dynamic allocation
   * on; for every other field, any value at all.
   */
  public boolean beyondOneJvm(ResourceSpec resources) {
    return resources != null && beyondOneJvm.test(resources);
  }

  /** The field of that JSON name, or null. */
  public static ResourceField ofJsonName(String name) {
    for (ResourceField field : values()) {
      if (field.jsonName.equals(name)) {
        return field;
      }
    }
    return null;
  }
}
