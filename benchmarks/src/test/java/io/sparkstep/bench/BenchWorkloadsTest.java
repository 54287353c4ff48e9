package io.sparkstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.bench.workloads.TrainWorkloadStep;
import io.sparkstep.spec.StepCatalog;
import io.sparkstep.spi.spec.InvalidSpecException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bench --workloads}: names the suite has are taken, a name it lacks is one clear error before anything runs. */
class BenchWorkloadsTest {
  @TempDir
  Path out;

  @Test
  void theTrainingWorkloadIsAStepOfTheBenchmarksAndOfTheFullSuiteWhereSparkMlIs() {
    assertTrue(new StepCatalog().listed().get("bench-train") instanceof TrainWorkloadStep,
        "listed by the benchmarks' service file");
    assertTrue(BenchmarkRunner.Settings.full().accelWorkloads().contains("bench-train"),
        "Spark ML is on this module's test class path, as on the CLI's");
  }

  @Test
  void unknownWorkloadIsRefusedWithTheKnownOnes() {
    BenchmarkRunner runner = new BenchmarkRunner(BenchmarkRunner.Settings.full(), out);
    assertSame(runner, runner.onlyWorkloads(List.of("bench-join")));
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> runner.onlyWorkloads(List.of("bench-join", "bench-nope")));
    assertTrue(e.getMessage().contains("--workloads") && e.getMessage().contains("bench-nope")
        && e.getMessage().contains("bench-aggregate"), e.getMessage());
  }

  @Test
  void rowsAndRepsOverrideOnlyThemselves() {
    BenchmarkRunner.Settings full = BenchmarkRunner.Settings.full();
    BenchmarkRunner.Settings small = full.withRows(20_000).withReps(2);
    assertTrue(small.rows() == 20_000 && small.reps() == 2 && small.warmups() == full.warmups()
        && small.accelWorkloads().equals(full.accelWorkloads()), small.toString());
  }

  @Test
  void pipelineSuiteTakesRepsAsPairsPerSize() {
    BenchCommand quick = new BenchCommand();
    new CommandLine(quick).parseArgs("--suite", "pipeline", "--quick");
    assertEquals(PipelineRunCost.Settings.quick(), quick.pipelineSettings());
    assertTrue(quick.pipelineSettings().pairs() >= 5 && quick.pipelineSettings().sizes().size() == 2);

    BenchCommand six = new BenchCommand();
    new CommandLine(six).parseArgs("--suite", "pipeline", "--reps", "6");
    assertEquals(PipelineRunCost.Settings.full().withPairs(6), six.pipelineSettings());

    BenchCommand none = new BenchCommand();
    new CommandLine(none).parseArgs("--suite", "pipeline", "--reps", "0");
    InvalidSpecException e = assertThrows(InvalidSpecException.class, none::pipelineSettings);
    assertTrue(e.getMessage().contains("--reps"), e.getMessage());
  }
}
