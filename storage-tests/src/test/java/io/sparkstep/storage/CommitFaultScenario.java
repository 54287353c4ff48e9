package io.sparkstep.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.runtime.CommittedLocation;
import io.sparkstep.testing.CliProcess;
import java.io.IOException;
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
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * The engine's pointer commit under faults on one store, the same on each: generate-trips overwriting its two outputs
 * (trips and zones) under {@code lake}, a first run through a {@link FaultyHttpProxy} (the store's test decides its
 * faults and checks they were sent), then detached runs each held by the commit's test hook
 * ({@code spark.hadoop.sparkstep.test.commit.holdAt/holdDir}) at one moment of the commit and killed there with -9,
 * and a last run. After each, both URIs resolve to one complete run, the same for both outputs: the old run before
 * the commit record, the new one from it on; each run removes what the killed ones before it left. One JVM start per
 * state to prove, in sequence: each run is also the next one's cleanup check.
 *
 * @param home the Sparkstep home of the runs
 * @param work where the hold hook's directories go
 * @param lake the store URI the outputs go under, ending in '/'
 * @param storeConf the Spark conf pointing a run at the store, given the store's {@code host:port} (the proxy's or
 *     the store's own)
 * @param environment what the user exports before the runs (credentials)
 * @param fs how the test reads the store back (no proxy)
 */
record CommitFaultScenario(Path home, Path work, String lake, Function<String, Map<String, String>> storeConf,
                           Map<String, String> environment, FileSystem fs) {
  static final Duration TIMEOUT = Duration.ofMinutes(8);
  /** The moments of the commit a driver is killed at, in the order they come. */
  static final List<String> MOMENTS = List.of("data-written", "pointer-written", "commit-record-written",
      "old-data-deleting");
  private static final List<String> OUTPUTS = List.of("trips", "zones");
  private static final Pattern MANIFEST_FILES = Pattern.compile("\"filenames\"\\s*:\\s*\\[([^\\]]*)\\]");

  /** A run to {@code hostPort} that must succeed; returns the run both outputs then resolve to. */
  String succeeds(String hostPort, int rows) throws IOException, InterruptedException {
    CliProcess run = CliProcess.run(home, TIMEOUT, environment, generateTrips(hostPort, rows, Map.of()));
    assertEquals(0, run.code(), run.all());
    return committedRun();
  }

  /**
   * From {@code old}, the run the outputs resolve to now: a driver killed with -9 at each of {@link #MOMENTS}, then a
   * last run through {@code hostPort}, checking what a reader resolves to after each and that the last run leaves
   * only its own location and no owner marker.
   */
  void killsAtEachMomentLeaveTheOldOrTheNewOutputs(String hostPort, String old) throws Exception {
    String dataWritten = killedAt(hostPort, "data-written", 301);
    assertEquals(old, committedRun(), "killed at data-written, before any pointer changed: the old outputs");

    String pointerWritten = killedAt(hostPort, "pointer-written", 302);
    assertEquals(old, committedRun(), "killed with one pointer changed and no commit record: the old outputs");
    assertRuns(Set.of(old, pointerWritten), "the run killed at data-written (" + dataWritten + ") was removed");

    String recordWritten = killedAt(hostPort, "commit-record-written", 303);
    assertEquals(recordWritten, committedRun(), "killed after the commit record: the new outputs, both");

    String deleting = killedAt(hostPort, "old-data-deleting", 304);
    assertEquals(deleting, committedRun(), "killed while deleting the replaced data: the new outputs");

    lastRunLeavesOnlyItself(hostPort);
  }

  /**
   * From {@code old}: drivers killed with -9 at the two moments where a store's own operations differ most (one
   * pointer overwritten and no commit record; the replaced data half deleted), then a last run through
   * {@code hostPort} that leaves only its own location and no owner marker. The commit's code is the same on every
   * store: all four moments, in order, run on S3 ({@link #killsAtEachMomentLeaveTheOldOrTheNewOutputs}); this is
   * what GCS and Azure add to it.
   */
  void killsWhileSwitchingAndWhileDeletingLeaveTheOldOrTheNewOutputs(String hostPort, String old) throws Exception {
    String pointerWritten = killedAt(hostPort, "pointer-written", 302);
    assertEquals(old, committedRun(), "killed with one pointer changed and no commit record: the old outputs");
    assertRuns(Set.of(old, pointerWritten), "the old run and the killed one");

    String deleting = killedAt(hostPort, "old-data-deleting", 304);
    assertEquals(deleting, committedRun(), "killed while deleting the replaced data: the new outputs");

    lastRunLeavesOnlyItself(hostPort);
  }

  /** A last run that succeeds and leaves only its own location and no owner marker of a killed run. */
  private void lastRunLeavesOnlyItself(String hostPort) throws Exception {
    String last = succeeds(hostPort, 305);
    assertRuns(Set.of(last), "every killed run's data and every replaced run's data is gone");
    List<String> markers = Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(lake)))
        .map(status -> status.getPath().getName()).filter(name -> name.startsWith(".")).toList();
    assertEquals(List.of(), markers, "no owner marker of a killed run is left");
  }

  /** Starts a detached run held at {@code moment}, kills its driver with -9 there, and returns the run's id. */
  private String killedAt(String hostPort, String moment, int rows) throws Exception {
    Path hold = Files.createDirectories(work.resolve("hold-" + moment));
    List<String> args = new ArrayList<>(List.of(generateTrips(hostPort, rows, Map.of(
        "spark.hadoop.sparkstep.test.commit.holdAt", moment,
        "spark.hadoop.sparkstep.test.commit.holdDir", hold.toString()))));
    args.add(1, "--detach");
    CliProcess detach = CliProcess.run(home, TIMEOUT, environment, args.toArray(String[]::new));
    assertEquals(0, detach.code(), detach.all());
    String runId = detach.out().trim().lines().reduce((a, b) -> b).orElseThrow();
    Path reached = hold.resolve(moment + ".reached");
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!Files.exists(reached) || Files.readString(reached).isBlank()) {
      assertTrue(System.nanoTime() < deadline, "run " + runId + " did not reach " + moment + "\n"
          + CliProcess.run(home, TIMEOUT, "runs", "logs", runId).all());
      Thread.sleep(200); // polls for the file the held driver writes; the deadline above bounds it
    }
    ProcessHandle driver = ProcessHandle.of(Long.parseLong(Files.readString(reached).trim())).orElseThrow();
    driver.destroyForcibly(); // SIGKILL
    driver.onExit().get(60, TimeUnit.SECONDS);
    return runId;
  }

  private String[] generateTrips(String hostPort, int rows, Map<String, String> extraConf) {
    List<String> args = new ArrayList<>(List.of("run", "--step", "generate-trips", "--param", "rows=" + rows,
        "--param", "zones=4", "--param", "partitions=2", "--output", "trips=" + lake + "trips",
        "--output", "zones=" + lake + "zones", "--overwrite", "--conf", "spark.sql.shuffle.partitions=2"));
    storeConf.apply(hostPort).forEach((key, value) -> args.addAll(List.of("--conf", key + "=" + value)));
    extraConf.forEach((key, value) -> args.addAll(List.of("--conf", key + "=" + value)));
    return args.toArray(String[]::new);
  }

  /**
   * The run both outputs resolve to, after checking it is the same for both and complete: its {@code _SUCCESS} is
   * there (Spark's job commit writes it last), every file it lists is present where it is a manifest (S3A's magic
   * committer, hadoop-azure's manifest committer), and it holds non-empty parquet parts.
   */
  String committedRun() throws IOException {
    Set<String> runs = new TreeSet<>();
    for (String output : OUTPUTS) {
      CommittedLocation.Resolved resolved = CommittedLocation.resolve(fs.getConf(), lake + output);
      assertTrue(resolved.pointerCommitted(), output + " resolves to a committed run: " + resolved);
      org.apache.hadoop.fs.Path location = new org.apache.hadoop.fs.Path(resolved.location());
      Set<String> present = Arrays.stream(fs.listStatus(location)).filter(FileStatus::isFile)
          .filter(status -> status.getLen() > 0).map(status -> status.getPath().getName())
          .collect(Collectors.toCollection(TreeSet::new));
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(location, "_SUCCESS")), output + ": no _SUCCESS in " + present);
      assertTrue(present.stream().anyMatch(name -> name.endsWith(".parquet")), output + ": no parquet in " + present);
      Set<String> listed = manifestFiles(new org.apache.hadoop.fs.Path(location, "_SUCCESS"));
      assertTrue(present.containsAll(listed), output + ": " + listed + " all in " + present);
      runs.add(resolved.commitId());
    }
    assertEquals(1, runs.size(), "trips and zones resolve to one run: " + runs);
    return runs.iterator().next();
  }

  /** The files a {@code _SUCCESS} manifest lists; none for Spark's default committer's empty one. */
  private Set<String> manifestFiles(org.apache.hadoop.fs.Path success) throws IOException {
    String manifest;
    try (var in = fs.open(success)) {
      manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher files = MANIFEST_FILES.matcher(manifest);
    if (!files.find()) {
      assertTrue(manifest.isBlank(), "_SUCCESS is empty or a manifest: " + manifest);
      return Set.of();
    }
    Set<String> listed = Arrays.stream(files.group(1).split(",")).map(String::trim)
        .map(name -> name.replace("\"", "")).filter(name -> !name.isEmpty())
        .map(name -> name.substring(name.lastIndexOf('/') + 1)).collect(Collectors.toCollection(TreeSet::new));
    assertTrue(!listed.isEmpty(), "the manifest lists files: " + manifest);
    return listed;
  }

  private void assertRuns(Set<String> expected, String why) throws IOException {
    for (String output : OUTPUTS) {
      Set<String> runs = Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(lake + output + "/_sparkstep/runs")))
          .map(status -> status.getPath().getName()).collect(Collectors.toCollection(TreeSet::new));
      assertEquals(new TreeSet<>(expected), runs, output + ": " + why);
    }
  }
}
