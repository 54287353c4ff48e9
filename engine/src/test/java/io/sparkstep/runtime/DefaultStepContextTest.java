package io.sparkstep.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.Params;
import io.sparkstep.api.StepDescriptor;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a step's context accepts and refuses without Spark: metric names and sizes, outputs the spec does not give,
 * work after a cancel. (Writing outputs through Spark is covered by {@link StepRunnerTest}.)
 */
class DefaultStepContextTest {
  @TempDir
  Path tmp;
  private final Map<String, Object> metrics = new LinkedHashMap<>();
  private final CancelToken cancel = new CancelToken();

  private DefaultStepContext context() {
    StepSpec spec = new StepSpec();
    spec.runId = "ctx";
    spec.outputs.put("out", ArtifactSpec.ofUri(tmp.resolve("out").toUri().toString()));
    StepDescriptor descriptor = StepDescriptor.builder("test-context").output("out", "anything").build();
    OutputCommitter committer = new OutputCommitter(new Configuration(), spec.runId, spec.outputs);
    return new DefaultStepContext(null, spec, new Params(Map.of()), committer, new TableOutputs(spec.outputs), cancel,
        descriptor, metrics::put, (name, input) -> { });
  }

  @Test
  void metricsReachTheRecordUnderTheirNames() {
    DefaultStepContext context = context();
    context.metric("rmse", 0.25);
    context.metric("per-class", Map.of("a", 1, "b", 2L));
    assertEquals(0.25, metrics.get("rmse"));
    assertEquals(Map.of("a", 1.0, "b", 2.0), metrics.get("per-class"));
  }

  @Test
  void badMetricNamesAndOversizedMapsAreRefused() {
    DefaultStepContext context = context();
    assertThrows(IllegalArgumentException.class, () -> context.metric("has space", 1));
    assertThrows(IllegalArgumentException.class, () -> context.metric("_leading", 1));
    Map<String, Integer> tooMany = IntStream.rangeClosed(0, DefaultStepContext.MAX_METRIC_ENTRIES).boxed()
        .collect(Collectors.toMap(i -> "k" + i, i -> i));
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> context.metric("table", tooMany));
    assertTrue(big.getMessage().contains("as an output"), big.getMessage());
    assertThrows(IllegalArgumentException.class, () -> context.metric("empty", Map.of()));
    assertTrue(metrics.isEmpty(), "nothing refused reached the record");
  }

  @Test
  void anOutputOrInputTheSpecDoesNotGiveIsNamedInTheError() {
    DefaultStepContext context = context();
    IllegalArgumentException output = assertThrows(IllegalArgumentException.class,
        () -> context.output("other", null));
    assertTrue(output.getMessage().contains("'other'") && output.getMessage().contains("[out]"), output.getMessage());
    IllegalArgumentException input = assertThrows(IllegalArgumentException.class, () -> context.input("trips"));
    assertTrue(input.getMessage().contains("'trips'"), input.getMessage());
  }

  @Test
  void afterACancelTheStepIsStoppedAtItsNextOutput() {
    DefaultStepContext context = context();
    assertFalse(context.cancelRequested());
    cancel.request();
    assertTrue(context.cancelRequested());
    assertThrows(StepCancelledException.class, () -> context.output("out", null));
    assertThrows(StepCancelledException.class, () -> context.outputModel("out", new Object()));
  }
}
