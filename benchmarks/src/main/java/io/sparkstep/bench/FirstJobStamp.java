package io.sparkstep.bench;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * A listener a timed CLI process gets through {@code -Dspark.extraListeners} (SparkConf reads {@code spark.*} system
 * properties, so the command line and the pipeline file stay as a user writes them): writes when the process's first
 * Spark job started (epoch milliseconds, from the listener bus event) to the file named by {@value #FILE_PROPERTY}.
 * The benchmark subtracts the time it forked the process: how long a command takes to reach Spark work.
 */
public final class FirstJobStamp extends SparkListener {
  static final String FILE_PROPERTY = "sparkstep.bench.firstJobFile";

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    String file = System.getProperty(FILE_PROPERTY);
    if (file == null) {
      return;
    }
    try {
      // CREATE_NEW: only the first job of the process counts, even if a later session registers another listener.
      Files.writeString(Path.of(file), Long.toString(jobStart.time()), StandardOpenOption.CREATE_NEW);
    } catch (FileAlreadyExistsException e) {
      // a job after the first one
    } catch (IOException e) {
      // the benchmark reports the stamp missing; a listener must not fail the run it measures
    }
  }

  /** The JVM flags that give a process this listener, writing to {@code file}. */
  static String jvmFlags(Path file) {
    return "-Dspark.extraListeners=" + FirstJobStamp.class.getName() + " -D" + FILE_PROPERTY + "=" + file;
  }
}
