package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spi.EntrypointContract;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.remote.GpuVendor;
import io.sparkstep.spi.remote.JarStaging;
import io.sparkstep.spi.remote.JobDefinitionSecrets;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.PlatformException;
import io.sparkstep.spi.ResourceTable;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.StepOperator;
import io.sparkstep.spi.SubmitOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;

/**
 * Runs a step as one SageMaker training job: the step image with the spec in its environment (or a URI to it), one
 * instance sized from the step's resources. Everything the job cannot honour is refused before anything is created.
 */
final class SageMakerOperator implements StepOperator {
  static final String SPEC_LOCATION = "specUri";
  /** SageMaker's longest MaxRuntimeInSeconds: 28 days. */
  static final long MAX_RUNTIME_LIMIT = 28L * 24 * 3600;

  private final OperatorConfig config;
  private final AwsClients clients;

  SageMakerOperator(OperatorConfig config) {
    this.config = config;
    this.clients = new AwsClients(config);
  }

  /**
   * One training job on one instance, whose container runs Spark in local mode: the instance is sized from cpu,
   * memory and gpus (or named), and what needs separate executors is refused.
   */
  static final ResourceTable RESOURCES = resourceTableOfSageMaker();

  private static ResourceTable resourceTableOfSageMaker() {
    String oneInstance = "sagemaker cannot map it: the step runs on one instance (the entrypoint runs Spark in local"
        + " mode inside the container)";
    return ResourceTable.of("sagemaker")
        .mapped(ResourceField.CPU, "ResourceConfig.InstanceType: the smallest instance in the table with the cpu")
        .mapped(ResourceField.MEMORY, "ResourceConfig.InstanceType: the smallest instance in the table with the memory")
        .mapped(ResourceField.GPUS, "ResourceConfig.InstanceType: a GPU instance with the GPUs")
        .checked(ResourceField.GPU_VENDOR, "SageMaker's GPU instances are NVIDIA's: nvidia accepted, others refused")
        .oneJvm(ResourceField.EXECUTORS, "the one instance (ResourceConfig.InstanceCount 1)",
            oneInstance + "; executors beyond one cannot be mapped",
            "drop resources.executors and ask for a larger instance with resources.cpu/memory or "
                + "resources.instanceType, or use the spark-submit or kubernetes flavor for executors")
        .refused(ResourceField.EXECUTOR_CPU, oneInstance, "size the instance with resources.cpu")
        .refused(ResourceField.EXECUTOR_MEMORY, oneInstance, "size the instance with resources.memory")
        .refused(ResourceField.MEMORY_OVERHEAD, oneInstance,
            "size the instance with resources.memory (the driver gets the instance's memory)")
        .oneJvm(ResourceField.DYNAMIC_ALLOCATION, "off: a training job has a fixed instance", oneInstance,
            "remove it: a training job has a fixed instance")
        .mapped(ResourceField.INSTANCE_TYPE, "ResourceConfig.InstanceType, as named")
        .mapped(ResourceField.DISK_GB, "ResourceConfig.VolumeSizeInGB (1..16384)")
        .mapped(ResourceField.MAX_RUNTIME_SECONDS, "StoppingCondition.MaxRuntimeInSeconds (at most 28 days)")
        .build();
  }

  @Override
  public ResourceTable resourceTable() {
    return RESOURCES;
  }

  @Override
  public List<ValidationProblem> validate(StepSpec spec) {
    List<ValidationProblem> problems = new ArrayList<>(
        JobDefinitionSecrets.literalSecrets(spec, config, "SageMaker training job"));
    ResourceSpec r = spec.resources;
    ValidationProblem vendor = GpuVendor.onlyNvidia("SageMaker", r.gpuVendor);
    if (vendor != null) {
      problems.add(vendor);
    }
    if (InstanceTypes.choose(r, config.get(SageMakerSettings.INSTANCE_TYPE)) == null) {
      problems.add(ValidationProblem.of("resources", "no SageMaker instance type in the table has cpu=" + r.cpu
          + ", memory=" + r.memory + ", gpus=" + r.gpus, "ask for less, or name one with resources.instanceType"));
    }
    if (r.maxRuntimeSeconds > MAX_RUNTIME_LIMIT) {
      problems.add(ValidationProblem.of("resources.maxRuntimeSeconds", "SageMaker allows at most " + MAX_RUNTIME_LIMIT
          + " s (28 days), got " + r.maxRuntimeSeconds, "lower resources.maxRuntimeSeconds"));
    }
    if (r.diskGb < 0 || r.diskGb > 16384) {
      problems.add(ValidationProblem.of("resources.diskGb", "a training volume is 1 to 16384 GB, got " + r.diskGb,
          "set resources.diskGb between 1 and 16384"));
    }
    problems.addAll(JarStaging.check(spec, specStorePrefix(),
        SageMakerSettings.SPEC_STORE.key()));
    Map<String, String> extraEnv = config.withPrefix(SageMakerSettings.ENV_PREFIX);
    if (extraEnv.size() + 2 > SpecDelivery.MAX_ENV_ENTRIES) {
      problems.add(ValidationProblem.of("operator " + config.name() + " env.*", "SageMaker allows "
          + SpecDelivery.MAX_ENV_ENTRIES + " environment variables; the operator sets " + extraEnv.size()
          + " plus 2 of Sparkstep's", "remove env.* settings from the operator"));
    }
    extraEnv.forEach((k, v) -> {
      if (v != null && v.length() > SpecDelivery.MAX_ENV_VALUE_CHARS) {
        problems.add(ValidationProblem.of("operator " + config.name() + " env." + k, "SageMaker caps environment"
            + " values at " + SpecDelivery.MAX_ENV_VALUE_CHARS + " characters; this one has " + v.length(),
            "shorten it or pass it through the step's params"));
      }
    });
    return problems;
  }

  @Override
  public StepRun submit(StepSpec spec, SubmitOptions options, RunContext context) throws PlatformException {
    String jobName = TrainingJobRequest.jobName(spec.runId);
    SpecStore store = specStore();
    CreateTrainingJobRequest request;
    try {
      // The container loads the user's jars from the spec store (see JarStaging), not from this machine's paths.
      StepSpec containerSpec = spec.copy();
      containerSpec.jars = JarStaging.stage(spec, store.jarsLocation(),
          store.jarUploader(), SpecStore::forContainer);
      Map<String, String> env = SpecDelivery.environment(StepSpecJson.write(containerSpec), spec.runId, store);
      request = TrainingJobRequest.build(jobName, spec.runId, spec.step, spec.resources, config, env);
      TrainingJob job = TrainingJob.requested(jobName, request.resourceConfig().instanceTypeAsString(),
          SpecDelivery.runDir(store, spec.runId));
      String specUri = env.get(EntrypointContract.SPEC_URI_ENV);
      // the requested job is in the record before it is created: a lost answer still leaves its name to find
      context.update(record -> record.platformHandle(job).platformNote(SPEC_LOCATION, specUri));
      String region = clients.region();
      TrainingJob created = job.created(create(request), region);
      context.updateAndSave(record -> record.platformHandle(created).loggedAt(consoleLogsUrl(region, jobName)));
    } catch (SdkException | java.io.UncheckedIOException e) {
      if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws && aws.statusCode() == 400
          && aws.awsErrorDetails() != null && "ValidationException".equals(aws.awsErrorDetails().errorCode())) {
        // SageMaker refused the request itself (a bad instance type, role ARN, image): invalid input, exit 2
        throw context.failed(new InvalidSpecException("sagemaker",
            "CreateTrainingJob refused the request (ValidationException): " + aws.awsErrorDetails().errorMessage(),
            "fix the operator settings or the step's resources"));
      }
      throw context.failed(AwsErrors.toPlatformException("CreateTrainingJob " + jobName, e));
    }
    return new SageMakerRun(context, clients, store, pollInterval());
  }

  /**
   * Creates the job and returns its ARN. The SDK retries a create whose answer was lost (a 5xx after SageMaker
   * accepted it); the retry then meets ResourceInUse for our own name, which carries the unique run id, so the job
   * that exists is this run's and is adopted rather than reported as a failure.
   */
  private String create(CreateTrainingJobRequest request) {
    try {
      CreateTrainingJobResponse response = clients.sageMaker().createTrainingJob(request);
      return response.trainingJobArn();
    } catch (AwsServiceException e) {
      if (e.awsErrorDetails() == null || !"ResourceInUse".equals(e.awsErrorDetails().errorCode())) {
        throw e;
      }
      DescribeTrainingJobResponse existing = clients.sageMaker()
          .describeTrainingJob(b -> b.trainingJobName(request.trainingJobName()));
      if (!request.roleArn().equals(existing.roleArn()) || !request.algorithmSpecification().trainingImage()
          .equals(existing.algorithmSpecification().trainingImage())) {
        throw e;
      }
      return existing.trainingJobArn();
    }
  }

  @Override
  public StepRun attach(RunRecord record, RunContext context) {
    return new SageMakerRun(context, clients, specStore(), pollInterval());
  }

  private Duration pollInterval() {
    return Duration.ofMillis(config.getLong(SageMakerSettings.POLL_MILLIS));
  }

  private SpecStore specStore() {
    return new SpecStore(specStorePrefix(), clients::s3);
  }

  private String specStorePrefix() {
    String prefix = config.get(SageMakerSettings.SPEC_STORE);
    if (prefix == null) {
      prefix = config.get(SageMakerSettings.OUTPUT_PATH) + "/sparkstep";
    }
    return prefix;
  }

  /** The CloudWatch console page of the job's log streams (where the full logs are). */
  static String consoleLogsUrl(String region, String jobName) {
    String group = URLEncoder.encode(TrainingJob.TRAINING_LOG_GROUP, StandardCharsets.UTF_8).replace("%", "$25");
    return "https://" + region + ".console.aws.amazon.com/cloudwatch/home?region=" + region
        + "#logsV2:log-groups/log-group/" + group + "$3FlogStreamNameFilter$3D" + jobName;
  }
}
