package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.OperatorConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemaker.model.TrainingInputMode;
import software.amazon.awssdk.services.sagemaker.model.VpcConfig;

/** Builds the CreateTrainingJob request for one run from the step's resources and the operator's settings. */
final class TrainingJobRequest {
  static final String RUN_ID_TAG = "sparkstep:run-id";
  static final String STEP_TAG = "sparkstep:step";

  private TrainingJobRequest() {
  }

  /** SageMaker's rule for training job names: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}. */
  static String jobName(String runId) {
    String name = ("sparkstep-" + runId).replaceAll("[^a-zA-Z0-9-]", "-").replaceAll("-+$", "");
    return name.length() > 63 ? name.substring(0, 63).replaceAll("-+$", "") : name;
  }

  static CreateTrainingJobRequest build(String jobName, String runId, String step, ResourceSpec resources,
      OperatorConfig config, Map<String, String> environment) {
    String instanceType = InstanceTypes.choose(resources, config.get(SageMakerSettings.INSTANCE_TYPE));
    int volumeGb = resources.diskGb > 0 ? resources.diskGb : config.getInt(SageMakerSettings.VOLUME_GB);
    long maxRuntime = resources.maxRuntimeSeconds > 0 ? resources.maxRuntimeSeconds
        : config.getInt(SageMakerSettings.MAX_RUNTIME);
    Map<String, String> env = new LinkedHashMap<>(config.withPrefix(SageMakerSettings.ENV_PREFIX));
    env.putAll(environment);
    List<Tag> tags = new ArrayList<>();
    config.withPrefix(SageMakerSettings.TAG_PREFIX).forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
    tags.add(Tag.builder().key(RUN_ID_TAG).value(runId).build());
    tags.add(Tag.builder().key(STEP_TAG).value(step.length() > 256 ? step.substring(0, 256) : step).build());
    CreateTrainingJobRequest.Builder request = CreateTrainingJobRequest.builder()
        .trainingJobName(jobName)
        .roleArn(config.get(SageMakerSettings.ROLE_ARN))
        .algorithmSpecification(a -> a.trainingImage(config.get(SageMakerSettings.IMAGE))
            .trainingInputMode(TrainingInputMode.FILE))
        .resourceConfig(r -> r.instanceType(instanceType).instanceCount(1).volumeSizeInGB(volumeGb))
        .stoppingCondition(s -> s.maxRuntimeInSeconds((int) maxRuntime))
        .outputDataConfig(o -> o.s3OutputPath(config.get(SageMakerSettings.OUTPUT_PATH)))
        .environment(env)
        .tags(tags);
    List<String> subnets = config.getList(SageMakerSettings.SUBNETS);
    if (!subnets.isEmpty()) {
      request.vpcConfig(VpcConfig.builder().subnets(subnets)
          .securityGroupIds(config.getList(SageMakerSettings.SECURITY_GROUPS)).build());
    }
    return request.build();
  }
}
