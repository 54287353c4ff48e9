package io.sparkstep.flavor.kubernetes;

import io.sparkstep.flavor.kubernetes.settings.KubeAccess;
import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.flavor.kubernetes.features.PlanBuilder;
import io.sparkstep.flavor.kubernetes.features.SubmissionPlan;
import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.remote.JarStaging;
import io.sparkstep.spi.spec.TableFormatJars;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.PlatformException;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.ResourceTable;
import io.sparkstep.spi.StepOperator;
import io.sparkstep.spi.SubmitOptions;
import io.sparkstep.flavor.kubernetes.features.ResourcesFeatureStep;
import io.sparkstep.spi.remote.SpecChannel;
import io.sparkstep.spi.remote.SparkHadoopConf;
import io.sparkstep.spi.remote.SpecStaging;
import io.sparkstep.spi.util.EnvInterpolation;
import io.sparkstep.spi.util.Redactor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;

/**
 * One kubernetes operator: builds a step's submission with the feature steps (refusing what cannot be mapped before
 * anything is sent), submits it with Spark's own client, and follows the driver pod with {@link KubernetesRun}.
 */
final class KubernetesOperator implements StepOperator {
  /**
   * The spec travels as driver arguments inside the pod spec (in parts under the OS limit for one argument, see
   * {@link SpecChannel}); Kubernetes objects are limited to ~1.5 MB, and the pod holds more than the spec. A larger
   * spec is staged under uploadPath and the driver gets its URI.
   */
  static final SpecChannel SPEC_CHANNEL = new SpecChannel(768 * 1024);
  /** Where the driver writes its run record inside the pod (the record Sparkstep keeps is the one here). */
  static final String POD_RUN_DIR = "file:///tmp/sparkstep/run";

  private final KubernetesSettings settings;

  KubernetesOperator(KubernetesSettings settings) {
    this.settings = settings;
  }

  static String driverPodName(String runId) {
    String id = runId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    String name = "sparkstep-" + id;
    if (name.length() > 56) {
      name = name.substring(0, 56);
    }
    return name.replaceAll("-+$", "") + "-driver";
  }

  SubmissionPlan plan(StepSpec spec) {
    return PlanBuilder.build(spec, settings, driverPodName(spec.runId == null ? "run" : spec.runId));
  }

  @Override
  public ResourceTable resourceTable() {
    return ResourcesFeatureStep.RESOURCES;
  }

  @Override
  public List<ValidationProblem> validate(StepSpec spec) {
    List<ValidationProblem> problems = new ArrayList<>(KubeAccess.problems(settings));
    spec.sparkConf.forEach((key, value) -> {
      // Spark writes the submission's conf into the driver's spark.properties config map: no literal secret there.
      if (Redactor.isSecretKey(key) && value != null
          && !EnvInterpolation.references(value)) {
        problems.add(ValidationProblem.of("sparkConf." + key, "a literal secret would be written into the driver "
            + "pod's config map", "keep it in a Kubernetes Secret: --set secretEnv.NAME=SECRET:KEY on the operator "
            + "and --conf " + key + "='${NAME}'"));
      }
    });
    problems.addAll(plan(spec).problems());
    // The operator's own jars are checked with its settings; those named elsewhere (--jars, SPARKSTEP_CLASSPATH,
    // plugins/, and the table formats' from lib/) here: local ones need uploadPath, where Spark's client uploads them.
    List<String> shipped = TableFormatJars.withUserJars(spec, getClass().getClassLoader());
    problems.addAll(JarStaging.check(shipped.stream().filter(jar -> settings.jars()
        .stream().noneMatch(given -> SparkSubmission.samePath(given, jar))).toList(), settings.uploadPath(),
        "uploadPath"));
    // past the inline limit the spec is staged under uploadPath, which the driver pod reads already for the jars
    SpecStaging.check(SPEC_CHANNEL, StepSpecJson.write(spec), settings.uploadPath(), "uploadPath")
        .ifPresent(problems::add);
    return problems;
  }

  @Override
  public StepRun submit(StepSpec spec, SubmitOptions options, RunContext context) throws PlatformException {
    SubmissionPlan plan = plan(spec);
    if (!plan.problems().isEmpty()) {
      throw context.failed(new InvalidSpecException(plan.problems()));
    }
    String master;
    SparkConf conf;
    try {
      master = KubeAccess.sparkMaster(settings);
      conf = SparkSubmission.sparkConf(plan, master, context.runDir());
    } catch (IOException | RuntimeException e) {
      throw context.failed(new PlatformException("cannot prepare the Kubernetes submission: " + e.getMessage(), e,
          false));
    }
    DriverPod driverPod = new DriverPod(settings.namespace(), plan.driverPodName(),
        conf.get("spark.kubernetes.container.image"), plan.accelerator().id());
    context.updateAndSave(record -> record.sentTo(master).platformHandle(driverPod));
    StepSpec driverSpec = spec.copy();
    driverSpec.runDir = POD_RUN_DIR;
    // spark.jars carries the step jars (see SparkSubmission); the driver's entrypoint has nothing to fetch itself
    driverSpec.jars = new ArrayList<>();
    if (plan.accelerator() != Accelerator.NONE) {
      driverSpec.accelerator = plan.accelerator().id();
    }
    List<String> specArguments;
    try {
      specArguments = SPEC_CHANNEL.arguments(StepSpecJson.write(driverSpec), json -> {
        String uri = SpecStaging.write(SpecStaging.location(settings.uploadPath(), spec.runId), json,
            SparkHadoopConf.of(settings.conf()));
        // recorded before the pod exists: whoever observes the run's end deletes the copy (KubernetesRun)
        context.updateAndSave(record -> record.platformNote(SpecStaging.RECORD_KEY, uri));
        return uri;
      });
    } catch (IOException | RuntimeException e) {
      throw context.failed(new PlatformException("cannot stage the spec under uploadPath " + settings.uploadPath()
          + ": " + e.getMessage(), e, true));
    }
    try {
      SparkSubmission.submit(settings, conf, specArguments);
    } catch (PlatformException e) {
      // Spark's client removes what it created when pod creation fails; this also covers a timed-out submission.
      try (var client = KubeAccess.clientWithoutRetries(settings)) {
        RunResources.delete(client, settings.namespace(), plan.driverPodName(), spec.runId);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      RunCleanup.deleteStagedSpec(context.record(), settings);
      throw context.failed(e);
    }
    return KubernetesRun.start(context, settings);
  }

  @Override
  public StepRun attach(RunRecord record, RunContext context) {
    return KubernetesRun.attach(context, settings);
  }

}
