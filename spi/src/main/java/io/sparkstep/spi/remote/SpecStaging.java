package io.sparkstep.spi.remote;

import io.sparkstep.spi.spec.ValidationProblem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a flavor whose driver starts with arguments (kubernetes, spark-submit in cluster mode) puts a spec too large
 * for them ({@link SpecChannel#arguments}): {@code <staging>/specs/<name>.json} on any Hadoop file system the driver
 * can read (hdfs:, s3a:, gs:, abfss:, or file: of a directory the driver's machine shares). The URI goes into the
 * run's record ({@link #RECORD_KEY}) so that whoever observes the run's end deletes the copy. The spec holds only
 * redacted settings and {@code ${ENV}} references, so the copy carries no secret.
 */
public final class SpecStaging {
  /** The folder under the staging location that holds staged specs. */
  public static final String SPECS_DIR = "specs";
  /** The run record's platform entry naming the staged copy, as the container flavors record theirs. */
  public static final String RECORD_KEY = "specUri";

  private SpecStaging() {
  }

  /** {@code <staging>/specs/<name>.json}; {@code name} tells runs (and attempts) apart. */
  public static String location(String staging, String name) {
    if (staging == null || staging.isBlank()) {
      // validation refuses such a spec (check); this is a driver's spec grown past the limit after it
      throw new IllegalArgumentException("the spec is too large for the driver's arguments and no staging location "
          + "is set for it");
    }
    return (staging.endsWith("/") ? staging.substring(0, staging.length() - 1) : staging) + "/" + SPECS_DIR + "/"
        + name + ".json";
  }

  /**
   * Writes the spec to {@code uri}, replacing an earlier copy, and returns {@code uri}. Each run (attempt) stages
   * under its own name and its driver starts only after this returns, so no reader sees a partial copy.
   */
  public static String write(String uri, String specJson, Configuration conf) throws IOException {
    Path path = new Path(uri);
    try (OutputStream out = path.getFileSystem(conf).create(path, true)) {
      out.write(specJson.getBytes(StandardCharsets.UTF_8));
    }
    return uri;
  }

  /** Deletes a staged copy; one already gone is no error (another observer deleted it). */
  public static void delete(String uri, Configuration conf) throws IOException {
    Path path = new Path(uri);
    FileSystem fs = path.getFileSystem(conf);
    fs.delete(path, false);
  }

  /**
   * A spec too large for the flavor's arguments with no staging location to put it: found before anything is
   * created.
   *
   * @param stagingSetting the operator setting that names the staging location, for the fix
   */
  public static Optional<ValidationProblem> check(SpecChannel channel, String specJson, String staging,
      String stagingSetting) {
    if (channel.fitsInline(specJson) || staging != null && !staging.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(ValidationProblem.of(stagingSetting, "the spec is "
        + specJson.getBytes(StandardCharsets.UTF_8).length / 1024 + " KiB, over the "
        + channel.inlineLimitBytes() / 1024 + " KiB the driver takes in its arguments, and no " + stagingSetting
        + " is set to stage it", "set the operator's " + stagingSetting + " (a Hadoop URI the driver can read: "
        + "hdfs://, s3a://, gs://, abfss://, file: of a shared directory), or pass large values as an input "
        + "instead of params or conf"));
  }
}
