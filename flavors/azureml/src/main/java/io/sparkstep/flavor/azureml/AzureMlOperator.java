package io.sparkstep.flavor.azureml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.remote.GpuVendor;
import io.sparkstep.spi.remote.JarStaging;
import io.sparkstep.spi.remote.JobDefinitionSecrets;
import io.sparkstep.spi.remote.RunLogAppender;
import io.sparkstep.spi.remote.SpecStaging;
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
import io.sparkstep.spi.remote.SpecChannel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Submits a step as an Azure ML command job. The job runs the step image's entrypoint on one instance; the spec goes
 * in {@code $SPARKSTEP_SPEC} when it is small, else to {@code stagingUri} with {@code $SPARKSTEP_SPEC_URI}; the
 * entrypoint writes its run record under {@code stagingUri/<runId>/run}, which the handle reads back at the end.
 */
final class AzureMlOperator implements StepOperator {
  private final OperatorConfig config;

  AzureMlOperator(OperatorConfig config) {
    this.config = config;
  }

  /**
   * A command job on one instance of the compute target, Spark inside the container: the VM size is chosen from cpu,
   * memory and gpus (or named), and what needs separate executors is refused.
   */
  static final ResourceTable RESOURCES = resourceTableOfAzureMl();

  private static ResourceTable resourceTableOfAzureMl() {
    String oneInstance = "a command job runs the step on one instance (Spark inside the container); ask for a bigger "
        + "instance with cpu/memory/gpus, or use the kubernetes or spark-submit flavor for executors";
    return ResourceTable.of("azureml")
        .mapped(ResourceField.CPU, "resources.instance_type: the smallest VM size in the table with the cpu")
        .mapped(ResourceField.MEMORY, "resources.instance_type: the smallest VM size in the table with the memory")
        .mapped(ResourceField.GPUS, "resources.instance_type: a GPU VM size with the GPUs")
        .checked(ResourceField.GPU_VENDOR, "Azure ML's GPU sizes are NVIDIA's: nvidia accepted, others refused")
        .oneJvm(ResourceField.EXECUTORS, "the one instance (resources.instance_count 1)",
            "azureml runs one instance per step", oneInstance)
        .refused(ResourceField.EXECUTOR_CPU, "azureml has no separate executors", oneInstance)
        .refused(ResourceField.EXECUTOR_MEMORY, "azureml has no separate executors", oneInstance)
        .refused(ResourceField.MEMORY_OVERHEAD, "has no meaning on azureml", oneInstance)
        .oneJvm(ResourceField.DYNAMIC_ALLOCATION, "off: one instance of fixed size", "azureml cannot scale executors",
            oneInstance)
        .mapped(ResourceField.INSTANCE_TYPE, "resources.instance_type, as named")
        .refused(ResourceField.DISK_GB, "a command job's disk is the compute target's",
            "choose a compute target whose VM size has the disk you need")
        .mapped(ResourceField.MAX_RUNTIME_SECONDS, "limits.timeout of the command job")
        .build();
  }

  @Override
  public ResourceTable resourceTable() {
    return RESOURCES;
  }

  @Override
  public List<ValidationProblem> validate(StepSpec spec) {
    List<ValidationProblem> problems = new ArrayList<>(
        JobDefinitionSecrets.literalSecrets(spec, config, "Azure ML command job"));
    problems.addAll(JarStaging.check(spec, config.get(AzureMlFlavor.STAGING_URI), "stagingUri"));
    ResourceSpec r = spec.resources;
    if (r == null) {
      return problems;
    }
    ValidationProblem vendor = GpuVendor.onlyNvidia("Azure ML", r.gpuVendor);
    if (vendor != null) {
      problems.add(vendor);
    }
    if (InstanceTypes.choose(r, config.get(AzureMlFlavor.INSTANCE_TYPE)) == null) {
      problems.add(ValidationProblem.of("resources", "no Azure VM size in the table has cpu=" + r.cpu + ", memory="
          + r.memory + ", gpus=" + r.gpus, "lower the request or name resources.instanceType"));
    }
    return problems;
  }

  AzureMlJobs jobs() {
    String subscription = config.get(AzureMlFlavor.SUBSCRIPTION_ID.key(), System.getenv("AZURE_SUBSCRIPTION_ID"));
    return new AzureMlJobs(config.get(AzureMlFlavor.ENDPOINT), subscription, config.get(AzureMlFlavor.RESOURCE_GROUP), config.get(AzureMlFlavor.WORKSPACE),
        config.get(AzureMlFlavor.API_VERSION), config.getInt(AzureMlFlavor.MAX_RETRIES), AzureCredentials.current());
  }

  static String jobName(String runId) {
    return ("sparkstep-" + runId).toLowerCase().replaceAll("[^a-z0-9_-]", "-");
  }

  @Override
  public StepRun submit(StepSpec spec, SubmitOptions options, RunContext context) throws PlatformException {
    AzureMlJobs jobs = jobs();
    String name = jobName(spec.runId);
    String staging = trimSlash(config.get(AzureMlFlavor.STAGING_URI)) + "/" + spec.runId;
    StepSpec containerSpec = spec.copy();
    containerSpec.runDir = staging + "/run";
    // as written: a ${VAR} is resolved in the container, never stored resolved in the job's definition
    JobDefinitionSecrets.withOperatorConf(containerSpec, config);
    try {
      // The container loads the user's jars from stagingUri (see JarStaging), not from this machine's paths.
      containerSpec.jars = JarStaging.stage(spec, trimSlash(config.get(AzureMlFlavor.STAGING_URI)),
          JarStaging.hadoop(new Configuration()), uri -> uri);
    } catch (java.io.UncheckedIOException e) {
      throw context.failed(new PlatformException("cannot stage the step's jars: " + e.getMessage(), e, true));
    }

    // inline as $SPARKSTEP_SPEC up to specEnvMaxBytes, else uploaded to the run's staging folder; validation takes
    // any long, and a limit past 2 GiB means the same as 2 GiB (no spec is that large), never a negative int
    int inlineLimit = (int) Math.min(Integer.MAX_VALUE, config.getLong(AzureMlFlavor.SPEC_ENV_MAX_BYTES));
    String specUri = staging + "/spec.json";
    Map<String, String> env = new LinkedHashMap<>(config.withPrefix("env."));
    env.putAll(new SpecChannel(inlineLimit).environment(StepSpecJson.write(containerSpec), containerSpec.runDir,
        json -> {
          write(specUri, json);
          return specUri;
        }));
    String compute = config.get(AzureMlFlavor.COMPUTE);
    String computeId = compute.startsWith("/subscriptions/") ? compute : jobs.workspaceId() + "/computes/" + compute;
    Map<String, String> tags = new LinkedHashMap<>(config.withPrefix("tag."));
    tags.put("sparkstep.runId", spec.runId);
    tags.put("sparkstep.step", spec.step);
    ObjectNode body = jobBody(spec, name, computeId,
        AzureMlFlavor.environmentId(config.get(AzureMlFlavor.ENVIRONMENT), jobs.workspaceId()), env, tags);

    CommandJob job = new CommandJob(name, jobs.workspaceId(), containerSpec.runDir);
    String studio = "https://ml.azure.com/runs/" + name + "?wsid=" + jobs.workspaceId();
    context.update(record -> record.platformHandle(job).loggedAt(studio));
    try {
      jobs.create(name, body);
    } catch (AzureMlApiException e) {
      if (e.isInvalidRequest()) {
        throw context.failed(new InvalidSpecException("azureml", e.getMessage(),
            "fix the operator settings or the step's resources"));
      }
      throw context.failed(e);
    } catch (PlatformException e) {
      throw context.failed(e);
    }
    context.save();
    RunLogAppender.of(context).note("azureml job " + name + " submitted; studio: "
        + studio);
    return new AzureMlRun(context, jobs, name, containerSpec.runDir, config.getLong(AzureMlFlavor.POLL_MILLIS));
  }

  /** The command job for a spec: the instance type and the time limit are what its resources map to. */
  ObjectNode jobBody(StepSpec spec, String name, String computeId, String environmentId, Map<String, String> env,
                     Map<String, String> tags) {
    return CommandJobRequest.build(name, config.get(AzureMlFlavor.EXPERIMENT), computeId, environmentId,
        config.get(AzureMlFlavor.COMMAND), env, InstanceTypes.choose(spec.resources,
            config.get(AzureMlFlavor.INSTANCE_TYPE)), spec.resources == null ? 0 : spec.resources.maxRuntimeSeconds,
        tags);
  }

  @Override
  public StepRun attach(RunRecord record, RunContext context) {
    CommandJob job = CommandJob.of(record);
    return new AzureMlRun(context, jobs(), job.name(), job.runDir(), config.getLong(AzureMlFlavor.POLL_MILLIS));
  }

  private static String trimSlash(String uri) {
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  private static void write(String uri, String content) throws PlatformException {
    try {
      SpecStaging.write(uri, content, new Configuration());
    } catch (IOException e) {
      throw new PlatformException("cannot upload the spec to " + uri + ": " + e.getMessage(), e, true);
    }
  }
}
