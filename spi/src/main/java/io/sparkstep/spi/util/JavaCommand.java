package io.sparkstep.spi.util;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;

/** The command line of a child JVM that runs Spark code: this JVM's java, Spark's --add-opens flags, a classpath. */
public final class JavaCommand {
  private JavaCommand() {
  }

  public static String javaBinary() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The JVM flags Spark needs on Java 17, as Spark's launcher lists them. */
  public static List<String> sparkJvmFlags() {
    return new ArrayList<>(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
  }

  /**
   * bin/sparkstep's class-data archive, which this JVM mapped ({@value #ARCHIVE_PROPERTY}, set by bin/sparkstep), as
   * flags for a child JVM whose class path begins with this JVM's; none without one. The archive cuts a JVM's start
   * (bench --suite cli); a JVM that cannot use it (another class path, another java) ignores it.
   */
  public static List<String> classDataArchiveFlags() {
    String archive = System.getProperty(ARCHIVE_PROPERTY);
    return archive == null || archive.isBlank() ? List.of() : classDataArchiveFlags(archive);
  }

  /** The flags that map {@code archive} in a child JVM, which ignores it if its class path or java differ. */
  public static List<String> classDataArchiveFlags(String archive) {
    return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds*=off");
  }

  public static final String ARCHIVE_PROPERTY = "sparkstep.cds.archive";

  /** {@code java <flags> -cp <classpath> <mainClass>} with this JVM's classpath. */
  public static List<String> forMainClass(String mainClass, List<String> extraJvmFlags) {
    return forMainClass(mainClass, extraJvmFlags, List.of(), List.of());
  }

  /**
   * The same with jars before this JVM's classpath (what must be on the JVM's own class path, such as Comet) and
   * after it (the user's step jars).
   */
  public static List<String> forMainClass(String mainClass, List<String> extraJvmFlags, List<String> prepend,
      List<String> append) {
    List<String> classpath = new ArrayList<>(prepend);
    classpath.add(System.getProperty("java.class.path"));
    classpath.addAll(append);
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(sparkJvmFlags());
    command.addAll(extraJvmFlags);
    command.add("-cp");
    command.add(String.join(java.io.File.pathSeparator, classpath));
    command.add(mainClass);
    return command;
  }
}
