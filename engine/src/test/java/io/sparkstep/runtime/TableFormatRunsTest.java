package io.sparkstep.runtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.RunState;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.CurrentRecord;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta and Iceberg outputs and inputs through the runner, on one Spark session whose conf is what a run using Delta
 * and Iceberg gets: each write is the table's version in the writer's record and in the reader's, time travel reads an older one,
 * and a step that fails, before or during the table's write, leaves the table at its previous version.
 */
@Tag("slow")
class TableFormatRunsTest {
  private static SparkSession spark;
  @TempDir
  static Path tmp;

  @BeforeAll
  static void startSpark() {
    StepSpec usesBoth = new StepSpec();
    usesBoth.step = "x";
    usesBoth.runId = "conf";
    usesBoth.outputs.put("out", new ArtifactSpec("/x", "delta", null));
    usesBoth.inputs.put("in", new ArtifactSpec("/y", "iceberg", null));
    SparkSession.Builder builder = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1");
    SparkSessionFactory.runConf(usesBoth, AcceleratorPlan.none()).forEach(builder::config);
    spark = builder.getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** Writes ids 0..rows-1 to {@code out}. */
  public static class RangeStep implements Step {
    @Override
    public StepDescriptor describe() {
      return StepDescriptor.builder("test-range").param(ParamDef.intParam("rows")).output("out", "ids").build();
    }

    @Override
    public void run(StepContext context) {
      context.output("out", context.spark().range(context.params().getInt("rows")).toDF());
    }
  }

  /** Hands its output over, then fails: nothing may reach the table. */
  public static class FailsAfterOutputStep extends RangeStep {
    @Override
    public void run(StepContext context) {
      super.run(context);
      throw new IllegalStateException("failed after handing the output over");
    }
  }

  /** Its data fails in the middle of the table's write, after some rows were written. */
  public static class FailsWhileWritingStep extends RangeStep {
    @Override
    public void run(StepContext context) {
      int rows = context.params().getInt("rows");
      UDF1<Long, Long> breaksAtTheLastRow = id -> {
        if (id == rows - 1) {
          throw new IllegalStateException("row " + id + " broke the write");
        }
        return id;
      };
      context.output("out", context.spark().range(0, rows, 1, 2).toDF()
          .select(udf(breaksAtTheLastRow, DataTypes.LongType).apply(col("id")).as("id")));
    }
  }

  /** Counts its input's rows into the output {@code out}. */
  public static class CountStep implements Step {
    @Override
    public StepDescriptor describe() {
      return StepDescriptor.builder("test-count").input("in", "a table").output("out", "the input's rows").build();
    }

    @Override
    public void run(StepContext context) {
      context.output("out", context.input("in"));
    }
  }

  @Test
  void deltaVersionsAreRecordedByWriterAndReaderAndFailedRunsLeaveThePreviousVersion() {
    tableRoundTrip("delta", DataSnapshot.DELTA_VERSION, "versionAsOf");
  }

  @Test
  void icebergSnapshotsAreRecordedByWriterAndReaderAndFailedRunsLeaveThePreviousSnapshot() {
    tableRoundTrip("iceberg", DataSnapshot.ICEBERG_SNAPSHOT, "snapshot-id");
  }

  private void tableRoundTrip(String format, String kind, String timeTravelOption) {
    String table = tmp.resolve(format + "-table").toUri().toString();
    RunRecord first = run(write(RangeStep.class, format + "-1", table, format, 10, null));
    assertSucceeded(first);
    DataSnapshot firstVersion = first.outputs.get("out").snapshot;
    assertEquals(kind, firstVersion.kind);
    assertEquals(10L, first.outputs.get("out").rows);

    RunRecord second = run(write(RangeStep.class, format + "-2", table, format, 4, "overwrite"));
    assertSucceeded(second);
    DataSnapshot secondVersion = second.outputs.get("out").snapshot;
    assertNotEquals(firstVersion, secondVersion);

    RunRecord latest = run(read(format + "-read", table, format, Map.of()));
    assertSucceeded(latest);
    assertEquals(secondVersion, latest.inputs.get("in").snapshot, "the reader records the version the writer made");
    assertEquals(4L, latest.outputs.get("out").rows);
    assertEquals(new DataSnapshot(DataSnapshot.SPARKSTEP_COMMIT, format + "-read"), latest.outputs.get("out").snapshot,
        "a parquet output's snapshot is the run's commit, not a table version");

    RunRecord older = run(read(format + "-travel", table, format, Map.of(timeTravelOption, firstVersion.value)));
    assertSucceeded(older);
    assertEquals(firstVersion, older.inputs.get("in").snapshot);
    assertEquals(10L, older.outputs.get("out").rows, "time travel reads the first version's rows");

    for (Class<? extends Step> failing : List.of(FailsAfterOutputStep.class, FailsWhileWritingStep.class)) {
      RunRecord failed = run(write(failing, format + "-" + failing.getSimpleName(), table, format, 7, "overwrite"));
      assertEquals(RunState.FAILED, failed.state, failing.getSimpleName());
      assertTrue(failed.outputs.isEmpty(), failing.getSimpleName() + " recorded no output");
      RunRecord after = run(read(format + "-after-" + failing.getSimpleName(), table, format, Map.of()));
      assertEquals(secondVersion, after.inputs.get("in").snapshot, failing.getSimpleName() + " left the table");
      assertEquals(4L, after.outputs.get("out").rows);
    }
  }

  private static void assertSucceeded(RunRecord record) {
    assertEquals(RunState.SUCCEEDED, record.state, () -> record.runId + ": " + record.error.message);
  }

  private static StepSpec write(Class<? extends Step> step, String runId, String table, String format, int rows,
                                String mode) {
    StepSpec spec = new StepSpec();
    spec.runId = runId;
    spec.step = step.getName();
    spec.params.put("rows", rows);
    spec.outputs.put("out", new ArtifactSpec(table, format, mode));
    return spec;
  }

  private static StepSpec read(String runId, String table, String format, Map<String, String> options) {
    StepSpec spec = new StepSpec();
    spec.runId = runId;
    spec.step = CountStep.class.getName();
    ArtifactSpec input = new ArtifactSpec(table, format, null);
    input.options.putAll(options);
    spec.inputs.put("in", input);
    spec.outputs.put("out", ArtifactSpec.ofUri(tmp.resolve(runId + "-out").toUri().toString()));
    return spec;
  }

  private static RunRecord run(StepSpec spec) {
    CurrentRecord record = new CurrentRecord(new RunRecord(spec.runId, spec.step, null, null));
    new StepRunner().run(spark.newSession(), spec, record, new CancelToken(), r -> { });
    return record.get();
  }
}
