package io.sparkstep.flavor.vertex;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.aiplatform.v1.CustomJob;
import com.google.cloud.aiplatform.v1.JobServiceClient;
import com.google.cloud.aiplatform.v1.LocationName;
import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.remote.SpecStaging;
import io.sparkstep.spi.remote.JarStaging;
import io.sparkstep.spi.remote.JobDefinitionSecrets;
import io.sparkstep.spi.remote.RunLogAppender;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.PlatformException;
import io.sparkstep.spi.ResourceTable;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.StepOperator;
import io.sparkstep.spi.SubmitOptions;
import io.sparkstep.spi.remote.SpecChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Submits a step as a Vertex AI CustomJob and reattaches to it from the run record. */
final class VertexOperator implements StepOperator {
  private final OperatorConfig config;

  VertexOperator(OperatorConfig config) {
    this.config = config;
  }

  @Override
  public ResourceTable resourceTable() {
    return ResourceMapping.RESOURCES;
  }

  @Override
  public List<ValidationProblem> validate(StepSpec spec) {
    List<ValidationProblem> problems = new ArrayList<>(
        JobDefinitionSecrets.literalSecrets(spec, config, "Vertex CustomJob"));
    VertexSettings settings = new VertexSettings(config);
    new ResourceMapping(settings).validate(spec.resources, problems);
    CustomJobRequest.userLabels(spec).forEach((k, v) -> VertexSettings.checkLabel("labels." + k, k, v, problems));
    problems.addAll(JarStaging.check(spec, settings.stagingUri, "stagingUri"));
    for (Map.Entry<String, ArtifactSpec> e : allArtifacts(spec)) {
      String uri = e.getValue().uri;
      if (uri != null && uri.startsWith("file:") && !settings.plaintext) {
        problems.add(ValidationProblem.of(e.getKey(), "'" + uri + "' is a local path the Vertex container "
            + "cannot see", "use a gs:// URI"));
      }
    }
    return problems;
  }

  @Override
  public StepRun submit(StepSpec spec, SubmitOptions options, RunContext context) throws PlatformException {
    VertexSettings settings = new VertexSettings(config);
    ObjectStore store = new ObjectStore(settings.project);
    String runDirUri = settings.stagingUri + "/runs/" + spec.runId;
    StepSpec containerSpec = containerSpec(spec, runDirUri);
    try (JobServiceClient client = JobServiceClients.create(settings)) {
      // The container loads the user's jars from stagingUri (see JarStaging), not from this machine's paths.
      containerSpec.jars = JarStaging.stage(spec, settings.stagingUri,
          store.jarUploader(), uri -> uri);
      // inline as $SPARKSTEP_SPEC up to specEnvMaxBytes, else uploaded next to the run's record
      String specUri = runDirUri + "/spec.json";
      Map<String, String> env = new java.util.LinkedHashMap<>(settings.env);
      env.putAll(new SpecChannel(settings.specEnvMaxBytes).environment(StepSpecJson.write(containerSpec), runDirUri,
          json -> {
            store.write(specUri, json);
            return specUri;
          }));
      String stagedSpec = SpecChannel.stagedSpecUri(env);
      if (stagedSpec != null) {
        context.update(record -> record.platformNote(SpecStaging.RECORD_KEY, stagedSpec));
      }
      CustomJob job = client.createCustomJob(LocationName.of(settings.project, settings.location),
          CustomJobRequest.build(containerSpec, settings, env));
      RunRecord described = context.updateAndSave(record -> VertexJobRun.described(record, job.getName(), runDirUri));
      RunLogAppender.of(context).note(java.time.Instant.now() + " vertex: created "
          + job.getName() + " (" + job.getState() + "); Cloud Logging query: "
          + CustomJobHandle.of(described).loggingQuery());
      return new VertexJobRun(context, settings, store);
    } catch (ApiException e) {
      RuntimeException invalid = null;
      try {
        invalid = VertexErrors.orThrow("create the CustomJob", e);
      } catch (PlatformException platform) {
        failSubmission(context, platform);
        throw platform;
      }
      failSubmission(context, invalid);
      throw invalid;
    } catch (java.io.UncheckedIOException | com.google.cloud.storage.StorageException e) {
      // No credentials found by the default chain, or the spec upload to stagingUri failed.
      PlatformException platform = new PlatformException("cannot submit to Vertex AI: " + e.getMessage()
          + " (check Application Default Credentials and access to " + settings.stagingUri + ")", e, false);
      failSubmission(context, platform);
      throw platform;
    }
  }

  @Override
  public StepRun attach(RunRecord record, RunContext context) {
    VertexSettings settings = new VertexSettings(config);
    return new VertexJobRun(context, settings, new ObjectStore(settings.project));
  }

  /**
   * The spec the container runs: its run directory under the staging URI, the operator's Spark conf (as written, so
   * {@code ${ENV}} references resolve in the container) and the accelerator's jars and conf from the image.
   */
  private StepSpec containerSpec(StepSpec spec, String runDirUri) {
    StepSpec out = spec.copy();
    out.runDir = runDirUri;
    return withConf(out);
  }

  private StepSpec withConf(StepSpec spec) {
    JobDefinitionSecrets.withOperatorConf(spec, config);
    AcceleratorPlan plan = Accelerators.planForImage(spec, Accelerators.IMAGE_JAR_DIR);
    if (!plan.isNone()) {
      plan.sparkConf().forEach(spec.sparkConf::putIfAbsent);
      String jars = String.join(",", plan.jars());
      spec.sparkConf.merge("spark.jars", jars, (a, b) -> a + "," + b);
    }
    return spec;
  }

  private static void failSubmission(RunContext context, Exception cause) {
    context.failed(cause);
  }

  private static List<Map.Entry<String, ArtifactSpec>> allArtifacts(StepSpec spec) {
    List<Map.Entry<String, ArtifactSpec>> all = new ArrayList<>();
    spec.inputs.forEach((k, v) -> all.add(Map.entry("inputs." + k, v)));
    spec.outputs.forEach((k, v) -> all.add(Map.entry("outputs." + k, v)));
    return all;
  }
}
