package io.sparkstep.flavor.kubernetes.features;

import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.sparkstep.flavor.kubernetes.settings.PodTemplates;
import io.fabric8.kubernetes.api.model.Pod;
import io.sparkstep.spi.remote.GpuVendor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPUs per executor: Spark's resource scheduling (amount, vendor, discovery script, a task amount that lets every
 * executor core run a task on the executor's GPUs; from amount and vendor Spark itself sets the executor pods'
 * VENDOR/gpu limit), and on the executor pods a toleration of the GPU nodes' taint. Refused: fractional GPUs, a GPU request without a vendor, GPU conf without resources.gpus
 * (the pods would not get GPU limits or tolerations).
 */
final class GpuFeatureStep implements KubernetesFeatureStep {
  static final String AMOUNT = "spark.executor.resource.gpu.amount";

  @Override
  public SubmissionPlan apply(SubmissionPlan plan) {
    Map<String, String> stepConf = plan.spec().sparkConf;
    String confAmount = stepConf.getOrDefault(AMOUNT, plan.settings().conf().get(AMOUNT));
    if (confAmount != null) {
      String field = stepConf.containsKey(AMOUNT) ? "sparkConf." + AMOUNT : "conf." + AMOUNT;
      if (!confAmount.trim().matches("\\d+")) {
        return plan.refuse(field, "executors cannot have a fraction of a GPU ('" + confAmount + "')",
            "ask for whole GPUs per executor with resources.gpus (tasks share them through "
                + "spark.task.resource.gpu.amount, which the flavor sets)");
      }
      return plan.refuse(field, "GPU amounts set as conf miss the pod's GPU limit and toleration",
          "use resources.gpus=" + confAmount.trim() + " (--resources gpus=" + confAmount.trim() + ")");
    }
    if (!plan.wantsGpus()) {
      return plan;
    }
    KubernetesSettings s = plan.settings();
    int gpus = plan.resources().gpus;
    String vendor = plan.resources().gpuVendor != null ? plan.resources().gpuVendor.trim() : s.gpuVendor();
    // the one gpuVendor vocabulary (nvidia, amd, intel) means the vendor's domain here: pods ask for nvidia.com/gpu
    vendor = GpuVendor.parse(vendor).map(GpuVendor::domain)
        .orElse(vendor);
    if (vendor.isEmpty()) {
      return plan.refuse(plan.resources().gpuVendor != null ? "resources.gpuVendor" : "gpuVendor",
          "GPUs requested without a vendor: Kubernetes schedules GPUs as VENDOR/gpu",
          "set gpuVendor=nvidia.com on the operator (the default) or resources.gpuVendor");
    }
    if (!KubernetesSettings.isDnsSubdomain(vendor)) {
      return plan.refuse("resources.gpuVendor", "'" + vendor + "' is not a vendor domain", "e.g. nvidia.com or amd.com");
    }
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put(AMOUNT, Integer.toString(gpus));
    conf.put("spark.executor.resource.gpu.vendor", vendor);
    conf.put("spark.executor.resource.gpu.discoveryScript", s.discoveryScript());
    conf.put("spark.task.resource.gpu.amount", GpuTaskAmount.of(gpus, plan.executorCores()));
    s.gpuNodeSelector().forEach((k, v) -> conf.put("spark.kubernetes.executor.node.selector." + k, v));

    Pod template = plan.executorTemplate() == null ? PodTemplates.empty() : plan.executorTemplate();
    // The pod's VENDOR/gpu limit is Spark's own: it adds it from spark.executor.resource.gpu.{amount,vendor}. Set
    // nowhere else, so that it cannot disagree with the amount Spark schedules tasks by.
    String resource = vendor + "/gpu";
    List<Toleration> tolerations = template.getSpec().getTolerations() == null ? new ArrayList<>()
        : new ArrayList<>(template.getSpec().getTolerations());
    if (tolerations.stream().noneMatch(t -> resource.equals(t.getKey()))) {
      tolerations.add(new TolerationBuilder().withKey(resource).withOperator("Exists").withEffect("NoSchedule")
          .build());
    }
    template.getSpec().setTolerations(tolerations);
    return plan.withConf(conf).withExecutorTemplate(template);
  }
}
