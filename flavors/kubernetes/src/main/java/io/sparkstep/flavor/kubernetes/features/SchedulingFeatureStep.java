package io.sparkstep.flavor.kubernetes.features;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.sparkstep.flavor.kubernetes.PodTemplates;
import io.sparkstep.flavor.kubernetes.ScheduleParsing;
import java.util.ArrayList;
import java.util.List;

/**
 * Where pods may run: node selectors through Spark's conf, tolerations through the templates (Spark has no conf for
 * them), on driver and executors alike.
 */
final class SchedulingFeatureStep implements KubernetesFeatureStep {
  @Override
  public void configure(SubmissionPlan plan) {
    plan.settings().nodeSelector().forEach((k, v) -> plan.sparkConf().put("spark.kubernetes.node.selector." + k, v));
    List<String> tolerations = plan.settings().tolerations();
    if (tolerations.isEmpty()) {
      return;
    }
    if (plan.driverTemplate() == null) {
      plan.driverTemplate(PodTemplates.empty());
    }
    if (plan.executorTemplate() == null) {
      plan.executorTemplate(PodTemplates.empty());
    }
    for (Pod pod : List.of(plan.driverTemplate(), plan.executorTemplate())) {
      List<Toleration> merged = pod.getSpec().getTolerations() == null ? new ArrayList<>()
          : new ArrayList<>(pod.getSpec().getTolerations());
      for (String text : tolerations) {
        Toleration t = ScheduleParsing.toleration(text);
        if (!merged.contains(t)) {
          merged.add(t);
        }
      }
      pod.getSpec().setTolerations(merged);
    }
  }
}
