package io.sparkstep.flavor.sparksubmit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.operator.OperatorStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.testing.CliCall;
import io.sparkstep.spi.util.SparkstepHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "done when", through the CLI: {@code cluster start --workers 2}, a sample step run on it through the
 * registered operator, {@code cluster stop} leaving no process behind.
 */
@Tag("slow")
class ClusterCommandTest {
  @TempDir
  Path data;

  @AfterAll
  static void stopLeftovers() throws Exception {
    // only if an assertion failed between start and stop
    LocalCluster.load(ClusterCommand.stateDir()).ifPresent(c -> {
      try {
        c.stop();
      } catch (Exception ignored) {
        // best effort
      }
    });
  }

  @Test
  void startRunStop() throws Exception {
    String[] start = call("cluster", "start", "--workers", "2", "--cores", "1", "--memory", "1g",
        "--operator", "cli-cluster");
    assertEquals("0", start[0], start[1] + start[2]);
    assertTrue(start[1].contains("web UI: http://127.0.0.1:"), start[1]);
    LocalCluster cluster = LocalCluster.load(ClusterCommand.stateDir()).orElseThrow();
    List<Long> pids = cluster.pids();
    assertEquals(3, pids.size());
    assertTrue(pids.stream().allMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)));
    assertEquals("spark-submit", new OperatorStore(SparkstepHome.resolve(), new FlavorRegistry())
        .get("cli-cluster").flavor());
    // a second start while it runs is refused instead of starting a second cluster
    assertEquals("2", call("cluster", "start")[0]);

    String[] run = call("run", "--operator", "cli-cluster", "--step", "generate-trips", "--param", "rows=5000",
        "--output", "trips=" + data.resolve("trips"), "--output", "zones=" + data.resolve("zones"));
    assertEquals("0", run[0], run[1] + run[2]);
    assertTrue(Files.isDirectory(data.resolve("trips")));
    // the driver's own output, streamed by run while the step ran
    assertTrue(run[2].contains("  | ") && run[2].contains("SparkContext"), "driver log streamed:\n" + run[2]);

    String[] stop = call("cluster", "stop");
    assertEquals("0", stop[0], stop[2]);
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " stopped");
    }
    assertTrue(LocalCluster.load(ClusterCommand.stateDir()).isEmpty());
    assertEquals("0", call("cluster", "stop")[0], "stopping twice is fine");
  }

  private static String[] call(String... args) {
    CliCall call = CliCall.of(args);
    return new String[] {Integer.toString(call.code()), call.out(), call.err()};
  }
}
