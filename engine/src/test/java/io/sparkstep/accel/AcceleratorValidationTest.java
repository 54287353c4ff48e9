package io.sparkstep.accel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.spi.accel.AcceleratorJarResolver;
import io.sparkstep.spi.accel.AcceleratorJarException;
import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.OperatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad accelerator input: each is one clear error naming the field and the fix, and nothing is launched. */
class AcceleratorValidationTest {
  @TempDir
  Path tmp;

  private StepSpec features(String accelerator) {
    StepSpec spec = new StepSpec();
    spec.step = "trip-features";
    spec.inputs.put("trips", io.sparkstep.spi.spec.ArtifactSpec.ofUri(tmp.resolve("trips").toUri().toString()));
    spec.inputs.put("zones", io.sparkstep.spi.spec.ArtifactSpec.ofUri(tmp.resolve("zones").toUri().toString()));
    spec.outputs.put("features", io.sparkstep.spi.spec.ArtifactSpec.ofUri(tmp.resolve("features").toUri().toString()));
    spec.accelerator = accelerator;
    return spec;
  }

  @Test
  void rapidsWithoutGpusIsRefusedBeforeLaunch() {
    Path home = tmp.resolve("home");
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> Sparkstep.operator("local", home)
        .step("trip-features").input("trips", tmp.resolve("t").toUri().toString())
        .input("zones", tmp.resolve("z").toUri().toString()).output("features", tmp.resolve("f").toUri().toString())
        .accelerator("rapids").submit());
    ValidationProblem problem = e.problems().stream().filter(p -> p.field().equals("accelerator")).findFirst()
        .orElseThrow(() -> new AssertionError(e.getMessage()));
    assertTrue(problem.message().contains("GPUs"), problem.toString());
    assertTrue(problem.hint().contains("explain --accelerator rapids"), problem.toString());
    assertTrue(new RunStore(home).list().isEmpty(), "nothing was launched or recorded");
  }

  @Test
  void rapidsInExplainNeedsNoGpu() {
    StepSpec spec = features("rapids");
    assertEquals(List.of(), Accelerators.check(spec, true));
    assertFalse(Accelerators.check(spec, false).isEmpty(), "a real run still needs GPUs");
  }

  @Test
  void cometWithoutOffHeapMemoryIsRefused() {
    StepSpec spec = features("comet");
    spec.sparkConf.put("spark.memory.offHeap.enabled", "false");
    List<ValidationProblem> problems = Accelerators.check(spec);
    assertEquals(1, problems.size(), problems.toString());
    assertEquals("sparkConf.spark.memory.offHeap.enabled", problems.get(0).field());
    assertTrue(problems.get(0).hint().contains("comet.conf"), problems.toString());

    spec.sparkConf.put("spark.memory.offHeap.enabled", "true");
    spec.sparkConf.put("spark.memory.offHeap.size", "0");
    assertEquals("sparkConf.spark.memory.offHeap.size", Accelerators.check(spec).get(0).field());
  }

  @Test
  void cometOnAnUnsupportedPlatformIsRefused() {
    StepSpec spec = features("comet");
    List<ValidationProblem> mac = Accelerators.checkPlatform(spec, "Mac OS X", "aarch64");
    assertEquals(1, mac.size());
    assertTrue(mac.get(0).message().contains("Mac OS X/aarch64"), mac.toString());
    assertEquals(1, Accelerators.checkPlatform(spec, "Windows 11", "amd64").size());
    assertEquals(List.of(), Accelerators.checkPlatform(spec, "Linux", "amd64"));
    assertEquals(List.of(), Accelerators.checkPlatform(spec, "Linux", "aarch64"));
    assertEquals(List.of(), Accelerators.checkPlatform(features("none"), "Mac OS X", "aarch64"));
  }

  @Test
  void unresolvableJarIsOneClearError() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    // An empty local repository and a repository address where nothing listens: neither here nor downloadable.
    AcceleratorJarResolver resolver = new AcceleratorJarResolver(Map.of(), tmp.resolve("m2"), "http://127.0.0.1:9",
        new PrintStream(progress, true, StandardCharsets.UTF_8));
    AcceleratorJarException e = assertThrows(AcceleratorJarException.class,
        () -> Accelerators.plan(features("comet"), resolver));
    assertEquals("accelerator", e.problems().get(0).field());
    assertTrue(e.getMessage().contains("comet-spark-spark4.1_2.13"), e.getMessage());
    assertTrue(e.getMessage().contains("SPARKSTEP_ACCELERATOR_JARS"), "says where else to put it: " + e.getMessage());
    assertTrue(Files.notExists(tmp.resolve("m2").resolve(Accelerator.COMET.artifact().repositoryPath())));

    // An image that names its jar directory never downloads: a missing jar there is the image's fault.
    Path emptyImageDir = Files.createDirectories(tmp.resolve("image-jars"));
    AcceleratorJarResolver image = new AcceleratorJarResolver(
        Map.of(AcceleratorJarResolver.JARS_ENV, emptyImageDir.toString()), tmp.resolve("m2"), "http://127.0.0.1:9",
        System.err);
    AcceleratorJarException fromImage = assertThrows(AcceleratorJarException.class,
        () -> image.resolve(Accelerator.RAPIDS.artifact()));
    assertTrue(fromImage.getMessage().contains("is not in SPARKSTEP_ACCELERATOR_JARS"), fromImage.getMessage());
  }

  @Test
  void planForCometCarriesJarPluginShuffleManagerAndOffHeap() throws Exception {
    Path jarDir = Files.createDirectories(tmp.resolve("jars"));
    Files.writeString(jarDir.resolve(Accelerator.COMET.artifact().fileName()), "stand-in");
    AcceleratorJarResolver resolver = new AcceleratorJarResolver(
        Map.of(AcceleratorJarResolver.JARS_ENV, jarDir.toString()), tmp.resolve("m2"), "http://127.0.0.1:9", System.err);
    AcceleratorPlan plan = Accelerators.plan(features("comet"), resolver);
    String jar = jarDir.resolve(Accelerator.COMET.artifact().fileName()).toAbsolutePath().toString();
    assertEquals(List.of(jar), plan.jars());
    assertEquals("org.apache.spark.CometPlugin", plan.sparkConf().get("spark.plugins"));
    assertTrue(plan.sparkConf().get("spark.shuffle.manager").endsWith("CometShuffleManager"));
    assertEquals("true", plan.sparkConf().get("spark.memory.offHeap.enabled"));
    assertEquals(jar, plan.sparkConf().get("spark.driver.extraClassPath"));

    AcceleratorPlan inImage = Accelerators.planForImage(features("comet"),
        Accelerators.IMAGE_JAR_DIR);
    assertEquals(List.of("local:///opt/sparkstep/accelerators/comet-spark-spark4.1_2.13-1.2.0.jar"), inImage.jars());
    assertTrue(Accelerators.plan(features("none"), resolver).isNone());
  }

  @Test
  void operatorSettingIsTheDefaultAccelerator() {
    Path home = tmp.resolve("home");
    OperatorStore store = new OperatorStore(home, new FlavorRegistry());
    store.register("fast", "local", Map.of("accelerator", "comet", "isolation", "process"), false);
    InvalidSpecException unknown = assertThrows(InvalidSpecException.class,
        () -> store.register("bad", "local", Map.of("accelerator", "tpu"), false));
    assertTrue(unknown.getMessage().contains("unknown accelerator 'tpu'"), unknown.getMessage());

    OperatorConfig config = store.get("fast");
    StepSpec spec = features(null);
    Accelerators.applyOperatorDefault(spec, config);
    assertEquals("comet", spec.accelerator);
    StepSpec explicit = features("none");
    Accelerators.applyOperatorDefault(explicit, config);
    assertEquals("none", explicit.accelerator, "the run's own choice wins");
    assertNull(features(null).accelerator);
  }
}
