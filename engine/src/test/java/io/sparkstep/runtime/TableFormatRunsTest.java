package io.sparkstep.runtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.sparkstep.testing.TableRuns.assertSucceeded;
import static io.sparkstep.testing.TableRuns.write;

import io.sparkstep.api.ParamDef;
import io.sparkstep.api.RunState;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.testing.CliProcess;
import io.sparkstep.testing.RangeStep;
import io.sparkstep.testing.TableRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
 * and a step that fails, before or during the table's write, or a driver killed with -9 during it, leaves the table
 * at its previous version.
 */
@Tag("slow")
class TableFormatRunsTest {
  private static final List<String> TABLE_FORMATS = List.of("delta", "iceberg");
  /** A fresh driver's start and its first table write, two at once on a loaded machine: minutes, not seconds. */
  private static final Duration KILLED_RUN_TIMEOUT = Duration.ofMinutes(8);
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

  /**
   * Like {@link FailsWhileWritingStep}, but its last row holds the table's write (after the other partition's files
   * are written, before the table's commit) until the test kills the driver: it writes the driver's pid to
   * {@code HOLD_DIR/reached} and waits for {@code HOLD_DIR/release}.
   */
  public static class HoldsWhileWritingStep implements Step {
    @Override
    public StepDescriptor describe() {
      return StepDescriptor.builder("test-holds-while-writing").param(ParamDef.intParam("rows"))
          .param(ParamDef.stringParam("holdDir")).output("out", "ids").build();
    }

    @Override
    public void run(StepContext context) {
      int rows = context.params().getInt("rows");
      String holdDir = context.params().getString("holdDir");
      UDF1<Long, Long> holdsAtTheLastRow = id -> {
        if (id == rows - 1) {
          holdUntilReleased(Path.of(holdDir));
        }
        return id;
      };
      context.output("out", context.spark().range(0, rows, 1, 2).toDF()
          .select(udf(holdsAtTheLastRow, DataTypes.LongType).apply(col("id")).as("id")));
    }

    private static void holdUntilReleased(Path dir) throws IOException, InterruptedException {
      Path reached = dir.resolve("reached.partial");
      Files.writeString(reached, Long.toString(ProcessHandle.current().pid()));
      // moved into place whole: the test never reads a half-written pid
      Files.move(reached, dir.resolve("reached"), StandardCopyOption.ATOMIC_MOVE);
      while (!Files.exists(dir.resolve("release")) && Files.isDirectory(dir)) {
        Thread.sleep(50);
      }
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

  /**
   * A driver killed with -9 in the middle of a table's write (a detached run in its own JVM, held by its step's last
   * row) leaves the table at its previous version with its previous rows; the next run writes the next version.
   * Delta and Iceberg killed side by side: the two detached runs start together.
   */
  @Test
  void aDriverKilledInTheMiddleOfTheTableWriteLeavesThePreviousVersion() throws Exception {
    Path home = tmp.resolve("killed-home");
    Map<String, DataSnapshot> before = new TreeMap<>();
    for (String format : TABLE_FORMATS) {
      RunRecord first = run(write(RangeStep.class, format + "-before-kill", killedTable(format), format, 10, null));
      assertSucceeded(first);
      before.put(format, first.outputs.get("out").snapshot);
    }
    List<String> runIds = new ArrayList<>();
    try {
      for (String format : TABLE_FORMATS) {
        Path hold = Files.createDirectories(tmp.resolve("hold-" + format));
        CliProcess detach = CliProcess.run(home, KILLED_RUN_TIMEOUT, "run", "--detach", "--step",
            HoldsWhileWritingStep.class.getName(), "--param", "rows=6", "--param", "holdDir=" + hold,
            "--output", "out=" + killedTable(format) + "@" + format, "--overwrite");
        assertEquals(0, detach.code(), detach.all());
        runIds.add(detach.out().trim().lines().reduce((first, last) -> last).orElseThrow());
      }
      long deadline = System.nanoTime() + KILLED_RUN_TIMEOUT.toNanos();
      for (String format : TABLE_FORMATS) {
        Path reached = tmp.resolve("hold-" + format).resolve("reached");
        while (!Files.exists(reached)) {
          assertTrue(System.nanoTime() < deadline, format + ": the detached run never reached its table's write");
          Thread.sleep(200);
        }
        ProcessHandle driver = ProcessHandle.of(Long.parseLong(Files.readString(reached).trim())).orElseThrow();
        driver.destroyForcibly(); // SIGKILL: no shutdown hook, no abort of the write
        driver.onExit().get(60, TimeUnit.SECONDS);
      }
    } finally {
      // a driver that never reached its hold (a failed wait) must not go on writing into this class's temp dir
      ProcessHandle.allProcesses().filter(process -> process.info().commandLine()
          .map(line -> runIds.stream().anyMatch(line::contains)).orElse(false)).forEach(ProcessHandle::destroyForcibly);
    }
    for (String format : TABLE_FORMATS) {
      String table = killedTable(format);
      RunRecord after = run(read(format + "-after-kill", table, format, Map.of()));
      assertSucceeded(after);
      assertEquals(before.get(format), after.inputs.get("in").snapshot, format + ": the killed write made no version");
      assertEquals(10L, after.outputs.get("out").rows, format + ": the previous version's rows");

      RunRecord next = run(write(RangeStep.class, format + "-next-after-kill", table, format, 3, "overwrite"));
      assertSucceeded(next);
      assertNotEquals(before.get(format), next.outputs.get("out").snapshot);
      if (format.equals("delta")) {
        assertEquals(String.valueOf(Long.parseLong(before.get(format).value) + 1), next.outputs.get("out").snapshot.value,
            "the killed write took no Delta version number");
      }
      RunRecord latest = run(read(format + "-latest-after-kill", table, format, Map.of()));
      assertEquals(next.outputs.get("out").snapshot, latest.inputs.get("in").snapshot);
      assertEquals(3L, latest.outputs.get("out").rows);
    }
  }

  private static String killedTable(String format) {
    return tmp.resolve(format + "-killed-table").toUri().toString();
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

  private static StepSpec read(String runId, String table, String format, Map<String, String> options) {
    return TableRuns.read(runId, table, format, options, tmp);
  }

  private static RunRecord run(StepSpec spec) {
    return TableRuns.run(spark, spec);
  }
}
