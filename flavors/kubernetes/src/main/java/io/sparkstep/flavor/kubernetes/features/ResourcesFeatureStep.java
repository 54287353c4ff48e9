package io.sparkstep.flavor.kubernetes.features;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.sparkstep.flavor.kubernetes.settings.PodTemplates;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spi.ResourceTable;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Maps every resource field of a step onto Kubernetes ({@link #RESOURCES}); refused here are only values that
 * contradict each other or cannot be a label. GPUs are {@link GpuFeatureStep}'s.
 *
 * <pre>
 * field              Kubernetes
 * cpu                spark.driver.cores (the driver pod's CPU request)
 * memory             spark.driver.memory (pod memory = memory + overhead)
 * executors          spark.executor.instances (default: the operator's executors setting)
 * executorCpu        spark.executor.cores
 * executorMemory     spark.executor.memory
 * memoryOverhead     spark.executor.memoryOverhead (added to the executor pod's memory request and limit)
 * dynamicAllocation  spark.dynamicAllocation.* with shuffle tracking (no external shuffle service on Kubernetes)
 * instanceType       node selector node.kubernetes.io/instance-type on driver and executors
 * diskGb             ephemeral-storage request and limit of the executor container (Spark's local dirs)
 * maxRuntimeSeconds  activeDeadlineSeconds of the driver pod: the kubelet stops it and the run FAILS
 * </pre>
 */
public final class ResourcesFeatureStep implements KubernetesFeatureStep {
  static final String INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type";

  /** Kubernetes maps every field: the table above, which the engine checks a spec against before the plan is built. */
  public static final ResourceTable RESOURCES = ResourceTable.of("kubernetes")
      .mapped(ResourceField.CPU, "spark.driver.cores (the driver pod's CPU request)")
      .mapped(ResourceField.MEMORY, "spark.driver.memory (pod memory = memory + overhead)")
      .mapped(ResourceField.EXECUTORS, "spark.executor.instances (default: the operator's executors setting)")
      .mapped(ResourceField.EXECUTOR_CPU, "spark.executor.cores")
      .mapped(ResourceField.EXECUTOR_MEMORY, "spark.executor.memory")
      .mapped(ResourceField.MEMORY_OVERHEAD, "spark.executor.memoryOverhead (in the executor pod's memory request)")
      .mapped(ResourceField.DYNAMIC_ALLOCATION, "spark.dynamicAllocation.* with shuffle tracking")
      .mapped(ResourceField.GPUS, "spark.executor.resource.gpu.amount, discovery script, GPU toleration on executors")
      .mapped(ResourceField.GPU_VENDOR, "spark.executor.resource.gpu.vendor (the vendor's domain, e.g. nvidia.com)")
      .mapped(ResourceField.INSTANCE_TYPE, "node selector " + INSTANCE_TYPE_LABEL + " on driver and executors")
      .mapped(ResourceField.DISK_GB, "ephemeral-storage request and limit of the executor container")
      .mapped(ResourceField.MAX_RUNTIME_SECONDS, "activeDeadlineSeconds of the driver pod")
      .build();

  @Override
  public SubmissionPlan apply(SubmissionPlan plan) {
    ResourceSpec r = plan.resources();
    Map<String, String> conf = new LinkedHashMap<>(r.sizingConf());
    SubmissionPlan result = plan;
    boolean dynamic = r.dynamicAllocation != null && r.dynamicAllocation.enabled;
    if (dynamic) {
      if (r.executors > 0) {
        result = result.refuse("resources.executors", "a fixed executor count contradicts dynamic allocation",
            "drop resources.executors and use minExecutors/maxExecutors");
      }
      if (r.dynamicAllocation.maxExecutors > 0 && r.dynamicAllocation.minExecutors > r.dynamicAllocation.maxExecutors) {
        result = result.refuse("resources.dynamicAllocation", "minExecutors " + r.dynamicAllocation.minExecutors
            + " exceeds maxExecutors " + r.dynamicAllocation.maxExecutors, "make min <= max");
      }
      conf.putAll(r.dynamicAllocationConf());
    } else {
      int executors = r.executors > 0 ? r.executors : plan.settings().executors();
      conf.put("spark.executor.instances", Integer.toString(executors));
    }
    if (r.instanceType != null) {
      if (!r.instanceType.matches("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")) {
        result = result.refuse("resources.instanceType", "'" + r.instanceType + "' cannot be a node label value",
            "use the node's " + INSTANCE_TYPE_LABEL + " label value, e.g. m5.2xlarge");
      } else {
        conf.put("spark.kubernetes.node.selector." + INSTANCE_TYPE_LABEL, r.instanceType);
      }
    }
    result = result.withConf(conf);
    if (r.diskGb > 0) {
      Pod executor = plan.executorTemplate() == null ? PodTemplates.empty() : plan.executorTemplate();
      Container container = PodTemplates.sparkContainer(executor);
      Quantity disk = new Quantity(r.diskGb + "Gi");
      ResourceRequirements resources = container.getResources() == null ? new ResourceRequirements()
          : container.getResources();
      resources.setRequests(with(resources.getRequests(), "ephemeral-storage", disk));
      resources.setLimits(with(resources.getLimits(), "ephemeral-storage", disk));
      container.setResources(resources);
      result = result.withExecutorTemplate(executor);
    }
    if (r.maxRuntimeSeconds > 0) {
      Pod driver = plan.driverTemplate() == null ? PodTemplates.empty() : plan.driverTemplate();
      driver.getSpec().setActiveDeadlineSeconds(r.maxRuntimeSeconds);
      result = result.withDriverTemplate(driver);
    }
    return result;
  }

  /**
   * The conf keys the step's own resources set. The operator's {@code conf.*} is a default for every step and does
   * not override them (as on spark-submit), so a step's request is never dropped silently; the step's own sparkConf
   * still wins.
   */
  static Set<String> keysFromTheStep(ResourceSpec r) {
    Set<String> keys = new HashSet<>(r.sizingConf().keySet());
    if (r.executors > 0) {
      keys.add("spark.executor.instances");
    }
    keys.addAll(r.dynamicAllocationConf().keySet());
    return keys;
  }

  static Map<String, Quantity> with(Map<String, Quantity> existing, String key, Quantity value) {
    Map<String, Quantity> map = existing == null ? new LinkedHashMap<>() : new LinkedHashMap<>(existing);
    map.put(key, value);
    return map;
  }
}
