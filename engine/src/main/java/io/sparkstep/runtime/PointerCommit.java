package io.sparkstep.runtime;

import io.sparkstep.runtime.CommittedLocation.CommitRecord;
import io.sparkstep.runtime.CommittedLocation.Pointer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.MultipartUploader;

/**
 * The engine's commit on stores without an atomic directory rename (S3, GCS, Blob and ADLS without hierarchical
 * namespace), where a rename is a copy of every byte and not atomic. Nothing is renamed or copied:
 *
 * <ol>
 *   <li>each output of run R is written by Spark straight to {@code URI/_sparkstep/runs/R/} (with the S3A magic
 *       committer, to its final keys);</li>
 *   <li>each output's pointer {@code URI/_sparkstep/CURRENT} is set to R, naming what it replaces, with a
 *       conditional write on the version read when R began (S3: If-Match on the ETag, If-None-Match for a new one);</li>
 *   <li>R's commit record, beside the first output's pointer, is created if absent: the one moment every output
 *       switches, since a reader resolves a pointer to its run only once that run's commit record exists;</li>
 *   <li>the replaced data is deleted, and with it what dead runs left under {@code runs/} (and their pending
 *       multipart uploads).</li>
 * </ol>
 * Only single-object writes are relied on. Which stores get this commit: {@link #applies}.
 */
final class PointerCommit {
  /** {@code auto} (default: by scheme and capability), {@code pointer} or {@code rename}, in the Hadoop conf. */
  static final String STYLE = "sparkstep.commit.style";
  /** hadoop-aws 3.4.2's create options: If-None-Match: * and If-Match: ETAG on the PUT (ignored by other stores). */
  static final String CREATE_IF_ABSENT = "fs.option.create.conditional.overwrite";
  static final String CREATE_IF_MATCH = "fs.option.create.conditional.overwrite.etag";
  /** Stores whose directory rename is a copy of every object. */
  private static final Set<String> COPYING_RENAME = Set.of("s3a", "s3", "s3n", "gs", "wasb", "wasbs");
  /** ABFS answers it with whether the account has a hierarchical namespace, i.e. atomic directory renames. */
  private static final String HIERARCHICAL_NAMESPACE = "fs.capability.paths.acls";
  private static final String MULTIPART_UPLOADER = "fs.capability.multipart.uploader";

  private final Configuration hadoopConf;
  private final String runId;
  private final Map<String, Output> outputs = new LinkedHashMap<>();

  /** One output of this run: where it lives, and what its pointer said when the run began. */
  private record Output(FileSystem fs, Path target, Path location, Optional<Pointer> pointerBefore, String etagBefore,
                        Replaced replaced) {
  }

  /** What a reader resolved to when the run began: a run's data, or data a rename commit left at the URI itself. */
  private record Replaced(String run, String location) {
    static final Replaced NOTHING = new Replaced(null, null);
  }

  PointerCommit(Configuration hadoopConf, String runId) {
    this.hadoopConf = hadoopConf;
    this.runId = runId;
  }

  /** Whether {@code target} is committed with a pointer: by the conf's {@link #STYLE}, else by the store. */
  static boolean applies(Configuration hadoopConf, FileSystem fs, Path target) {
    String style = hadoopConf.get(STYLE, "auto");
    if (style.equals("pointer") || style.equals("rename")) {
      return style.equals("pointer");
    }
    String scheme = fs.getUri().getScheme();
    if (COPYING_RENAME.contains(scheme)) {
      return true;
    }
    if (scheme.equals("abfs") || scheme.equals("abfss")) {
      try {
        return !fs.hasPathCapability(target, HIERARCHICAL_NAMESPACE);
      } catch (IOException unknown) {
        return true; // the pointer commit is safe on both kinds of account
      }
    }
    return false;
  }

  boolean has(String name) {
    return outputs.containsKey(name);
  }

  /** Reserves {@code URI/_sparkstep/runs/RUN} for one output and removes what dead runs left beside it. */
  Path stage(String name, FileSystem fs, Path target, long now) throws IOException {
    Path location = CommittedLocation.runLocation(target, runId);
    if (fs.exists(location)) {
      fs.delete(location, true);
    }
    Optional<FileStatus> pointerStatus = CommittedLocation.pointerStatus(fs, target);
    Optional<Pointer> pointer = pointerStatus.isEmpty() ? Optional.empty()
        : CommittedLocation.read(fs, pointerStatus.get());
    String etag = pointerStatus.map(PointerCommit::etagOf).orElse(null);
    Replaced replaced = replaced(fs, target, pointer);
    // A pointer's run and the run it replaced stay: a reader may resolve to either until the next commit record.
    removeDeadRuns(fs, target, now, pointer.map(Pointer::run).orElse(null), pointer.map(Pointer::previous).orElse(null));
    outputs.put(name, new Output(fs, target, location, pointer, etag, replaced));
    return location;
  }

  private static Replaced replaced(FileSystem fs, Path target) throws IOException {
    return replaced(fs, target, CommittedLocation.readPointer(fs, target));
  }

  private static Replaced replaced(FileSystem fs, Path target, Optional<Pointer> pointer) throws IOException {
    CommittedLocation.Resolved resolved = CommittedLocation.resolve(fs, target, pointer);
    if (resolved.pointerCommitted()) {
      return new Replaced(resolved.commitId(), resolved.location());
    }
    return hasPlainData(fs, target) ? new Replaced(null, target.toString()) : Replaced.NOTHING;
  }

  /** Whether the URI holds data besides our hidden directory: an output a rename commit (or another tool) wrote. */
  private static boolean hasPlainData(FileSystem fs, Path target) throws IOException {
    FileStatus[] children;
    try {
      // one LIST on S3; a file at the URI lists as itself, which is not our directory either
      children = fs.listStatus(target);
    } catch (FileNotFoundException absent) {
      return false;
    }
    for (FileStatus child : children) {
      if (!child.getPath().getName().equals(CommittedLocation.DIR)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code target} holds data a reader would see: a committed run, or files at the URI itself. What a run
   * that died before its commit left (only {@code _sparkstep/}) does not count, so it does not block the next run.
   */
  static boolean holdsData(FileSystem fs, Path target) throws IOException {
    return replaced(fs, target).location() != null;
  }

  /** {@link #holdsData(FileSystem, Path)} for a staged output: did it appear while the step ran. */
  boolean holdsData(String name) throws IOException {
    Output output = outputs.get(name);
    return holdsData(output.fs(), output.target());
  }

  /**
   * Refuses the commit when another run changed this output's pointer or committed this output since this run began
   * (its data would be lost). On S3 this is one HEAD where the pointer is unchanged (its ETag is the one read when the
   * run began, so is its content) and the run it names had committed then (commit records are never deleted).
   */
  void checkNotSuperseded(String name) throws IOException {
    Output output = outputs.get(name);
    FileSystem fs = output.fs();
    Optional<FileStatus> status = CommittedLocation.pointerStatus(fs, output.target());
    Optional<Pointer> pointer;
    if (status.isPresent() && output.etagBefore() != null && output.etagBefore().equals(etagOf(status.get()))) {
      pointer = output.pointerBefore();
    } else {
      pointer = status.isEmpty() ? Optional.empty() : CommittedLocation.read(fs, status.get());
    }
    boolean settled = pointer.isPresent() && pointer.get().run().equals(output.replaced().run());
    Replaced now = settled ? output.replaced() : replaced(fs, output.target(), pointer);
    if (!now.equals(output.replaced())) {
      throw new IOException("output " + output.target() + " was committed by another run (" + now.run()
          + ") while run " + runId + " ran; nothing of this run was committed");
    }
    // Stores without conditional writes get this check only: it narrows the race between two writers, not closes it.
    if (!pointer.equals(output.pointerBefore())) {
      throw new IOException("the pointer of output " + output.target() + " was changed by run "
          + pointer.map(Pointer::run).orElse("(removed)") + " while run " + runId + " ran; nothing was committed");
    }
  }

  /**
   * Steps 2 and 3: pointers, then the commit record; after the record every output reads as this run's. Follows
   * {@link #checkNotSuperseded} of every output, which read what each pointer is now.
   */
  void writePointersAndRecord() throws IOException {
    Path commitRecord = CommittedLocation.commitRecordPath(outputs.values().iterator().next().target(), runId);
    Map<String, String> locations = new LinkedHashMap<>();
    boolean first = true;
    for (Map.Entry<String, Output> entry : outputs.entrySet()) {
      Output output = entry.getValue();
      Pointer pointer = new Pointer(runId, output.location().toString(), output.replaced().run(),
          output.replaced().location(), commitRecord.toString());
      writePointer(output, CommittedLocation.json(pointer));
      locations.put(entry.getKey(), output.location().toString());
      if (first) {
        CommitMoment.POINTER_WRITTEN.reached(hadoopConf);
        first = false;
      }
    }
    Output firstOutput = outputs.values().iterator().next();
    createIfAbsent(firstOutput.fs(), commitRecord, CommittedLocation.json(new CommitRecord(runId, locations)));
    CommitMoment.COMMIT_RECORD_WRITTEN.reached(hadoopConf);
  }

  /**
   * Replaces the pointer only if it is still the version this run read (or still absent): on S3 a conditional PUT
   * (If-Match on the ETag read when the run began, If-None-Match for a new pointer), which also spares S3A its
   * existence probes; elsewhere as {@link #checkNotSuperseded} found it just before.
   */
  private void writePointer(Output output, byte[] json) throws IOException {
    Path pointer = CommittedLocation.pointerPath(output.target());
    FileSystem fs = output.fs();
    if (output.pointerBefore().isEmpty()) {
      createIfAbsent(fs, pointer, json);
      return;
    }
    FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(pointer).overwrite(true).recursive();
    if (output.etagBefore() != null) {
      builder.opt(CREATE_IF_MATCH, output.etagBefore());
    }
    try (FSDataOutputStream out = builder.build()) {
      out.write(json);
    }
  }

  private static void createIfAbsent(FileSystem fs, Path path, byte[] json) throws IOException {
    FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(path).overwrite(false).recursive();
    builder.opt(CREATE_IF_ABSENT, "true");
    try (FSDataOutputStream out = builder.build()) {
      out.write(json);
    }
  }

  /** Step 4: the data this run replaced, and what dead runs left; a live run's data and this run's stay. */
  void deleteReplaced(long now) {
    boolean first = true;
    for (Output output : outputs.values()) {
      try {
        Replaced replaced = output.replaced();
        if (replaced.run() != null) {
          Path old = CommittedLocation.runLocation(output.target(), replaced.run());
          first = deleteInParts(output.fs(), old, first);
        } else if (replaced.location() != null) {
          // data a rename commit left at the URI: every entry but our hidden directory
          for (FileStatus child : output.fs().listStatus(output.target())) {
            if (!child.getPath().getName().equals(CommittedLocation.DIR)) {
              first = deleteInParts(output.fs(), child.getPath(), first);
            }
          }
        }
        removeDeadRuns(output.fs(), output.target(), now, null, null);
      } catch (IOException e) {
        // best effort: replaced data no pointer resolves to is invisible to readers and removed by the next run
      }
    }
  }

  /** Deletes one file of the first replaced location on its own, so a test can hold the driver mid-deletion. */
  private boolean deleteInParts(FileSystem fs, Path path, boolean first) throws IOException {
    if (first && fs.exists(path) && fs.getFileStatus(path).isDirectory()) {
      FileStatus[] children = fs.listStatus(path);
      if (children.length > 1) {
        fs.delete(children[0].getPath(), true);
        CommitMoment.OLD_DATA_DELETING.reached(hadoopConf);
      }
    }
    fs.delete(path, true);
    return false;
  }

  /**
   * Removes every run location under {@code URI/_sparkstep/runs/} but this run's and the {@code keep} ones whose
   * owner is dead ({@link StagingOwner}): a run that has no marker has committed (and was replaced) or died after its
   * cleanup began; one with a marker is judged by it. Pending multipart uploads under it are aborted first.
   */
  private void removeDeadRuns(FileSystem fs, Path target, long now, String keep, String keepToo) throws IOException {
    Path runs = CommittedLocation.runsDir(target);
    if (!fs.exists(runs)) {
      return;
    }
    for (FileStatus run : fs.listStatus(runs)) {
      String other = run.getPath().getName();
      if (other.equals(runId) || other.equals(keep) || other.equals(keepToo)) {
        continue;
      }
      Path marker = StagingOwner.markerPath(target, other);
      if (fs.exists(marker) && !StagingOwner.ownerIsDead(fs, target, other, run, now)) {
        continue;
      }
      abortUploads(fs, run.getPath());
      fs.delete(run.getPath(), true);
      fs.delete(marker, false); // last: a cleanup that stops halfway leaves a marker that says "dead" again
    }
  }

  /** Aborts multipart uploads a dead run's tasks began under {@code location} (S3), which no listing shows. */
  private static void abortUploads(FileSystem fs, Path location) {
    try {
      if (!fs.hasPathCapability(location, MULTIPART_UPLOADER)) {
        return;
      }
      try (MultipartUploader uploader = fs.createMultipartUploader(location).build()) {
        uploader.abortUploadsUnderPath(location).get();
      }
    } catch (IOException | UnsupportedOperationException | ExecutionException e) {
      // best effort: pending uploads cost storage only; fs.s3a.multipart.purge or a lifecycle rule ends them too
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Deletes this run's locations: the pointers do not name them, or name them without a commit record. */
  void abort() {
    for (Output output : outputs.values()) {
      try {
        output.fs().delete(output.location(), true);
      } catch (IOException ignored) {
        // best effort: the next run of this output removes it once this run's owner is dead
      }
    }
    outputs.clear();
  }

  /** Where each output of this run is, once committed. */
  Path location(String name) {
    return outputs.get(name).location();
  }

  Set<String> names() {
    return outputs.keySet();
  }

  void clear() {
    outputs.clear();
  }

  private static String etagOf(FileStatus status) {
    return status instanceof EtagSource source ? source.getEtag() : null;
  }
}
