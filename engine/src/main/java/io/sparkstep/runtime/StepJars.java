package io.sparkstep.runtime;

import io.sparkstep.spi.util.UserJars;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;

/**
 * The container side of the user's step jars ({@code StepSpec.jars}): what this JVM does not have yet is made a
 * local file (a remote URI such as one staged by {@code io.sparkstep.spi.remote.JarStaging} is fetched through
 * Hadoop into a temporary folder; {@code local:} names a file of the image), loaded in the same isolated user loader
 * as on the submitting machine ({@link UserJars#loader}), made the thread's context loader before Spark starts (a
 * local-mode executor runs tasks with that loader), and added to {@code spark.jars} so that executors of a cluster
 * master fetch it from the driver.
 *
 * <p>Jars that Spark already delivered (in the launcher's {@code spark.jars}: spark-submit {@code --jars}) or that
 * are on the JVM's class path (the local flavor's child JVM) are left alone.
 */
public final class StepJars {
  private StepJars() {
  }

  /**
   * Installs the spec's jars for this JVM; returns the local files it loaded (empty when there was nothing to do).
   *
   * @throws InvalidSpecException a local jar that is not in the container
   * @throws IOException a remote jar that cannot be read
   */
  public static List<String> install(StepSpec spec, Configuration hadoopConf) throws IOException {
    Set<String> present = present();
    List<String> local = new ArrayList<>();
    Path fetched = null;
    for (String jar : spec.jars) {
      if (present.contains(jar) || UserJars.isLocal(jar) && present.contains(absolute(jar))) {
        continue;
      }
      if (jar.startsWith("local:")) {
        local.add(Paths.get(URI.create(jar).getPath()).toString());
      } else if (UserJars.isLocal(jar)) {
        Path file = UserJars.localPath(jar);
        if (!Files.isRegularFile(file)) {
          throw new InvalidSpecException("jars", "jar '" + jar + "' is not in this container",
              "name a jar the container can read (local:///path/in/image.jar or a staged s3a/gs/abfss URI)");
        }
        local.add(file.toAbsolutePath().toString());
      } else {
        if (fetched == null) {
          fetched = Files.createTempDirectory("sparkstep-jars");
        }
        local.add(fetch(jar, fetched, hadoopConf).toString());
      }
    }
    if (local.isEmpty()) {
      return local;
    }
    Thread.currentThread().setContextClassLoader(UserJars.loader(local));
    spec.sparkConf.merge("spark.jars", String.join(",", local), (given, ours) -> given + "," + ours);
    return local;
  }

  private static Path fetch(String uri, Path dir, Configuration conf) throws IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
    FileSystem fs = path.getFileSystem(conf);
    // one folder per jar: two jars of the same name from different places never overwrite each other
    Path target = Files.createDirectories(dir.resolve(Integer.toString(dir.toFile().list().length)))
        .resolve(path.getName());
    try (InputStream in = fs.open(path)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /** What Spark or the JVM already loads: the launcher's spark.jars and the class path, as given and as paths. */
  private static Set<String> present() {
    Set<String> present = new HashSet<>();
    for (String jar : new SparkConf().get("spark.jars", "").split(",")) {
      if (!jar.isBlank()) {
        present.add(jar.trim());
        if (UserJars.isLocal(jar.trim())) {
          present.add(absolute(jar.trim()));
        }
      }
    }
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        present.add(absolute(entry));
      }
    }
    return present;
  }

  private static String absolute(String jar) {
    try {
      return UserJars.localPath(jar).toAbsolutePath().normalize().toString();
    } catch (RuntimeException e) {
      return jar;
    }
  }
}
