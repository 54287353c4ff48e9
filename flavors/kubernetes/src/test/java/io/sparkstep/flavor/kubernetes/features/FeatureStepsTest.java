package io.sparkstep.flavor.kubernetes.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.sparkstep.flavor.kubernetes.settings.PodTemplates;
import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.OperatorConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature steps' mapping of a spec onto a Kubernetes submission, plan by plan (no cluster needed): every
 * resource field mapped or refused, GPU task amounts Spark accepts, accelerators per step; and each step a pure
 * function of its plan (the plan it is given unchanged, the same plan for the same input, nothing read from outside
 * the plan's inputs).
 */
class FeatureStepsTest {

  private static final String DRIVER_POD = "sparkstep-20261125-010203-abcdef-driver";

  private static SubmissionPlan plan(Consumer<StepSpec> spec, String... settings) {
    StepSpec s = spec(spec);
    KubernetesSettings k = settings(settings);
    return PlanBuilder.build(s, k, DRIVER_POD);
  }

  private static StepSpec spec(Consumer<StepSpec> spec) {
    StepSpec s = new StepSpec();
    s.runId = "20261125-010203-abcdef";
    s.step = "trip-features";
    s.resources = new ResourceSpec();
    spec.accept(s);
    return s;
  }

  private static KubernetesSettings settings(String... settings) {
    Map<String, String> raw = new LinkedHashMap<>();
    raw.put("image", "registry.example.com/sparkstep:1");
    raw.put("gpuImage", "registry.example.com/sparkstep-gpu:1");
    raw.put("apiServer", "https://203.0.113.10:6443");
    for (int i = 0; i < settings.length; i += 2) {
      raw.put(settings[i], settings[i + 1]);
    }
    return new KubernetesSettings(new OperatorConfig("k8s", "kubernetes", raw, KubernetesSettings.OPTIONS));
  }

  private static List<String> fields(SubmissionPlan plan) {
    return plan.problems().stream().map(ValidationProblem::field).toList();
  }

  @Test
  void everyResourceFieldIsMapped() {
    SubmissionPlan plan = plan(s -> {
      s.resources.cpu = 2;
      s.resources.memory = "4g";
      s.resources.executorCpu = 3;
      s.resources.executorMemory = "6g";
      s.resources.memoryOverhead = "1g";
      s.resources.instanceType = "m5.2xlarge";
      s.resources.diskGb = 100;
      s.resources.maxRuntimeSeconds = 7200;
      s.resources.dynamicAllocation = new ResourceSpec.DynamicAllocation();
      s.resources.dynamicAllocation.enabled = true;
      s.resources.dynamicAllocation.minExecutors = 1;
      s.resources.dynamicAllocation.maxExecutors = 8;
    });
    assertEquals(List.of(), plan.problems());
    Map<String, String> c = plan.sparkConf();
    assertEquals("2", c.get("spark.driver.cores"));
    assertEquals("4g", c.get("spark.driver.memory"));
    assertEquals("3", c.get("spark.executor.cores"));
    assertEquals("6g", c.get("spark.executor.memory"));
    assertEquals("1g", c.get("spark.executor.memoryOverhead"));
    assertEquals("m5.2xlarge", c.get("spark.kubernetes.node.selector.node.kubernetes.io/instance-type"));
    assertEquals("true", c.get("spark.dynamicAllocation.shuffleTracking.enabled"), "no shuffle service on k8s");
    assertEquals("8", c.get("spark.dynamicAllocation.maxExecutors"));
    assertNull(c.get("spark.executor.instances"), "dynamic allocation sizes the executors");
    assertEquals(7200L, plan.driverTemplate().getSpec().getActiveDeadlineSeconds());
    assertEquals("100Gi", plan.executorTemplate().getSpec().getContainers().get(0).getResources().getRequests()
        .get("ephemeral-storage").toString());
  }

  @Test
  void contradictionsAreRefused() {
    SubmissionPlan plan = plan(s -> {
      s.resources.executors = 4;
      s.resources.dynamicAllocation = new ResourceSpec.DynamicAllocation();
      s.resources.dynamicAllocation.enabled = true;
      s.resources.dynamicAllocation.minExecutors = 5;
      s.resources.dynamicAllocation.maxExecutors = 2;
      s.resources.instanceType = "not a label value!";
      s.sparkConf.put("spark.kubernetes.namespace", "elsewhere");
    });
    assertEquals(List.of("resources.executors", "resources.dynamicAllocation", "resources.instanceType",
        "sparkConf.spark.kubernetes.namespace"), fields(plan));
  }

  @Test
  void gpuTaskAmountsAreOnesSparkAccepts() {
    assertEquals("1", GpuTaskAmount.of(1, 1));
    assertEquals("0.25", GpuTaskAmount.of(1, 4));
    assertEquals("0.333333", GpuTaskAmount.of(1, 3));
    assertEquals("0.5", GpuTaskAmount.of(2, 3), "not 0.67: Spark wants 1/n");
    assertEquals("2", GpuTaskAmount.of(4, 2));
  }

  @Test
  void cpuStepsGetTheCpuProfileAndCometFromTheImage() {
    SubmissionPlan cpu = plan(s -> { });
    assertEquals("true", cpu.sparkConf().get("spark.sql.adaptive.enabled"), "spark-conf/cpu.conf");
    assertEquals(Accelerator.NONE, cpu.accelerator());
    assertNull(cpu.executorTemplate(), "no GPU template for a CPU step");
    assertEquals("2", cpu.sparkConf().get("spark.executor.instances"), "the operator's default executor count");

    SubmissionPlan comet = plan(s -> s.accelerator = "comet");
    assertEquals(Accelerator.COMET, comet.accelerator());
    assertTrue(comet.jars().get(0).startsWith("local:///opt/sparkstep/accelerators/comet-spark"), comet.jars().toString());
    assertEquals("/opt/sparkstep/accelerators/" + comet.jars().get(0).substring(
        "local:///opt/sparkstep/accelerators/".length()), comet.sparkConf().get("spark.executor.extraClassPath"));
  }

  @Test
  void aNameThatIsNoAcceleratorIsRefusedAsTheSpecsAcceleratorAndPlansNone() {
    SubmissionPlan plan = plan(s -> s.accelerator = "turbo");
    assertEquals(List.of("accelerator"), fields(plan));
    assertEquals(Accelerator.NONE, plan.accelerator(), "nothing accelerated is planned for it");
    assertTrue(plan.jars().isEmpty(), plan.jars().toString());
  }

  @Test
  void gpuStepsMayOptOutOfRapids() {
    SubmissionPlan plan = plan(s -> {
      s.resources.gpus = 2;
      s.accelerator = "none";
    }, "gpuVendor", "amd.com", "gpuNodeSelector.accelerator", "mi300");
    assertEquals(List.of(), plan.problems());
    assertEquals(Accelerator.NONE, plan.accelerator());
    assertFalse(plan.sparkConf().containsKey("spark.plugins"), "no RAPIDS plugin");
    assertEquals("amd.com", plan.sparkConf().get("spark.executor.resource.gpu.vendor"));
    assertEquals("2", plan.sparkConf().get("spark.executor.resource.gpu.amount"),
        "Spark sets the pods' amd.com/gpu limit from amount and vendor");
    assertEquals("mi300", plan.sparkConf().get("spark.kubernetes.executor.node.selector.accelerator"));
    assertTrue(plan.executorTemplate().getSpec().getTolerations().stream()
        .anyMatch(t -> "amd.com/gpu".equals(t.getKey())), "toleration of the vendor's GPU taint");
  }

  @Test
  void theStepsOwnConfWinsOverProfilesAndOperator() {
    SubmissionPlan plan = plan(s -> s.sparkConf.put("spark.sql.adaptive.enabled", "false"),
        "conf.spark.sql.shuffle.partitions", "64");
    assertEquals("false", plan.sparkConf().get("spark.sql.adaptive.enabled"));
    assertEquals("64", plan.sparkConf().get("spark.sql.shuffle.partitions"));
  }

  @Test
  void gpuStepWithoutGpuImageIsRefusedNotRunOnTheCpuImage() {
    SubmissionPlan plan = plan(s -> s.resources.gpus = 1, "gpuImage", "");
    assertEquals(List.of("gpuImage"), fields(plan));
    assertEquals(List.of(), fields(plan(s -> { }, "gpuImage", "")), "CPU steps need no GPU image");
  }

  @Test
  void rapidsExecutorsReserveThePinnedPoolOutsideTheHeap() {
    SubmissionPlan defaults = plan(s -> {
      s.resources.gpus = 1;
      s.resources.executorMemory = "4g";
    });
    // Spark's own overhead for a 4g heap is max(384m, 10%) = 409m; gpu.conf's pinned pool is 2g.
    assertEquals("2g", defaults.sparkConf().get("spark.rapids.memory.pinnedPool.size"));
    assertEquals("2457m", defaults.sparkConf().get("spark.executor.memoryOverhead"));

    SubmissionPlan own = plan(s -> {
      s.resources.gpus = 1;
      s.resources.memoryOverhead = "1g";
      s.sparkConf.put("spark.rapids.memory.pinnedPool.size", "512m");
    });
    assertEquals("1536m", own.sparkConf().get("spark.executor.memoryOverhead"), "the step's overhead plus its pool");

    SubmissionPlan noRapids = plan(s -> {
      s.resources.gpus = 1;
      s.accelerator = "none";
    });
    assertNull(noRapids.sparkConf().get("spark.executor.memoryOverhead"), "no pool without RAPIDS");
    assertEquals(List.of("sparkConf.spark.rapids.memory.pinnedPool.size"), fields(plan(s -> {
      s.resources.gpus = 1;
      s.sparkConf.put("spark.rapids.memory.pinnedPool.size", "lots");
    })));
  }

  @Test
  void usersDriverTemplateIsMergedOverTheProfileAndKeepsItsGracePeriod(@TempDir Path dir) throws Exception {
    Path mine = Files.writeString(dir.resolve("driver.yaml"), String.join("\n",
        "apiVersion: v1", "kind: Pod", "metadata:", "  labels:", "    team: pricing", "spec:",
        "  nodeSelector:", "    pool: drivers", "  containers:", "    - name: spark-kubernetes-driver",
        "      env:", "        - name: TZ", "          value: UTC", ""));
    var driver = plan(s -> { }, "driverPodTemplate", mine.toString()).driverTemplate();
    assertEquals(60L, driver.getSpec().getTerminationGracePeriodSeconds(), "the profile's grace period stays");
    assertEquals("drivers", driver.getSpec().getNodeSelector().get("pool"));
    assertEquals("pricing", driver.getMetadata().getLabels().get("team"));
    assertEquals("sparkstep", driver.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    assertEquals(1, driver.getSpec().getContainers().size(), "containers merged by name");
    assertEquals("UTC", driver.getSpec().getContainers().get(0).getEnv().get(0).getValue());

    Files.writeString(mine, "apiVersion: v1\nkind: Pod\nspec:\n  terminationGracePeriodSeconds: 5\n");
    assertEquals(5L, plan(s -> { }, "driverPodTemplate", mine.toString()).driverTemplate().getSpec()
        .getTerminationGracePeriodSeconds(), "the user's own value wins");
  }

  /** A GPU step with every operator setting that reaches a step: each step sees some input. */
  private static SubmissionPlan[] everyStepsInput(Path dir) throws Exception {
    Path driver = Files.writeString(dir.resolve("driver.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n"
        + "    team: pricing\nspec:\n  priorityClassName: batch\n");
    Path executor = Files.writeString(dir.resolve("executor.yaml"), "apiVersion: v1\nkind: Pod\nspec:\n"
        + "  tolerations:\n    - key: pool\n      operator: Exists\n");
    StepSpec spec = spec(s -> {
      s.resources.gpus = 1;
      s.resources.executorCpu = 2;
      s.resources.diskGb = 20;
      s.resources.maxRuntimeSeconds = 600;
      s.resources.instanceType = "g5.xlarge";
      s.sparkConf.put("spark.sql.shuffle.partitions", "16");
    });
    KubernetesSettings settings = settings("driverPodTemplate", driver.toString(), "executorPodTemplate",
        executor.toString(), "tolerations", "dedicated=spark:NoSchedule", "nodeSelector.pool", "spark",
        "label.team", "ml", "env.LOG_LEVEL", "debug", "secretEnv.DB_PASSWORD", "db:password",
        "volume.data", "persistentVolumeClaim:/data:claimName=shared", "conf.spark.sql.adaptive.enabled", "false");
    PlanInputs inputs = PlanInputs.read(spec, settings);
    List<KubernetesFeatureStep> steps = KubernetesFeatureStep.all();
    SubmissionPlan[] seen = new SubmissionPlan[steps.size() + 1];
    seen[0] = SubmissionPlan.empty(spec, settings, DRIVER_POD, inputs);
    for (int i = 0; i < steps.size(); i++) {
      seen[i + 1] = steps.get(i).apply(seen[i]);
    }
    return seen;
  }

  @Test
  void eachStepIsAPureFunctionOfItsPlan(@TempDir Path dir) throws Exception {
    SubmissionPlan[] seen = everyStepsInput(dir);
    List<KubernetesFeatureStep> steps = KubernetesFeatureStep.all();
    for (int i = 0; i < steps.size(); i++) {
      KubernetesFeatureStep step = steps.get(i);
      SubmissionPlan input = seen[i];
      String inputBefore = input + StepSpecJson.write(input.spec());
      SubmissionPlan once = step.apply(input);
      SubmissionPlan twice = step.apply(input);
      String name = step.getClass().getSimpleName();
      assertEquals(inputBefore, input + StepSpecJson.write(input.spec()), name + " left its input plan as it was");
      assertEquals(once, twice, name + " maps the same plan to the same plan");
      assertNotEquals(input, once, name + " has something to map in this plan");
    }
    assertEquals(List.of(), seen[steps.size()].problems());
    assertEquals(seen[steps.size()], PlanBuilder.build(seen[0].spec(), seen[0].settings(), DRIVER_POD,
        seen[0].inputs()), "the builder is the fold of the steps");
  }

  @Test
  void aTemplateTakenFromAPlanIsACopy(@TempDir Path dir) throws Exception {
    SubmissionPlan plan = everyStepsInput(dir)[KubernetesFeatureStep.all().size()];
    Pod taken = plan.executorTemplate();
    taken.getSpec().setTolerations(List.of());
    assertFalse(plan.executorTemplate().getSpec().getTolerations().isEmpty(), "editing a copy changes no plan");
  }

  @Test
  void stepsReadTemplatesFromTheInputsNotFromFiles() {
    // The operator names template files that do not exist; the inputs carry the templates. A step that read the
    // files itself would refuse them.
    StepSpec spec = spec(s -> s.resources.gpus = 1);
    KubernetesSettings settings = settings("driverPodTemplate", "/nonexistent/driver.yaml",
        "executorPodTemplate", "/nonexistent/executor.yaml");
    Pod driver = PodTemplates.parse("test", "driver", "apiVersion: v1\nkind: Pod\nspec:\n  priorityClassName: x\n");
    Pod executor = PodTemplates.parse("test", "executor", "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n"
        + "    pool: gpu\n");
    Pod profile = PodTemplates.parse("test", "profile", "apiVersion: v1\nkind: Pod\nspec:\n"
        + "  terminationGracePeriodSeconds: 7\n");
    PlanInputs inputs = new PlanInputs(profile, PodTemplates.empty(), driver, executor, List.of(),
        Map.of("spark.from.cpu.profile", "yes"), new io.sparkstep.spi.accel.AcceleratorPlan(io.sparkstep.spi.accel.Accelerator.RAPIDS,
            List.of("local:///opt/x/rapids.jar"), Map.of("spark.plugins", "com.nvidia.spark.SQLPlugin")), List.of());
    SubmissionPlan plan = PlanBuilder.build(spec, settings, DRIVER_POD, inputs);
    assertEquals(List.of(), plan.problems());
    assertEquals("x", plan.driverTemplate().getSpec().getPriorityClassName());
    assertEquals(7L, plan.driverTemplate().getSpec().getTerminationGracePeriodSeconds(), "merged over the profile");
    assertEquals("gpu", plan.executorTemplate().getMetadata().getLabels().get("pool"));
    assertEquals(List.of("local:///opt/x/rapids.jar"), plan.jars(), "the accelerator plan of the inputs");
    assertEquals("com.nvidia.spark.SQLPlugin", plan.sparkConf().get("spark.plugins"));

    PlanInputs unreadable = new PlanInputs(profile, PodTemplates.empty(), null, null,
        List.of(ValidationProblem.of("executorPodTemplate", "file does not exist", "fix it")), Map.of(), null,
        List.of(ValidationProblem.of("accelerator", "not on this platform", "none")));
    assertEquals(List.of("executorPodTemplate", "accelerator"), fields(PlanBuilder.build(spec, settings, DRIVER_POD,
        unreadable)), "what could not be read is refused by the step that owns it");
  }
}
