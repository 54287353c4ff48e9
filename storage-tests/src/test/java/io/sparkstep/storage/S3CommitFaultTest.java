package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.runtime.CommittedLocation;
import io.sparkstep.testing.CliProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's pointer commit on S3 under faults: generate-trips overwriting its two outputs (trips and zones) on the
 * S3 stand-in, its driver killed with -9 at each named moment of the commit (held there by the commit's test hook),
 * and a run through a proxy that throttles with 503 SlowDown and resets a connection mid-upload. After each, both
 * URIs resolve to one complete run (every file its magic-committer manifest lists is there), the same for both
 * outputs, and it is the old run before the commit record and the new one from it on; the next run removes what the
 * killed one left. One JVM start per state to prove, in sequence: each run is also the next one's cleanup check.
 */
@Tag("slow")
class S3CommitFaultTest {
  private static final String LAKE = "s3a://" + S3StandIn.BUCKET + "/faults/";
  private static final Duration TIMEOUT = Duration.ofMinutes(8);
  private static final Pattern MANIFEST_FILES = Pattern.compile("\"filenames\"\\s*:\\s*\\[([^\\]]*)\\]");

  @TempDir
  static Path work;
  static S3StandIn s3;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3StandIn.start(work);
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void aKilledOrThrottledCommitLeavesTheCompleteOldOrTheCompleteNewOutputs() throws Exception {
    Path home = work.resolve("home");
    FileSystem fs = FileSystem.get(URI.create(LAKE), s3.readerConf());

    // Throttled (503 SlowDown to the first PUTs) and a connection reset in the middle of an upload: S3A retries both.
    String first;
    try (FaultyS3Proxy proxy = FaultyS3Proxy.start(s3.endpoint(), 3, 256)) {
      CliProcess run = CliProcess.run(home, TIMEOUT, S3StandIn.credentialsEnvironment(),
          generateTrips(proxy.endpoint(), 300, Map.of()));
      assertEquals(0, run.code(), run.all());
      assertEquals(3, proxy.slowDownsSent.get(), "the first PUTs were throttled");
      assertEquals(1, proxy.resetsSent.get(), "one upload was cut mid-body");
      assertEquals(0, proxy.copies.get(), "the commit copied nothing");
      first = committedRun(fs);
    }

    String old = first;
    String dataWritten = killedAt(home, "data-written", 301);
    assertEquals(old, committedRun(fs), "killed before any pointer changed: the old outputs");

    String pointerWritten = killedAt(home, "pointer-written", 302);
    assertEquals(old, committedRun(fs), "killed with one pointer changed and no commit record: the old outputs");
    assertRuns(fs, Set.of(old, pointerWritten), "the run killed before was removed by this one");

    String recordWritten = killedAt(home, "commit-record-written", 303);
    assertEquals(recordWritten, committedRun(fs), "killed after the commit record: the new outputs, both");

    String deleting = killedAt(home, "old-data-deleting", 304);
    assertEquals(deleting, committedRun(fs), "killed while deleting the replaced data: the new outputs");

    CliProcess last = CliProcess.run(home, TIMEOUT, S3StandIn.credentialsEnvironment(),
        generateTrips(s3.endpoint(), 305, Map.of()));
    assertEquals(0, last.code(), last.all());
    String lastRun = committedRun(fs);
    assertRuns(fs, Set.of(lastRun), "every killed run's data and every replaced run's data is gone");
    List<String> markers = Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(LAKE)))
        .map(status -> status.getPath().getName()).filter(name -> name.startsWith(".")).toList();
    assertEquals(List.of(), markers, "no owner marker of a killed run is left");
  }

  /** Starts a detached run held at {@code moment}, kills its driver with -9 there, and returns the run's id. */
  private String killedAt(Path home, String moment, int rows) throws Exception {
    Path hold = Files.createDirectories(work.resolve("hold-" + moment));
    List<String> args = new ArrayList<>(List.of(generateTrips(s3.endpoint(), rows, Map.of(
        "spark.hadoop.sparkstep.test.commit.holdAt", moment,
        "spark.hadoop.sparkstep.test.commit.holdDir", hold.toString()))));
    args.add(1, "--detach");
    CliProcess detach = CliProcess.run(home, TIMEOUT, S3StandIn.credentialsEnvironment(), args.toArray(String[]::new));
    assertEquals(0, detach.code(), detach.all());
    String runId = detach.out().trim().lines().reduce((a, b) -> b).orElseThrow();
    Path reached = hold.resolve(moment + ".reached");
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!Files.exists(reached) || Files.readString(reached).isBlank()) {
      assertTrue(System.nanoTime() < deadline, "run " + runId + " did not reach " + moment + "\n"
          + CliProcess.run(home, TIMEOUT, "runs", "logs", runId).all());
      Thread.sleep(200);
    }
    ProcessHandle driver = ProcessHandle.of(Long.parseLong(Files.readString(reached).trim())).orElseThrow();
    driver.destroyForcibly(); // SIGKILL
    driver.onExit().get(60, TimeUnit.SECONDS);
    return runId;
  }

  private static String[] generateTrips(String endpoint, int rows, Map<String, String> extraConf) {
    List<String> args = new ArrayList<>(List.of("run", "--step", "generate-trips", "--param", "rows=" + rows,
        "--param", "zones=4", "--param", "partitions=2", "--output", "trips=" + LAKE + "trips",
        "--output", "zones=" + LAKE + "zones", "--overwrite", "--conf", "spark.sql.shuffle.partitions=2"));
    s3.sparkConf().forEach((key, value) -> args.addAll(List.of("--conf", key + "="
        + (key.endsWith(".endpoint") ? endpoint : value))));
    extraConf.forEach((key, value) -> args.addAll(List.of("--conf", key + "=" + value)));
    return args.toArray(String[]::new);
  }

  /**
   * The run both outputs resolve to, after checking it is the same for both and complete: every file the S3A magic
   * committer's {@code _SUCCESS} manifest lists is in the resolved location.
   */
  private static String committedRun(FileSystem fs) throws IOException {
    Set<String> runs = new TreeSet<>();
    for (String output : List.of("trips", "zones")) {
      CommittedLocation.Resolved resolved = CommittedLocation.resolve(fs.getConf(), LAKE + output);
      assertTrue(resolved.pointerCommitted(), output + " resolves to a committed run: " + resolved);
      org.apache.hadoop.fs.Path location = new org.apache.hadoop.fs.Path(resolved.location());
      String manifest;
      try (var in = fs.open(new org.apache.hadoop.fs.Path(location, "_SUCCESS"))) {
        manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Matcher files = MANIFEST_FILES.matcher(manifest);
      assertTrue(files.find(), output + "/_SUCCESS lists its files: " + manifest);
      Set<String> listed = Arrays.stream(files.group(1).split(",")).map(String::trim)
          .map(name -> name.replace("\"", "")).filter(name -> !name.isEmpty())
          .map(name -> name.substring(name.lastIndexOf('/') + 1)).collect(Collectors.toCollection(TreeSet::new));
      Set<String> present = Arrays.stream(fs.listStatus(location)).filter(FileStatus::isFile)
          .filter(status -> status.getLen() > 0).map(status -> status.getPath().getName())
          .collect(Collectors.toCollection(TreeSet::new));
      assertTrue(!listed.isEmpty() && present.containsAll(listed), output + ": " + listed + " all in " + present);
      runs.add(resolved.commitId());
    }
    assertEquals(1, runs.size(), "trips and zones resolve to one run: " + runs);
    return runs.iterator().next();
  }

  private static void assertRuns(FileSystem fs, Set<String> expected, String why) throws IOException {
    for (String output : List.of("trips", "zones")) {
      Set<String> runs = Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(LAKE + output + "/_sparkstep/runs")))
          .map(status -> status.getPath().getName()).collect(Collectors.toCollection(TreeSet::new));
      assertEquals(new TreeSet<>(expected), runs, output + ": " + why);
    }
  }
}
