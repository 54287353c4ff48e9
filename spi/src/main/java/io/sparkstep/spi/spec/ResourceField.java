package io.sparkstep.spi.spec;

import java.util.function.Function;
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
  CPU("cpu", r -> r.cpu, null),
  MEMORY("memory", r -> r.memory, null),
  EXECUTORS("executors", r -> r.executors, r -> r.executors > 1),
  EXECUTOR_CPU("executorCpu", r -> r.executorCpu, null),
  EXECUTOR_MEMORY("executorMemory", r -> r.executorMemory, null),
  MEMORY_OVERHEAD("memoryOverhead", r -> r.memoryOverhead, null),
  DYNAMIC_ALLOCATION("dynamicAllocation", r -> r.dynamicAllocation,
      r -> r.dynamicAllocation != null && r.dynamicAllocation.enabled),
  GPUS("gpus", r -> r.gpus, null),
  GPU_VENDOR("gpuVendor", r -> r.gpuVendor, null),
  INSTANCE_TYPE("instanceType", r -> r.instanceType, null),
  DISK_GB("diskGb", r -> r.diskGb, null),
  MAX_RUNTIME_SECONDS("maxRuntimeSeconds", r -> r.maxRuntimeSeconds, null);

  private final String jsonName;
  private final Function<ResourceSpec, Object> value;
  private final Predicate<ResourceSpec> beyondOneJvm;

  ResourceField(String jsonName, Function<ResourceSpec, Object> value, Predicate<ResourceSpec> beyondOneJvm) {
    this.jsonName = jsonName;
    this.value = value;
    this.beyondOneJvm = beyondOneJvm == null ? this::isSet : beyondOneJvm;
  }

  /** The name in the spec's {@code resources} and in {@code --resources}. */
  public String jsonName() {
    return jsonName;
  }

  /** The field path a problem names: {@code resources.NAME}. */
  public String path() {
    return "resources." + jsonName;
  }

  /** The field's value in {@code resources}: a number, a text or the dynamic allocation, as in the JSON. */
  public Object value(ResourceSpec resources) {
    return value.apply(resources);
  }

  /** Whether the spec gives this field a value other than its default (0 for a number, null for the others). */
  public boolean isSet(ResourceSpec resources) {
    if (resources == null) {
      return false;
    }
    Object given = value.apply(resources);
    return given instanceof Number number ? number.longValue() != 0 : given != null;
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
