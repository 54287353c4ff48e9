package io.sparkstep.spi.remote;

import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.TableFormatJars;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.util.UserJars;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * How a flavor whose container runs the entrypoint itself (SageMaker, Vertex, Azure ML) ships the user's step jars
 * ({@code StepSpec.jars}) and the jars of the table formats a run uses: each local jar is copied once under
 * {@code <staging>/jars/} with a name made from its content's SHA-256, so a rerun of the same jar uploads nothing and
 * a changed jar never overwrites one a running job reads; the spec handed to the container lists the staged URIs in place of the local paths (remote URIs stay as
 * given). The container's entrypoint fetches them and loads them in the user jars' loader (see
 * {@code io.sparkstep.runtime.StepJars}). Each flavor supplies only the copy to its blob store.
 */
public final class JarStaging {
  /** The folder under the staging location that holds the jars, shared by every run of the operator. */
  public static final String JARS_DIR = "jars";

  private JarStaging() {
  }

  /** Copies a local file to a location of the flavor's blob store. */
  public interface Uploader {
    boolean exists(String location) throws IOException;

    void upload(Path file, String location) throws IOException;
  }

  /** Any Hadoop file system URI (abfss:, hdfs:, s3a:, gs:, file:) through this JVM's Hadoop file systems. */
  public static Uploader hadoop(Configuration conf) {
    return new Uploader() {
      @Override
      public boolean exists(String location) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
        return path.getFileSystem(conf).exists(path);
      }

      @Override
      public void upload(Path file, String location) throws IOException {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(location);
        FileSystem fs = target.getFileSystem(conf);
        // written aside and renamed: a concurrent run never reads half a jar under its final name
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(),
            "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try (InputStream in = Files.newInputStream(file); OutputStream out = fs.create(tmp, true)) {
          in.transferTo(out);
        }
        if (!fs.rename(tmp, target) && !fs.exists(target)) {
          fs.delete(tmp, false);
          throw new IOException("cannot rename " + tmp + " to " + target);
        }
        fs.delete(tmp, false);
      }
    };
  }

  /**
   * What {@link #check(StepSpec, String, String)} and {@link #stage(StepSpec, String, Uploader, UnaryOperator)} ship:
   * the spec's own jars, then those of the table formats it reads or writes (a step image's Spark has none), as the
   * submitting process loads them (the distribution's {@code lib/}), each once.
   */
  static List<String> shipped(StepSpec spec) {
    return TableFormatJars.withUserJars(spec, JarStaging.class.getClassLoader());
  }

  /** {@link #check(List, String, String)} of the jars {@code spec}'s container needs: its own and its tables'. */
  public static List<ValidationProblem> check(StepSpec spec, String staging, String stagingSetting) {
    return check(shipped(spec), staging, stagingSetting);
  }

  /** {@link #stage(List, String, Uploader, UnaryOperator)} of the jars {@code spec}'s container needs. */
  public static List<String> stage(StepSpec spec, String staging, Uploader uploader,
      UnaryOperator<String> forContainer) {
    return stage(shipped(spec), staging, uploader, forContainer);
  }

  /**
   * What makes the jars unshippable, found before anything is created: a local jar that is not there, or local jars
   * with no staging location to copy them to.
   *
   * @param stagingSetting the operator setting that names the staging location, for the fix
   */
  public static List<ValidationProblem> check(List<String> jars, String staging, String stagingSetting) {
    List<ValidationProblem> problems = new ArrayList<>();
    for (String jar : jars) {
      if (!UserJars.isLocal(jar)) {
        continue;
      }
      if (!Files.isRegularFile(UserJars.localPath(jar))) {
        problems.add(ValidationProblem.of("jars", "jar '" + jar + "' does not exist", "check the path"));
      } else if (staging == null || staging.isBlank()) {
        problems.add(ValidationProblem.of("jars", "'" + jar + "' is a file on this machine and no staging location "
            + "is set to copy it to", "set the operator's " + stagingSetting + " (a URI the cluster can read), or "
            + "name a jar the cluster can read (local:///path/in/image.jar, s3a://, gs://, abfss://, https://)"));
      }
    }
    return problems;
  }

  /**
   * Copies the local jars that are not staged yet and returns the list as the container names it: staged URIs for
   * local jars, other entries as the container addresses them.
   *
   * @param staging the staging location as this process addresses it
   * @param forContainer how the container addresses a location of this process (s3:// to s3a://), identity if same
   */
  public static List<String> stage(List<String> jars, String staging, Uploader uploader,
      UnaryOperator<String> forContainer) {
    List<String> out = new ArrayList<>();
    String dir = (staging.endsWith("/") ? staging.substring(0, staging.length() - 1) : staging) + "/" + JARS_DIR;
    for (String jar : jars) {
      if (!UserJars.isLocal(jar)) {
        // a remote jar as the container's file systems name it (s3:// of the AWS SDK is s3a:// to Hadoop)
        out.add(jar.startsWith("local:") ? jar : forContainer.apply(jar));
        continue;
      }
      Path file = UserJars.localPath(jar);
      String location = dir + "/" + stagedName(file);
      try {
        if (!uploader.exists(location)) {
          uploader.upload(file, location);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy " + file + " to " + location + ": " + e.getMessage(), e);
      }
      out.add(forContainer.apply(location));
    }
    return out;
  }

  /** {@code <first 16 hex digits of the SHA-256 of the content>-<file name>}: equal content, equal name. */
  public static String stagedName(Path jar) {
    try (InputStream in = Files.newInputStream(jar)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16) + "-" + jar.getFileName();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
