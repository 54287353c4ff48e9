package io.sparkstep.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.ExitCode;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.CliCall;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An input or output on a file system the submitter cannot reach is refused before launch, in one line naming the
 * field, with exit 3 (the platform cannot be reached): no Spark session, no run recorded, within seconds.
 */
class StorageReachabilityTest {
  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perTest();
  @TempDir
  Path tmp;
  Path home;

  @BeforeEach
  void setUp() {
    home = HOME.path();
  }

  @Test
  void anOutputOnANamenodeThatDoesNotResolveIsRefusedBeforeLaunch() {
    long start = System.nanoTime();
    CliCall call = CliCall.of("run", "--step", "generate-trips", "--param", "rows=1000",
        "--output", "trips=hdfs://no-such-namenode.invalid:8020/x", "--output", "zones=" + tmp.resolve("zones"));
    assertRefusedBeforeLaunch(call, start, "outputs.trips", "cannot be resolved");
  }

  @Test
  void anInputOnANamenodeThatRefusesConnectionsIsRefusedBeforeLaunch() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    java.nio.file.Files.createDirectories(tmp.resolve("zones")); // a local input that exists: only trips is wrong
    long start = System.nanoTime();
    CliCall call = CliCall.of("run", "--step", "trip-features",
        "--input", "trips=hdfs://127.0.0.1:" + closedPort + "/trips", "--input", "zones=" + tmp.resolve("zones"),
        "--output", "features=" + tmp.resolve("features"));
    assertRefusedBeforeLaunch(call, start, "inputs.trips", "refused the connection");
  }

  private void assertRefusedBeforeLaunch(CliCall call, long start, String field, String problem) {
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(ExitCode.PLATFORM_ERROR, call.code(), call.all());
    String first = call.err().lines().findFirst().orElse("");
    assertTrue(first.contains(field) && first.contains(problem) && first.contains("(check "),
        "one line with the field, the problem and the fix: " + call.err());
    assertFalse(call.err().contains("\tat "), "no stack trace without --verbose: " + call.err());
    assertTrue(new RunStore(home).list().isEmpty(), "nothing was recorded, so nothing was launched");
    assertTrue(took.toSeconds() < 15, "refused without Hadoop's retries, in " + took);
  }
}
