package io.sparkstep.runtime;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.WriteMode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Makes a step's outputs appear all at once or not at all. Each output is written to a hidden sibling staging
 * directory ({@code .<name>.sparkstep-staging-<runId>}, which Spark and Hive readers skip); after the step succeeds
 * every staging directory is renamed onto its final URI. An output being overwritten is first moved aside and only
 * deleted once every output is in place, so a failure mid-commit puts the old data back.
 *
 * <p>On HDFS, local file systems and ADLS Gen2 with hierarchical namespace the renames are atomic. On stores where a
 * rename is a copy (S3, GCS, Blob) outputs are committed without renames instead: {@link PointerCommit}.
 */
public final class OutputCommitter {
  private final Configuration hadoopConf;
  private final String runId;
  private final Map<String, ArtifactSpec> outputs;
  private final Map<String, Path> staged = new LinkedHashMap<>();
  private final StagingOwner owner;
  private final PointerCommit pointers;
  /** After a pointer commit: each pointer output's run location, for the run record. */
  private final Map<String, Path> committedLocations = new LinkedHashMap<>();
  /** During a commit: each overwritten rename output's URI and where its old data was moved aside. */
  private final Map<Path, Path> asides = new LinkedHashMap<>();

  public OutputCommitter(Configuration hadoopConf, String runId, Map<String, ArtifactSpec> outputs) {
    this.hadoopConf = hadoopConf;
    this.runId = runId;
    this.outputs = outputs;
    this.owner = new StagingOwner(runId);
    this.pointers = new PointerCommit(hadoopConf, runId);
  }

  public static Path finalPath(ArtifactSpec artifact) {
    return new Path(artifact.uri);
  }

  /** Where the step writes output {@code name}: its staging directory, or its run location on an object store. */
  public Path stagingPath(String name) {
    return pointers.has(name) ? pointers.location(name) : stagingOf(finalPath(outputs.get(name)), runId);
  }

  /**
   * Where output {@code name} is once committed: its URI, or this run's location under it for a pointer commit
   * (what the run record names).
   */
  public Path committedPath(String name) {
    return committedLocations.getOrDefault(name, finalPath(outputs.get(name)));
  }

  /** Whether output {@code name} is committed with a pointer ({@link PointerCommit}) rather than renamed. */
  public boolean pointerCommitted(String name) {
    return committedLocations.containsKey(name);
  }

  private Path asidePath(Path target) {
    return new Path(target.getParent(), "." + target.getName() + ".sparkstep-replaced-" + runId);
  }

  /** Refuses outputs that exist without overwrite, before the step does any work. */
  public void checkTargets() throws IOException {
    for (Map.Entry<String, ArtifactSpec> entry : outputs.entrySet()) {
      Path target = finalPath(entry.getValue());
      if (entry.getValue().modeOrDefault() == WriteMode.ERROR && exists(target)) {
        throw new InvalidSpecException("outputs." + entry.getKey() + ".uri", "output already exists: " + target,
            "set mode overwrite (--overwrite) to replace it, or choose another path");
      }
    }
  }

  /** Whether a reader of {@code target} would find data there (for a pointer commit: a committed run). */
  private boolean exists(Path target) throws IOException {
    FileSystem fs = fs(target);
    if (!fs.exists(target)) {
      return false;
    }
    return !PointerCommit.applies(hadoopConf, fs, target) || PointerCommit.holdsData(fs, target);
  }

  /** Reserves a clean staging directory for one output and returns it. */
  public Path stage(String name) throws IOException {
    if (!outputs.containsKey(name)) {
      throw new IllegalArgumentException("the spec gives no output named '" + name + "'; outputs: " + outputs.keySet());
    }
    if (staged.containsKey(name)) {
      throw new IllegalStateException("output '" + name + "' was already written in this run");
    }
    Path target = finalPath(outputs.get(name));
    FileSystem fs = fs(target);
    if (PointerCommit.applies(hadoopConf, fs, target)) {
      long now = owner.claim(fs, target).getModificationTime();
      removeStaleStaging(fs, target, now);
      Path location = pointers.stage(name, fs, target, now);
      staged.put(name, location);
      return location;
    }
    Path staging = stagingPath(name);
    if (fs.exists(staging)) {
      fs.delete(staging, true);
    }
    // Our marker first: it says this staging is alive, and its time is the file system's "now".
    long now = owner.claim(fs, target).getModificationTime();
    removeStaleStaging(fs, target, now);
    staged.put(name, staging);
    return staging;
  }

  /**
   * Removes staging directories of other runs for {@code target} whose owner is dead (see {@link StagingOwner}: a
   * driver killed with -9 on this machine at once, one elsewhere once its heartbeat stopped); a live run's staging is
   * never touched. {@code now} is the file system's clock, read from this run's own marker.
   */
  void removeStaleStaging(FileSystem fs, Path target, long now) {
    Path parent = target.getParent();
    String prefix = "." + target.getName() + ".sparkstep-staging-";
    String markerPrefix = "." + target.getName() + StagingOwner.MARKER_INFIX;
    try {
      if (parent == null || !fs.exists(parent)) {
        return;
      }
      for (org.apache.hadoop.fs.FileStatus status : fs.listStatus(parent)) {
        String name = status.getPath().getName();
        String other = name.startsWith(prefix) ? name.substring(prefix.length())
            : name.startsWith(markerPrefix) ? name.substring(markerPrefix.length()) : null;
        if (other == null || other.equals(runId) || !StagingOwner.ownerIsDead(fs, target, other,
            fs.exists(stagingOf(target, other)) ? fs.getFileStatus(stagingOf(target, other)) : status, now)) {
          continue;
        }
        // staging first, marker last: a run that stops halfway leaves a marker, which says "dead" again next time
        fs.delete(stagingOf(target, other), true);
        fs.delete(StagingOwner.markerPath(target, other), false);
      }
    } catch (IOException ignored) {
      // best effort: a stale hidden directory is harmless to readers
    }
  }

  private static Path stagingOf(Path target, String runId) {
    return new Path(target.getParent(), "." + target.getName() + ".sparkstep-staging-" + runId);
  }

  public boolean isStaged(String name) {
    return staged.containsKey(name);
  }

  /** Commits every staged output, or none of them ({@link #publish}), then removes what they replaced. */
  public void commit() throws IOException {
    publish();
    cleanUp();
  }

  /**
   * The switch: renamed outputs first (undone if anything fails), then the pointer outputs, whose commit record is
   * the last write that can fail. When it returns every output reads as this run's; what they replaced is still on
   * the store, unseen by readers, until {@link #cleanUp}.
   */
  public void publish() throws IOException {
    Deque<Runnable> undo = new ArrayDeque<>();
    try {
      for (String name : pointers.names()) {
        if (outputs.get(name).modeOrDefault() != WriteMode.OVERWRITE && pointers.holdsData(name)) {
          throw new IOException("output " + finalPath(outputs.get(name))
              + " appeared while the step ran and mode is not overwrite");
        }
        pointers.checkNotSuperseded(name);
      }
      if (!pointers.names().isEmpty()) {
        CommitMoment.DATA_WRITTEN.reached(hadoopConf);
      }
      for (Map.Entry<String, Path> entry : staged.entrySet()) {
        if (pointers.has(entry.getKey())) {
          continue;
        }
        ArtifactSpec artifact = outputs.get(entry.getKey());
        Path target = finalPath(artifact);
        FileSystem fs = fs(target);
        if (fs.exists(target)) {
          if (artifact.modeOrDefault() != WriteMode.OVERWRITE) {
            throw new IOException("output " + target + " appeared while the step ran and mode is not overwrite");
          }
          Path aside = asidePath(target);
          fs.delete(aside, true);
          rename(fs, target, aside);
          asides.put(target, aside);
          undo.push(() -> quietRename(fs, aside, target));
        }
        fs.mkdirs(target.getParent());
        rename(fs, entry.getValue(), target);
        Path stagedPath = entry.getValue();
        undo.push(() -> quietRename(fs, target, stagedPath));
      }
      if (!pointers.names().isEmpty()) {
        pointers.writePointersAndRecord();
      }
    } catch (IOException | RuntimeException e) {
      while (!undo.isEmpty()) {
        undo.pop().run();
      }
      asides.clear();
      abort();
      throw e;
    }
    pointers.names().forEach(name -> committedLocations.put(name, pointers.location(name)));
  }

  /**
   * After {@link #publish}: deletes the replaced outputs (renamed aside, or the runs the pointers no longer name) and
   * what dead runs left beside the pointer outputs. Off the switch: a reader never resolves to any of it.
   */
  public void cleanUp() throws IOException {
    for (Path aside : asides.values()) {
      fs(aside).delete(aside, true);
    }
    asides.clear();
    if (!pointers.names().isEmpty()) {
      pointers.deleteReplaced(fileSystemNow());
      pointers.clear();
    }
    staged.clear();
    owner.close();
  }

  /** The file system's clock for judging other runs' markers: the time of a file this run just wrote. */
  private long fileSystemNow() throws IOException {
    String first = pointers.names().iterator().next();
    Path target = finalPath(outputs.get(first));
    return owner.claim(fs(target), target).getModificationTime();
  }

  /** Deletes every staging directory; the final URIs are untouched. */
  public void abort() {
    pointers.abort();
    for (Path staging : staged.values()) {
      try {
        fs(staging).delete(staging, true);
      } catch (IOException ignored) {
        // best effort: a hidden staging dir left behind is harmless and is replaced by the next run
      }
    }
    staged.clear();
    owner.close();
  }

  private FileSystem fs(Path path) throws IOException {
    return path.getFileSystem(hadoopConf);
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("could not rename " + from + " to " + to);
    }
  }

  private static void quietRename(FileSystem fs, Path from, Path to) {
    try {
      if (fs.exists(from)) {
        fs.delete(to, true);
        fs.rename(from, to);
      }
    } catch (IOException ignored) {
      // undo is best effort; the error that started it is reported
    }
  }
}
