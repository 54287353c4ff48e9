package io.sparkstep.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.spec.InvalidSpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one check that a flavor ships the user's step jar: {@link ExternalStepJar}'s step, named only by the Java
 * API's {@code jars(...)} (the CLI's {@code --jars}), runs through an operator and writes its expected rows; a jar
 * that does not exist is refused before anything is created, in one problem naming {@code jars}.
 */
public final class ExternalStepRuns {
  private ExternalStepRuns() {
  }

  /** Runs the external step with {@code n} through {@code operator}; returns the run after asserting its rows. */
  public static StepRun assertRunsWithItsRows(String operator, Path home, Path jar, Path out, long n,
      Duration timeout, UnaryOperator<Sparkstep> more) throws Exception {
    StepRun run = more.apply(Sparkstep.operator(operator, home).jars(jar.toString()).step(ExternalStepJar.ALIAS)
        .param("n", n).output("squares", out.toUri().toString())).submit();
    assertEquals(RunState.SUCCEEDED, run.await(timeout), () -> log(home, run));
    assertEquals(ExternalStepJar.expectedRows(n), rows(out), () -> log(home, run));
    return run;
  }

  /** A jar that is not there: refused with one problem on {@code jars} that says so. */
  public static void assertMissingJarRefused(String operator, Path home, Path dir) {
    Path missing = dir.resolve("no-such-steps.jar");
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> Sparkstep.operator(operator, home)
        .jars(missing.toString()).step(ExternalStepJar.STEP_CLASS).submit());
    assertEquals(1, e.problems().size(), e.getMessage());
    assertEquals("jars", e.problems().get(0).field(), e.getMessage());
    assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
        e.getMessage());
  }

  /** The rows of the step's parquet output as "id,square", sorted by id. */
  public static List<String> rows(Path parquet) {
    return SparkSession.builder().master("local[1]").getOrCreate().read().parquet(parquet.toString()).orderBy("id")
        .collectAsList().stream().map((Row r) -> r.getLong(0) + "," + r.getLong(1)).toList();
  }

  private static String log(Path home, StepRun run) {
    try {
      return run.record().errorMessage() + "\nlog:\n" + Files.readString(new RunStore(home).logFile(run.id()));
    } catch (Exception e) {
      return run.record().errorMessage();
    }
  }
}
