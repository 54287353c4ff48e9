package io.sparkstep.samples.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.spi.accel.AcceleratorJarResolver;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.testing.CliCall;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sparkstep explain --accelerator rapids} on train-fare-model, on this CPU-only machine: RAPIDS in explain-only
 * mode judges the training step's ETL (scan, split filters, StringIndexer's aggregations, the evaluator's
 * aggregates, the prediction write) and says why the feature vectors stay on the CPU; Spark ML's model save is
 * Sparkstep's commit, not the step's plan, and is not counted.
 *
 * <p>Needs the RAPIDS jar (about 1 GB) in the local Maven repository; without it the test is skipped rather than
 * downloading it, since CI must not depend on a 1 GB download.
 */
@Tag("slow")
class TrainFareModelExplainTest {
  private static final Pattern SUMMARY = Pattern.compile("(\\d+) of (\\d+) operators accelerated");
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perClass();
  @TempDir
  static Path tmp;

  /** In the test, not in @BeforeAll: JUnit reports a test skipped by an assumption with its reason, a class not. */
  private static void assumeRapidsJarIsLocal() {
    Path rapidsJar = AcceleratorJarResolver.fromEnvironment().findLocal(Accelerator.RAPIDS.artifact());
    assumeTrue(rapidsJar != null, "assumption: the RAPIDS jar " + Accelerator.RAPIDS.artifact()
        + " is not in the local Maven repository (or " + AcceleratorJarResolver.JARS_ENV + "); run "
        + "'bin/sparkstep explain --accelerator rapids ...' once to download it, then this test runs");
  }

  private static String tripFeatures() throws Exception {
    String trips = tmp.resolve("trips").toUri().toString();
    String zones = tmp.resolve("zones").toUri().toString();
    String features = tmp.resolve("features").toUri().toString();
    await(local().step("generate-trips").param("rows", 5_000).param("zones", 20).param("partitions", 1)
        .output("trips", trips).output("zones", zones).submit());
    await(local().step("trip-features").input("trips", trips).input("zones", zones).output("features", features)
        .submit());
    return features;
  }

  /** A fresh builder per run: a builder keeps the step, params and outputs it was given. */
  private static Sparkstep local() {
    return Sparkstep.operator("local", HOME.path()).conf("spark.sql.shuffle.partitions", "2");
  }

  private static void await(StepRun run) throws Exception {
    assertEquals(RunState.SUCCEEDED, run.await(TIMEOUT), () -> String.valueOf(run.record().errorMessage()));
  }

  @Test
  void rapidsExplainJudgesTheTrainingEtl() throws Exception {
    assumeRapidsJarIsLocal();
    String features = tripFeatures();
    Path model = tmp.resolve("model");
    Path predictions = tmp.resolve("testPredictions");
    CliCall call = CliCall.of("explain", "--accelerator", "rapids", "--step", "train-fare-model",
        "--param", "maxIter=2", "--param", "maxDepth=2", "--input", "features=" + features,
        "--output", "model=" + model.toUri(), "--output", "testPredictions=" + predictions.toUri(),
        "--resources", "memory=1g", "--conf", "spark.sql.shuffle.partitions=2");
    assertEquals(0, call.code(), call.err());
    Matcher summary = SUMMARY.matcher(call.out());
    assertTrue(summary.find(), call.out());
    int accelerated = Integer.parseInt(summary.group(1));
    int total = Integer.parseInt(summary.group(2));
    assertTrue(total >= 10, "scan, split filters, indexer and evaluator aggregates, projections, write: " + call.out());
    assertTrue(accelerated > 0 && accelerated < total, call.out());
    assertTrue(call.out().contains("FileSourceScanExec") && call.out().contains("HashAggregateExec"), call.out());
    // at least one operator with its reason: Spark ML's feature vectors are a type RAPIDS does not take
    assertTrue(Pattern.compile("- ProjectExec  -- cannot run on GPU because .*VectorUDT").matcher(call.out()).find(),
        call.out());
    assertFalse(call.out().contains("text output is not supported"),
        "Spark ML's metadata write belongs to the model save, which is not counted: " + call.out());
    assertFalse(Files.exists(model) || Files.exists(predictions), "explain never writes the user's outputs");
    System.out.println(summary.group() + "\n" + call.out());
  }
}
