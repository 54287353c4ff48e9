package io.sparkstep.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkstep.api.RunState;
import io.sparkstep.api.Step;
import io.sparkstep.runtime.CancelToken;
import io.sparkstep.runtime.StepRunner;
import io.sparkstep.spi.record.CurrentRecord;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Runs that write and read one Delta or Iceberg table through the runner on a session a test class shares (its conf
 * the one a run naming the table formats gets), each run on a session of its own over the shared context: the
 * writer's and the reader's records carry the table's versions.
 */
public final class TableRuns {
  private TableRuns() {
  }

  /** {@code step} (with a {@code rows} param) writing its output {@code out} to {@code table}. */
  public static StepSpec write(Class<? extends Step> step, String runId, String table, String format, int rows,
                               String mode) {
    StepSpec spec = new StepSpec();
    spec.runId = runId;
    spec.step = step.getName();
    spec.params.put("rows", rows);
    spec.outputs.put("out", new ArtifactSpec(table, format, mode));
    return spec;
  }

  /** {@link CopyStep} reading {@code table} with {@code options} into a parquet output under {@code outputs}. */
  public static StepSpec read(String runId, String table, String format, Map<String, String> options, Path outputs) {
    StepSpec spec = new StepSpec();
    spec.runId = runId;
    spec.step = CopyStep.class.getName();
    ArtifactSpec input = new ArtifactSpec(table, format, null);
    input.options.putAll(options);
    spec.inputs.put("in", input);
    spec.outputs.put("out", ArtifactSpec.ofUri(outputs.resolve(runId + "-out").toUri().toString()));
    return spec;
  }

  public static RunRecord run(SparkSession spark, StepSpec spec) {
    CurrentRecord record = new CurrentRecord(new RunRecord(spec.runId, spec.step, null, null));
    new StepRunner().run(spark.newSession(), spec, record, new CancelToken(), r -> { });
    return record.get();
  }

  public static void assertSucceeded(RunRecord record) {
    assertEquals(RunState.SUCCEEDED, record.state, () -> record.runId + ": " + record.error.message);
  }
}
