package com.example.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step on embedded Spark, through the Java API, exactly as `sparkstep run` would run it. */
class DedupeStepTest {
  @TempDir
  Path tmp;

  @Test
  void dropsDuplicatesOfTheKeyColumns() throws Exception {
    Path in = tmp.resolve("in.csv");
    // CSV inputs are read without a header: columns _c0, _c1, ...
    Files.writeString(in, "1,a\n1,a\n2,b\n2,c\n");
    Path out = tmp.resolve("out");
    StepRun run = Sparkstep.operator("local", tmp.resolve("home")).step(DedupeStep.class)
        .param("columns", "_c0").input("in", in.toUri().toString(), "csv").output("out", out.toUri().toString())
        .submit();
    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofMinutes(2)), () -> run.record().errorMessage());
    assertEquals(2, SparkSession.active().read().parquet(out.toString()).count());
  }
}
