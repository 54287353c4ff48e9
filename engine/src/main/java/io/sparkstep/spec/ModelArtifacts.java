package io.sparkstep.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Saves and loads Spark ML models for model outputs and inputs, by reflection: the engine must not depend on
 * spark-mllib (a step author who trains nothing does not pull it in), and Spark ML's own format already says what a
 * model is. Every saved model has {@code metadata/part-*}, one JSON line with the {@code class} whose
 * {@code MLReadable} loads it and the {@code sparkVersion} that saved it; that is what is recorded and checked.
 */
public final class ModelArtifacts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WRITABLE = "org.apache.spark.ml.util.MLWritable";

  private ModelArtifacts() {
  }

  /** What Spark ML stored about a saved model. */
  public record Metadata(String modelClass, String sparkVersion) {
  }

  /** Saves {@code model} (an MLWritable) to {@code path}, which must not exist. */
  public static void save(String outputName, Object model, Path path) {
    if (model == null || !isWritable(model.getClass())) {
      throw new IllegalArgumentException("model output '" + outputName + "': "
          + (model == null ? "null" : model.getClass().getName()) + " is not a Spark ML " + WRITABLE
          + "; hand over a fitted model such as a PipelineModel");
    }
    try {
      Object writer = model.getClass().getMethod("write").invoke(model);
      writer.getClass().getMethod("save", String.class).invoke(writer, path.toString());
    } catch (InvocationTargetException e) {
      throw rethrow("cannot save model output '" + outputName + "' to " + path, e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot save model output '" + outputName + "': " + e, e);
    }
  }

  /** Reads the metadata Spark ML stored with the model at {@code dir}. */
  public static Metadata metadata(Configuration hadoopConf, Path dir) throws IOException {
    Path metadataDir = new Path(dir, "metadata");
    FileSystem fs = metadataDir.getFileSystem(hadoopConf);
    if (!fs.isDirectory(metadataDir)) {
      throw new IOException(dir + " is not a saved Spark ML model (it has no metadata/ directory)");
    }
    FileStatus[] parts = fs.listStatus(metadataDir, p -> p.getName().startsWith("part-"));
    Arrays.sort(parts, Comparator.comparing(f -> f.getPath().getName()));
    for (FileStatus part : parts) {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(fs.open(part.getPath()), StandardCharsets.UTF_8))) {
        String line = reader.readLine();
        if (line != null && !line.isBlank()) {
          JsonNode node = JSON.readTree(line);
          return new Metadata(node.path("class").asText(null), node.path("sparkVersion").asText(null));
        }
      }
    }
    throw new IOException(dir + " is not a saved Spark ML model (its metadata/ holds no model metadata)");
  }

  /** Bytes under the committed model directory. */
  public static long size(Configuration hadoopConf, Path dir) throws IOException {
    return dir.getFileSystem(hadoopConf).getContentSummary(dir).getLength();
  }

  /**
   * Why the stored class {@code stored} may not be used where {@code expected} is asked for, or null when it may.
   */
  public static String classProblem(String stored, String expected, ClassLoader loader) {
    if (stored == null) {
      return "the saved model names no class";
    }
    Class<?> storedType;
    try {
      storedType = Class.forName(stored, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return "its class " + stored + " is not on the class path (is spark-mllib, or the jar of that model, there?)";
    }
    Class<?> expectedType;
    try {
      expectedType = Class.forName(expected, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return "the expected model class " + expected + " is not on the class path";
    }
    if (!expectedType.isAssignableFrom(storedType)) {
      return "it is a " + stored + ", not a " + expected;
    }
    return null;
  }

  /** Loads the model at {@code uri} with the MLReadable of {@code modelClass}: its static {@code load(String)}. */
  public static Object load(String inputName, String modelClass, String uri, ClassLoader loader) {
    try {
      Class<?> type = Class.forName(modelClass, true, loader);
      Method load = staticLoad(type);
      if (load != null) {
        return load.invoke(null, uri);
      }
      // A Scala class without a static forwarder: call load on its companion object.
      Object companion = Class.forName(modelClass + "$", true, loader).getField("MODULE$").get(null);
      return companion.getClass().getMethod("load", String.class).invoke(companion, uri);
    } catch (InvocationTargetException e) {
      throw rethrow("cannot load model input '" + inputName + "' from " + uri, e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load model input '" + inputName + "' (" + modelClass
          + ") from " + uri + ": it has no MLReadable load(String): " + e, e);
    }
  }

  private static Method staticLoad(Class<?> type) {
    try {
      Method method = type.getMethod("load", String.class);
      return Modifier.isStatic(method.getModifiers()) ? method : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static boolean isWritable(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        if (implementsWritable(i)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean implementsWritable(Class<?> type) {
    if (type.getName().equals(WRITABLE)) {
      return true;
    }
    for (Class<?> parent : type.getInterfaces()) {
      if (implementsWritable(parent)) {
        return true;
      }
    }
    return false;
  }

  private static RuntimeException rethrow(String what, Throwable cause) {
    if (cause instanceof RuntimeException runtime && cause.getMessage() != null
        && runtime.getClass().getName().startsWith("io.sparkstep")) {
      return runtime;
    }
    return new IllegalStateException(what + ": " + cause, cause);
  }
}
