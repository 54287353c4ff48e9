package io.sparkstep.spi.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.sparkstep.api.Resources;
import io.sparkstep.api.StepResources;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resources a step asks for. Every field is either mapped by the flavor to Spark conf or platform settings, or
 * refused with a clear error: none is dropped silently.
 *
 * <p>A field added here is added to {@link ResourceField} too, and declared in every flavor's resource table.
 *
 * <p>{@code cpu}/{@code memory} are the driver's (and, on local, the whole run's); the executor fields apply to
 * distributed flavors. {@code gpus} is GPUs per executor.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public class ResourceSpec implements Resources {
  public int cpu;
  public String memory;
  public int gpus;
  public int executors;
  public int executorCpu;
  public String executorMemory;
  public String memoryOverhead;
  public String gpuVendor;
  public DynamicAllocation dynamicAllocation;
  /** Platform-specific instance/machine type; wins over the table derived from cpu, memory and gpus. */
  public String instanceType;
  public int diskGb;
  public long maxRuntimeSeconds;

  /** The spec's form of resources given as a value (the launch API). */
  public static ResourceSpec of(StepResources value) {
    ResourceSpec spec = new ResourceSpec();
    spec.cpu = value.cpu();
    spec.memory = value.memory();
    spec.gpus = value.gpus();
    spec.gpuVendor = value.gpuVendor();
    spec.executors = value.executors();
    spec.executorCpu = value.executorCpu();
    spec.executorMemory = value.executorMemory();
    spec.memoryOverhead = value.memoryOverhead();
    if (value.dynamicAllocation() != null) {
      spec.dynamicAllocation = new DynamicAllocation();
      spec.dynamicAllocation.enabled = value.dynamicAllocation().enabled();
      spec.dynamicAllocation.minExecutors = value.dynamicAllocation().minExecutors();
      spec.dynamicAllocation.maxExecutors = value.dynamicAllocation().maxExecutors();
    }
    spec.instanceType = value.instanceType();
    spec.diskGb = value.diskGb();
    spec.maxRuntimeSeconds = value.maxRuntimeSeconds();
    return spec;
  }

  @Override
  public int cpu() {
    return cpu;
  }

  @Override
  public String memory() {
    return memory;
  }

  @Override
  public int gpus() {
    return gpus;
  }

  @Override
  public int executors() {
    return executors;
  }

  /**
   * Driver and executor sizing as Spark conf, keys every cluster manager reads alike. Flavors add what is their own
   * (executor counts, GPUs, node placement) and refuse first what their cluster manager cannot honour.
   */
  @JsonIgnore
  public Map<String, String> sizingConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    if (cpu > 0) conf.put("spark.driver.cores", Integer.toString(cpu));
    if (memory != null) conf.put("spark.driver.memory", memory);
    if (executorCpu > 0) conf.put("spark.executor.cores", Integer.toString(executorCpu));
    if (executorMemory != null) conf.put("spark.executor.memory", executorMemory);
    if (memoryOverhead != null) conf.put("spark.executor.memoryOverhead", memoryOverhead);
    return conf;
  }

  /** {@code spark.dynamicAllocation.*} for {@link #dynamicAllocation}; empty when the step does not say. */
  @JsonIgnore
  public Map<String, String> dynamicAllocationConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    if (dynamicAllocation == null) {
      return conf;
    }
    conf.put("spark.dynamicAllocation.enabled", Boolean.toString(dynamicAllocation.enabled));
    if (dynamicAllocation.enabled) {
      // No external shuffle service is assumed (Kubernetes has none): shuffle tracking keeps executors that hold
      // shuffle data until it is no longer needed.
      conf.put("spark.dynamicAllocation.shuffleTracking.enabled", "true");
      conf.put("spark.dynamicAllocation.minExecutors", Integer.toString(dynamicAllocation.minExecutors));
      if (dynamicAllocation.maxExecutors > 0) {
        conf.put("spark.dynamicAllocation.maxExecutors", Integer.toString(dynamicAllocation.maxExecutors));
      }
    }
    return conf;
  }

  /** Field names in JSON that are set, with their values; flavors use it to refuse what they cannot map. */
  @JsonIgnore
  public Map<String, Object> setFields() {
    Map<String, Object> set = new LinkedHashMap<>();
    for (ResourceField field : ResourceField.values()) {
      if (field.isSet(this)) {
        set.put(field.jsonName(), field.value(this));
      }
    }
    return set;
  }

  /** Dynamic executor allocation; min/max executors apply only when enabled. */
  @JsonInclude(JsonInclude.Include.NON_DEFAULT)
  public static class DynamicAllocation {
    public boolean enabled;
    public int minExecutors;
    public int maxExecutors;

    @Override
    public String toString() {
      return "{enabled=" + enabled + ", min=" + minExecutors + ", max=" + maxExecutors + "}";
    }
  }
}
