package io.sparkstep.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Who owns a staging directory, and whether that owner is still alive.
 *
 * <p>Liveness has to be known wherever the driver runs (this JVM, a local child, a spark-submit cluster driver, a
 * container) and without the submitting process, whose run store is often on another machine. The one thing every
 * writer and every later run share is the output's file system, so the signal lives there: next to its staging
 * directory each writing run keeps a hidden owner marker {@code .<name>.sparkstep-owner-<runId>} (dot-prefixed,
 * so Spark and Hive readers of the parent skip it, like the staging directory itself; a sibling and not a file
 * inside, because the step's writer needs the staging path not to exist). The marker names the driver's process
 * (pid, its start time, and the pid space: host name, kernel boot id, pid namespace) and is rewritten by a
 * heartbeat every {@link #HEARTBEAT}.
 *
 * <p>A later run judges a foreign marker thus: in the same pid space the process is asked directly, so a driver
 * killed with -9 is known dead at once (and a pid reused by another process does not count, thanks to the start
 * time); from another pid space (another machine or container) the owner is dead once its heartbeat is older than
 * {@link #STALE_AFTER}, measured against the file system's own clock (the modification time of this run's marker,
 * just written) so clock skew between machines does not matter. Staging without a marker comes from a Sparkstep
 * that wrote none; for it the old rule stays: removed when nothing in it changed for an hour.
 */
final class StagingOwner implements AutoCloseable {
  static final String MARKER_INFIX = ".sparkstep-owner-";
  static final Duration HEARTBEAT = Duration.ofSeconds(Long.getLong("sparkstep.staging.heartbeatSeconds", 10));
  /** Six missed beats: generous for a driver in a long GC pause or a slow object store. */
  static final Duration STALE_AFTER = HEARTBEAT.multipliedBy(6);
  /** Staging without any marker (written by an older Sparkstep): dead once nothing in it changed for this long. */
  static final Duration UNMARKED_STALE_AFTER =
      Duration.ofSeconds(Long.getLong("sparkstep.staging.staleAfterSeconds", 3600));

  private final String runId;
  /** This run's markers, each with its file system (outputs may live on different ones). */
  private final Map<Path, FileSystem> markers = new java.util.concurrent.ConcurrentHashMap<>();
  private ScheduledExecutorService heartbeat;

  StagingOwner(String runId) {
    this.runId = runId;
  }

  static Path markerPath(Path target, String runId) {
    return new Path(target.getParent(), "." + target.getName() + MARKER_INFIX + runId);
  }

  /** Writes this run's marker for {@code target} and keeps it beating until {@link #release}. */
  synchronized FileStatus claim(FileSystem fs, Path target) throws IOException {
    Path marker = markerPath(target, runId);
    fs.mkdirs(target.getParent());
    write(fs, marker);
    markers.put(marker, fs);
    if (heartbeat == null) {
      heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sparkstep-staging-heartbeat");
        thread.setDaemon(true);
        return thread;
      });
      long millis = HEARTBEAT.toMillis();
      heartbeat.scheduleWithFixedDelay(this::beat, millis, millis, TimeUnit.MILLISECONDS);
    }
    return fs.getFileStatus(marker);
  }

  private synchronized void beat() {
    for (Map.Entry<Path, FileSystem> marker : markers.entrySet()) {
      try {
        if (!marker.getValue().exists(marker.getKey().getParent())) {
          continue; // the output's parent was removed: a beat must not create it again
        }
        write(marker.getValue(), marker.getKey());
      } catch (IOException | RuntimeException e) {
        // one missed beat is harmless; six in a row and a later run may take the staging for dead
      }
    }
  }

  private void write(FileSystem fs, Path marker) throws IOException {
    try (FSDataOutputStream out = fs.create(marker, true)) {
      out.write(describeSelf().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Stops the heartbeat and removes every marker: the staging is committed or aborted. */
  @Override
  public synchronized void close() {
    if (heartbeat != null) {
      heartbeat.shutdownNow();
      heartbeat = null;
    }
    for (Map.Entry<Path, FileSystem> marker : markers.entrySet()) {
      try {
        marker.getValue().delete(marker.getKey(), false);
      } catch (IOException ignored) {
        // a marker left behind names a dead process and is removed by the next run
      }
    }
    markers.clear();
  }

  /**
   * Whether the run that owns {@code staging} (named by {@code otherRunId}) is dead, so its staging can go.
   *
   * @param now the file system's current time (the modification time of a file this run just wrote)
   */
  static boolean ownerIsDead(FileSystem fs, Path target, String otherRunId, FileStatus staging, long now)
      throws IOException {
    Path marker = markerPath(target, otherRunId);
    FileStatus status;
    Properties owner = new Properties();
    try {
      status = fs.getFileStatus(marker);
      try (InputStream in = fs.open(marker)) {
        owner.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
      }
    } catch (java.io.FileNotFoundException noMarker) {
      return now - lastWrite(fs, staging) > UNMARKED_STALE_AFTER.toMillis();
    }
    if (pidSpace().equals(owner.getProperty("pidSpace"))) {
      return !processAlive(owner.getProperty("pid"), owner.getProperty("pidStartedAt"));
    }
    return now - status.getModificationTime() > STALE_AFTER.toMillis();
  }

  private static long lastWrite(FileSystem fs, FileStatus dir) throws IOException {
    long latest = dir.getModificationTime();
    if (dir.isDirectory()) {
      for (FileStatus child : fs.listStatus(dir.getPath())) {
        latest = Math.max(latest, child.getModificationTime());
      }
    }
    return latest;
  }

  private static boolean processAlive(String pid, String startedAt) {
    Optional<ProcessHandle> handle;
    try {
      handle = ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
    } catch (RuntimeException unreadable) {
      return false;
    }
    if (handle.isEmpty() || startedAt == null || startedAt.isEmpty()) {
      return handle.isPresent();
    }
    Optional<Instant> actual = handle.get().info().startInstant();
    // the pid belongs to another process now when its start time differs (a second: the clock's resolution)
    return actual.isEmpty() || Duration.between(Instant.parse(startedAt), actual.get()).abs().toMillis() <= 1000;
  }

  private String describeSelf() {
    ProcessHandle self = ProcessHandle.current();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("runId", runId);
    fields.put("pid", Long.toString(self.pid()));
    fields.put("pidStartedAt", self.info().startInstant().map(Instant::toString).orElse(""));
    fields.put("pidSpace", pidSpace());
    fields.put("heartbeatSeconds", Long.toString(HEARTBEAT.toSeconds()));
    StringBuilder text = new StringBuilder();
    fields.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    return text.toString();
  }

  private static volatile String pidSpace;

  /**
   * Where a pid means the same process: the host name, the kernel's boot id (containers of one host share it) and
   * the pid namespace (containers differ in it). Where /proc is missing (macOS, Windows) the host name alone.
   */
  static String pidSpace() {
    if (pidSpace == null) {
      String host;
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "unknown";
      }
      String bootId = "";
      String namespace = "";
      try {
        bootId = Files.readString(Paths.get("/proc/sys/kernel/random/boot_id")).trim();
        namespace = Files.readSymbolicLink(Paths.get("/proc/self/ns/pid")).toString();
      } catch (IOException | RuntimeException noProc) {
        // not Linux: the host name is all there is
      }
      pidSpace = host + "/" + bootId + "/" + namespace;
    }
    return pidSpace;
  }
}
