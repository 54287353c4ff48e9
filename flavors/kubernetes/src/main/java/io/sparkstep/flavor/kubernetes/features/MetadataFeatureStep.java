package io.sparkstep.flavor.kubernetes.features;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Labels and annotations: the operator's on driver and executors, and Sparkstep's own labels that tie every pod to
 * its run (so a later process can find, follow and clean up a run's pods by label).
 */
final class MetadataFeatureStep implements KubernetesFeatureStep {
  @Override
  public SubmissionPlan apply(SubmissionPlan plan) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (String role : new String[] {"driver", "executor"}) {
      plan.settings().labels().forEach((k, v) -> conf.put("spark.kubernetes." + role + ".label." + k, v));
      plan.settings().annotations().forEach((k, v) -> conf.put("spark.kubernetes." + role + ".annotation." + k, v));
      conf.put("spark.kubernetes." + role + ".label." + SubmissionPlan.RUN_LABEL,
          SubmissionPlan.labelValue(plan.spec().runId));
      conf.put("spark.kubernetes." + role + ".label." + SubmissionPlan.STEP_LABEL,
          SubmissionPlan.labelValue(plan.spec().step));
    }
    return plan.withConf(conf);
  }
}
