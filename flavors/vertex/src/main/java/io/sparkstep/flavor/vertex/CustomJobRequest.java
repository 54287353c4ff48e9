package io.sparkstep.flavor.vertex;

import com.google.cloud.aiplatform.v1.ContainerSpec;
import com.google.cloud.aiplatform.v1.CustomJob;
import com.google.cloud.aiplatform.v1.CustomJobSpec;
import com.google.cloud.aiplatform.v1.DiskSpec;
import com.google.cloud.aiplatform.v1.EnvVar;
import com.google.cloud.aiplatform.v1.Scheduling;
import com.google.cloud.aiplatform.v1.WorkerPoolSpec;
import com.google.protobuf.Duration;
import io.sparkstep.spi.spec.StepSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The CustomJob for one run: one worker pool of one replica running the step image with the run's environment. */
final class CustomJobRequest {
  static final String RUN_ID_LABEL = "sparkstep-run-id";

  private CustomJobRequest() {
  }

  static CustomJob build(StepSpec spec, VertexSettings settings, Map<String, String> containerEnv) {
    ResourceMapping resources = new ResourceMapping(settings);
    ContainerSpec.Builder container = ContainerSpec.newBuilder().setImageUri(settings.image);
    if (settings.command != null && !settings.command.isBlank()) {
      container.addAllCommand(Arrays.asList(settings.command.trim().split("\\s+")));
    }
    containerEnv.forEach((name, value) -> container.addEnv(EnvVar.newBuilder().setName(name).setValue(value)));
    WorkerPoolSpec pool = WorkerPoolSpec.newBuilder()
        .setMachineSpec(resources.machineSpec(spec.resources))
        .setReplicaCount(1)
        .setDiskSpec(DiskSpec.newBuilder().setBootDiskType(settings.bootDiskType)
            .setBootDiskSizeGb(resources.bootDiskGb(spec.resources)))
        .setContainerSpec(container)
        .build();
    Scheduling.Builder scheduling = Scheduling.newBuilder()
        .setRestartJobOnWorkerRestart(settings.restartJobOnWorkerRestart);
    if (spec.resources.maxRuntimeSeconds > 0) {
      scheduling.setTimeout(Duration.newBuilder().setSeconds(spec.resources.maxRuntimeSeconds));
    }
    CustomJobSpec.Builder jobSpec = CustomJobSpec.newBuilder().addWorkerPoolSpecs(pool).setScheduling(scheduling);
    if (settings.serviceAccount != null && !settings.serviceAccount.isBlank()) {
      jobSpec.setServiceAccount(settings.serviceAccount);
    }
    if (settings.network != null && !settings.network.isBlank()) {
      jobSpec.setNetwork(settings.network);
    }
    return CustomJob.newBuilder()
        .setDisplayName(displayName(spec))
        .setJobSpec(jobSpec)
        .putAllLabels(labels(spec, settings))
        .build();
  }

  /**
   * The spec's labels without those in Sparkstep's {@code sparkstep.} namespace (not a valid Vertex label key).
   */
  static Map<String, String> userLabels(StepSpec spec) {
    Map<String, String> labels = new LinkedHashMap<>(spec.labels);
    labels.keySet().removeIf(k -> k.startsWith("sparkstep."));
    return labels;
  }

  /** Operator labels, then the spec's labels, then the run id, so the job can be found from the run. */
  static Map<String, String> labels(StepSpec spec, VertexSettings settings) {
    Map<String, String> labels = new LinkedHashMap<>(settings.labels);
    labels.putAll(userLabels(spec));
    labels.put(RUN_ID_LABEL, spec.runId.toLowerCase(java.util.Locale.ROOT));
    return labels;
  }

  /** At most 128 characters: "sparkstep-<step>-<run id>", the step's simple name. */
  static String displayName(StepSpec spec) {
    String step = spec.step.substring(spec.step.lastIndexOf('.') + 1);
    String name = "sparkstep-" + step + "-" + spec.runId;
    return name.length() > 128 ? name.substring(0, 128) : name;
  }
}
