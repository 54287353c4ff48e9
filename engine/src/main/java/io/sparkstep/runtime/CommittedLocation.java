package io.sparkstep.runtime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;

/**
 * Where the committed data of an output URI is, for outputs committed with a pointer (object stores, see
 * {@link PointerCommit}): {@code URI/_sparkstep/CURRENT} names the run whose data under
 * {@code URI/_sparkstep/runs/RUN/} is current, once that run's commit record exists; until then the run it replaced.
 * A URI without a pointer is its own location (file systems, and outputs written before pointers existed).
 *
 * <p>{@link #resolve(Configuration, String)} is what every Sparkstep reader of an input calls.
 */
public final class CommittedLocation {
  /** Hidden from Spark's and Hive's listing of the output by its leading underscore. */
  static final String DIR = "_sparkstep";
  private static final ObjectMapper JSON = new ObjectMapper();

  private CommittedLocation() {
  }

  /**
   * What a reader of {@code uri} reads: {@code location} and the id of the run that committed it ({@code commitId},
   * the value of a {@code sparkstep-commit} snapshot), or the URI itself and no commit id where no pointer commit
   * was made. {@code location} is null when a pointer exists but no run has committed data yet.
   */
  public record Resolved(String location, String commitId) {
    public boolean pointerCommitted() {
      return commitId != null;
    }
  }

  /** Resolves an input or output URI to its committed location; contacts the store (one or two small reads). */
  public static Resolved resolve(Configuration hadoopConf, String uri) throws IOException {
    Path target = new Path(uri);
    return resolve(target.getFileSystem(hadoopConf), target);
  }

  static Resolved resolve(FileSystem fs, Path target) throws IOException {
    return resolve(fs, target, readPointer(fs, target));
  }

  /** The same for a pointer already read: one request (the commit record's existence) where there is a pointer. */
  static Resolved resolve(FileSystem fs, Path target, Optional<Pointer> pointer) throws IOException {
    if (pointer.isEmpty()) {
      return new Resolved(target.toString(), null);
    }
    Pointer current = pointer.get();
    if (fs.exists(new Path(current.commit()))) {
      return new Resolved(current.location(), current.run());
    }
    // The pointer's run has not committed (it is still committing, or died): what it replaced is current.
    return new Resolved(current.previousLocation(), current.previous());
  }

  /** Where run {@code runId} writes the output {@code target}: never renamed, never rewritten. */
  static Path runLocation(Path target, String runId) {
    return new Path(runsDir(target), runId);
  }

  static Path runsDir(Path target) {
    return new Path(new Path(target, DIR), "runs");
  }

  static Path pointerPath(Path target) {
    return new Path(new Path(target, DIR), "CURRENT");
  }

  /** The run's commit record, beside its first output's pointer: its existence commits all the run's outputs. */
  static Path commitRecordPath(Path firstTarget, String runId) {
    return new Path(new Path(new Path(firstTarget, DIR), "commits"), runId + ".json");
  }

  /** The pointer, or empty where there is none: on S3 one HEAD (S3A's open) and one GET, or the HEAD alone. */
  static Optional<Pointer> readPointer(FileSystem fs, Path target) throws IOException {
    try (InputStream in = fs.open(pointerPath(target))) {
      return Optional.of(JSON.readValue(in, Pointer.class));
    } catch (FileNotFoundException | ParentNotDirectoryException absent) {
      return Optional.empty(); // the second: the URI is a file (HDFS says so when asked for a path under it)
    }
  }

  /**
   * The pointer file's status (on S3 with its ETag, which a conditional overwrite names), or empty where there is
   * none: on S3 one HEAD where it exists.
   */
  static Optional<FileStatus> pointerStatus(FileSystem fs, Path target) throws IOException {
    try {
      return Optional.of(fs.getFileStatus(pointerPath(target)));
    } catch (FileNotFoundException | ParentNotDirectoryException absent) {
      return Optional.empty(); // the second: the URI is a file (HDFS says so when asked for a path under it)
    }
  }

  /**
   * The pointer whose status was just read: opened with that status, so S3A issues the GET alone instead of asking
   * for the status again. Empty if it was removed in between.
   */
  static Optional<Pointer> read(FileSystem fs, FileStatus status) throws IOException {
    try (InputStream in = FutureIO.awaitFuture(fs.openFile(status.getPath()).withFileStatus(status).build())) {
      return Optional.of(JSON.readValue(in, Pointer.class));
    } catch (FileNotFoundException absent) {
      return Optional.empty();
    }
  }

  static byte[] json(Object value) throws IOException {
    return JSON.writeValueAsBytes(value);
  }

  /**
   * One output's pointer. {@code previous}/{@code previousLocation}: what a reader resolved to when this run began
   * (the location alone, with no run, for data a rename commit left at the URI itself; both null for a new output).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Pointer(String run, String location, String previous, String previousLocation, String commit) {
  }

  /** A run's commit record: the location of each of its outputs. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record CommitRecord(String run, Map<String, String> outputs) {
  }
}
