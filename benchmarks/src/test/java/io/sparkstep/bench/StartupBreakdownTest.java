package io.sparkstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The breakdown's arithmetic on class-loading logs in the JVM's own format, and bash's times line. */
class StartupBreakdownTest {
  @Test
  void phasesAndCliOnlyClassesComeFromTheLogs() {
    List<String> bare = List.of(
        "[0.120s] io.sparkstep.bench.BareGroupByApp source: file:/d/lib/sparkstep-benchmarks-0.1.0-SNAPSHOT.jar",
        "[0.300s] org.apache.spark.SparkContext source: file:/d/lib/spark-core_2.13-4.1.1.jar",
        "[0.301s] scala.Option source: shared objects file (top)");
    List<String> cli = List.of(
        "[0.100s] io.sparkstep.cli.SparkstepCli source: file:/d/lib/sparkstep-engine-0.1.0-SNAPSHOT.jar",
        "[0.150s] picocli.CommandLine source: file:/d/lib/picocli-4.7.7.jar",
        "[0.151s] picocli.CommandLine$Help source: file:/d/lib/picocli-4.7.7.jar",
        "[0.160s] io.sparkstep.cli.RunCommand$$Lambda$191/0x00007f9040286780 source: io.sparkstep.cli.RunCommand",
        "[0.400s] io.sparkstep.submit.StepSubmitter source: file:/d/lib/sparkstep-engine-0.1.0-SNAPSHOT.jar",
        "[0.900s] org.apache.spark.SparkContext source: file:/d/lib/spark-core_2.13-4.1.1.jar",
        "[0.901s] scala.Option source: shared objects file (top)");
    StartupBreakdown breakdown = StartupBreakdown.parse(bare, cli);
    assertEquals(400, breakdown.cliMillisAt("io.sparkstep.submit.StepSubmitter"));
    assertEquals(300, breakdown.bareMillisAt("org.apache.spark.SparkContext"));
    assertEquals(Map.of("picocli", 2, "sparkstep-engine", 2), breakdown.cliOnlyByOrigin(),
        "lambdas are not compared; classes both loaded are not counted");
    String md = breakdown.markdown();
    assertTrue(md.contains("bare app 300 ms, CLI 900 ms (+600 ms)"), md);
    assertTrue(md.contains("| " + StartupBreakdown.CLI_PHASES.get("io.sparkstep.submit.StepSubmitter") + " | 300 |"), md);
    assertTrue(md.contains("| " + StartupBreakdown.CLI_PHASES.get("org.apache.spark.SparkContext") + " | 500 |"), md);
  }

  @Test
  void childCpuTimeIsTheSecondTimesLine() {
    assertEquals(21_710 + 61_400, CliRunCost.childCpuMillis(List.of("0m0.003s 0m0.001s", "0m21.710s 1m1.400s")));
  }
}
