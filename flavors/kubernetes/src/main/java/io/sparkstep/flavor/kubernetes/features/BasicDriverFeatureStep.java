package io.sparkstep.flavor.kubernetes.features;

import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Identity of the application: cluster deploy mode, namespace, image (the GPU image for GPU steps), pull policy and
 * secrets, the driver's service account, the driver pod's name, and that submission does not wait for the end
 * (the run handle follows the pod instead, so the caller gets its handle at once).
 */
final class BasicDriverFeatureStep implements KubernetesFeatureStep {
  @Override
  public SubmissionPlan apply(SubmissionPlan plan) {
    KubernetesSettings s = plan.settings();
    Map<String, String> conf = new LinkedHashMap<>();
    String image = plan.wantsGpus() ? s.gpuImage() : s.image();
    SubmissionPlan result = plan;
    if (plan.wantsGpus() && image == null) {
      // The CPU image would start, find no GPU (no discovery script, no RAPIDS jar) and run on CPUs, billed as GPUs.
      result = result.refuse("gpuImage", "the step asks for GPUs but the operator has no GPU image",
          "set gpuImage=REGISTRY/sparkstep-gpu:VERSION on the operator (docker/build.sh builds docker/Dockerfile.gpu)");
    } else if (image == null || image.isBlank()) {
      result = result.refuse("image", "no container image",
          "--set image=REGISTRY/sparkstep:VERSION (docker/build.sh builds it)");
    } else {
      conf.put("spark.kubernetes.container.image", image);
    }
    conf.put("spark.submit.deployMode", "cluster");
    conf.put("spark.kubernetes.namespace", s.namespace());
    conf.put("spark.kubernetes.container.image.pullPolicy", s.imagePullPolicy());
    if (!s.imagePullSecrets().isEmpty()) {
      conf.put("spark.kubernetes.container.image.pullSecrets", String.join(",", s.imagePullSecrets()));
    }
    conf.put("spark.kubernetes.authenticate.driver.serviceAccountName", s.serviceAccount());
    conf.put("spark.kubernetes.driver.pod.name", plan.driverPodName());
    conf.put("spark.kubernetes.executor.podNamePrefix", plan.driverPodName().replaceFirst("-driver$", ""));
    conf.put("spark.app.name", "sparkstep-" + plan.spec().step);
    conf.put("spark.kubernetes.submission.waitAppCompletion", "false");
    // Executors leave with their application; the driver pod stays until the run handle has saved its log.
    conf.put("spark.kubernetes.executor.deleteOnTermination", "true");
    if (s.context() != null) {
      conf.put("spark.kubernetes.context", s.context());
    }
    return result.withConf(conf);
  }
}
