package io.sparkstep.api;

/**
 * The resources a step asks for, as a value for the launch API: built once, never changed afterwards. Every field
 * of the spec's {@code resources} is here, named as in its JSON; an unset number is 0 and an unset text null. The
 * values are checked at submit, where what a flavor cannot honour is refused with the field named.
 *
 * <pre>
 *   StepResources.builder().cpu(4).memory("16g").executors(3).maxRuntimeSeconds(3600).build()
 * </pre>
 */
public record StepResources(int cpu, String memory, int gpus, String gpuVendor, int executors, int executorCpu,
                            String executorMemory, String memoryOverhead, DynamicAllocation dynamicAllocation,
                            String instanceType, int diskGb, long maxRuntimeSeconds) implements Resources {

  public static Builder builder() {
    return new Builder();
  }

  /** Dynamic executor allocation, when the step says either way; min/max executors apply only when enabled. */
  public record DynamicAllocation(boolean enabled, int minExecutors, int maxExecutors) {
  }

  /** Collects the fields; each {@link #build()} is a value of its own that later calls do not touch. */
  public static final class Builder {
    private int cpu;
    private String memory;
    private int gpus;
    private String gpuVendor;
    private int executors;
    private int executorCpu;
    private String executorMemory;
    private String memoryOverhead;
    private DynamicAllocation dynamicAllocation;
    private String instanceType;
    private int diskGb;
    private long maxRuntimeSeconds;

    private Builder() {
    }

    /** Driver cores (local: the whole run's). */
    public Builder cpu(int cpu) {
      this.cpu = cpu;
      return this;
    }

    /** Driver memory (local: the whole run's), Spark notation such as "16g". */
    public Builder memory(String memory) {
      this.memory = memory;
      return this;
    }

    /** GPUs per executor. */
    public Builder gpus(int gpus) {
      this.gpus = gpus;
      return this;
    }

    /** nvidia, amd or intel; a flavor whose machines have no such GPUs refuses the run. */
    public Builder gpuVendor(String gpuVendor) {
      this.gpuVendor = gpuVendor;
      return this;
    }

    public Builder executors(int executors) {
      this.executors = executors;
      return this;
    }

    public Builder executorCpu(int executorCpu) {
      this.executorCpu = executorCpu;
      return this;
    }

    public Builder executorMemory(String executorMemory) {
      this.executorMemory = executorMemory;
      return this;
    }

    public Builder memoryOverhead(String memoryOverhead) {
      this.memoryOverhead = memoryOverhead;
      return this;
    }

    /** Executors come and go between {@code minExecutors} and {@code maxExecutors} (0: no upper bound). */
    public Builder dynamicAllocation(int minExecutors, int maxExecutors) {
      this.dynamicAllocation = new DynamicAllocation(true, minExecutors, maxExecutors);
      return this;
    }

    /** Dynamic allocation off, whatever the cluster's default. */
    public Builder withoutDynamicAllocation() {
      this.dynamicAllocation = new DynamicAllocation(false, 0, 0);
      return this;
    }

    /** The platform's instance or machine type; wins over the one chosen from cpu, memory and gpus. */
    public Builder instanceType(String instanceType) {
      this.instanceType = instanceType;
      return this;
    }

    public Builder diskGb(int diskGb) {
      this.diskGb = diskGb;
      return this;
    }

    /** Seconds after which the run is stopped, and fails. */
    public Builder maxRuntimeSeconds(long maxRuntimeSeconds) {
      this.maxRuntimeSeconds = maxRuntimeSeconds;
      return this;
    }

    public StepResources build() {
      return new StepResources(cpu, memory, gpus, gpuVendor, executors, executorCpu, executorMemory, memoryOverhead,
          dynamicAllocation, instanceType, diskGb, maxRuntimeSeconds);
    }
  }
}
