package io.sparkstep.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A user's step jar, made the way a user outside this build makes one: its own source, compiled with javac against
 * the engine and Spark jars (this JVM's class path), packed with its services file. Nothing of it is on any class
 * path of this build, so every way of running it has to be given the jar.
 *
 * <p>The step {@value #STEP_CLASS} (alias {@value #ALIAS}) writes the even numbers below {@code n} with their
 * squares; the filter is a lambda of the step's own class, so executors must load the jar too, not only the driver.
 */
public final class ExternalStepJar {
  public static final String STEP_CLASS = "com.example.steps.EvenSquaresStep";
  public static final String ALIAS = "even-squares";

  private ExternalStepJar() {
  }

  /** Builds the jar under {@code dir} and returns it. */
  public static Path build(Path dir) throws IOException {
    Path src = dir.resolve("src/com/example/steps/EvenSquaresStep.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, """
        package com.example.steps;

        import io.sparkstep.api.ParamDef;
        import io.sparkstep.api.Step;
        import io.sparkstep.api.StepContext;
        import io.sparkstep.api.StepDescriptor;
        import org.apache.spark.api.java.function.FilterFunction;
        import org.apache.spark.sql.Dataset;
        import org.apache.spark.sql.Row;
        import static org.apache.spark.sql.functions.col;

        public class EvenSquaresStep implements Step {
          @Override
          public StepDescriptor describe() {
            return StepDescriptor.builder("even-squares").description("even numbers below n and their squares")
                .param(ParamDef.longParam("n").defaultValue(10L).min(1).description("upper bound"))
                .output("squares", "columns id, square").build();
          }

          @Override
          public void run(StepContext context) {
            long n = context.params().getLong("n");
            Dataset<Row> even = context.spark().range(n).toDF("id")
                .filter((FilterFunction<Row>) row -> row.getLong(0) % 2 == 0);
            context.output("squares", even.withColumn("square", col("id").multiply(col("id"))));
          }
        }
        """);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "--release", "17", "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), src.toString());
    assertEquals(0, rc, "the external step compiles against the engine and Spark jars");
    Path services = classes.resolve("META-INF/services/io.sparkstep.api.Step");
    Files.createDirectories(services.getParent());
    Files.writeString(services, STEP_CLASS + "\n");
    Path jar = dir.resolve("even-squares-steps.jar");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
         Stream<Path> files = Files.walk(classes)) {
      for (Path path : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace(File.separatorChar, '/')));
        Files.copy(path, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  /** The rows the step writes for {@code n}, as "id,square" sorted by id. */
  public static java.util.List<String> expectedRows(long n) {
    java.util.List<String> rows = new java.util.ArrayList<>();
    for (long i = 0; i < n; i += 2) {
      rows.add(i + "," + (i * i));
    }
    return rows;
  }
}
