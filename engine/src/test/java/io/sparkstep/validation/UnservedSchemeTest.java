package io.sparkstep.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.ExitCode;
import io.sparkstep.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's own class path has no object-store connector (the distribution adds them), so a fresh CLI JVM here is
 * a process that cannot serve s3a:, gs: or abfss:. Such a URI is refused at validation, before Spark starts.
 */
@Tag("slow")
class UnservedSchemeTest {
  @TempDir
  Path tmp;

  @Test
  void anOutputOnAStoreThisProcessCannotServeIsRefusedBeforeSparkStarts() throws Exception {
    Path home = tmp.resolve("home");
    CliProcess run = CliProcess.run(home, Duration.ofSeconds(60), "run", "--step", "generate-trips",
        "--param", "rows=10", "--output", "trips=s3a://bucket/trips", "--output", "zones=abfss://c@acct.dfs.core.windows.net/zones");
    assertEquals(ExitCode.INVALID_INPUT, run.code(), run.all());
    List<String> lines = run.err().lines().filter(line -> !line.isBlank()).toList();
    assertTrue(lines.stream().anyMatch(line -> line.contains("outputs.trips.uri") && line.contains("'s3a'")
        && line.contains("hadoop-aws") && line.contains("SPARKSTEP_CLASSPATH")), run.err());
    assertTrue(lines.stream().anyMatch(line -> line.contains("outputs.zones.uri") && line.contains("'abfss'")
        && line.contains("hadoop-azure")), run.err());
    assertFalse(run.all().contains("Exception"), "no trace without --verbose: " + run.all());
    // nothing started: no Spark context, no run record
    assertFalse(run.all().contains("SparkContext"), run.all());
    assertTrue(!Files.exists(home.resolve("runs")) || Files.list(home.resolve("runs")).findAny().isEmpty(),
        "no run was recorded");
  }

  @Test
  void aConnectorNamedInTheSparkConfIsLookedFor() throws Exception {
    Path home = tmp.resolve("home");
    CliProcess run = CliProcess.run(home, Duration.ofSeconds(60), "run", "--step", "generate-trips",
        "--param", "rows=10", "--conf", "spark.hadoop.fs.gs.impl=com.example.MissingGcsFileSystem",
        "--output", "trips=gs://bucket/trips", "--output", "zones=" + tmp.resolve("zones"));
    assertEquals(ExitCode.INVALID_INPUT, run.code(), run.all());
    assertTrue(run.err().contains("outputs.trips.uri") && run.err().contains("com.example.MissingGcsFileSystem"),
        run.err());
  }
}
