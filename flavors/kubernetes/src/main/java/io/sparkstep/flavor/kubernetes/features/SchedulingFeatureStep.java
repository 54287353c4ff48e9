package io.sparkstep.flavor.kubernetes.features;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.sparkstep.flavor.kubernetes.settings.PodTemplates;
import io.sparkstep.flavor.kubernetes.settings.ScheduleParsing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where pods may run: node selectors through Spark's conf, tolerations through the templates (Spark has no conf for
 * them), on driver and executors alike.
 */
final class SchedulingFeatureStep implements KubernetesFeatureStep {
  @Override
  public SubmissionPlan apply(SubmissionPlan plan) {
    Map<String, String> conf = new LinkedHashMap<>();
    plan.settings().nodeSelector().forEach((k, v) -> conf.put("spark.kubernetes.node.selector." + k, v));
    SubmissionPlan result = plan.withConf(conf);
    List<String> tolerations = plan.settings().tolerations();
    if (tolerations.isEmpty()) {
      return result;
    }
    return result.withDriverTemplate(tolerating(plan.driverTemplate(), tolerations))
        .withExecutorTemplate(tolerating(plan.executorTemplate(), tolerations));
  }

  /** The template (a copy, or an empty one) with the operator's tolerations added to its own. */
  private static Pod tolerating(Pod template, List<String> tolerations) {
    Pod pod = template == null ? PodTemplates.empty() : template;
    List<Toleration> merged = pod.getSpec().getTolerations() == null ? new ArrayList<>()
        : new ArrayList<>(pod.getSpec().getTolerations());
    for (String text : tolerations) {
      Toleration t = ScheduleParsing.toleration(text);
      if (!merged.contains(t)) {
        merged.add(t);
      }
    }
    pod.getSpec().setTolerations(merged);
    return pod;
  }
}
