package io.sparkstep.local;

import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.api.StepResources;
import io.sparkstep.flavor.local.LocalLaunchShape;
import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.testing.FlavorContractTest;
import io.sparkstep.testing.ResourceTableWalk;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;

/**
 * The flavor contract on the default {@code local} operator: runs from the Java API are in this JVM's embedded
 * Spark, a detached run is a child JVM of the CLI that started it.
 */
class LocalContractTest extends FlavorContractTest {
  /** The Java API's part here; the registration, runs and fresh processes through the distribution: dist-tests. */
  @Override
  protected Mode mode() {
    return Mode.JAVA_API;
  }

  /** An operator of the local flavor with its defaults: what the built-in {@code local} is, registered by name. */
  @Override
  protected String startPlatform(Path tmp, Path home) throws Exception {
    registerOperator("embedded", "local", java.util.Map.of());
    return "embedded";
  }

  /** Runs from the Java API are in this JVM, whose heap a memory request is checked against: one that fits. */
  @Override
  protected ResourceTableWalk.Sample resourceSample(ResourceField field) {
    return field == ResourceField.MEMORY ? new ResourceTableWalk.Sample(StepResources.builder().build(),
        StepResources.builder().memory("256m").build()) : super.resourceSample(field);
  }

  @Override
  protected Refusal unsupportedResources() {
    return new Refusal("executors=2", "resources.executors");
  }

  @Override
  protected String resourceRequest(StepSpec spec, OperatorConfig config) {
    return LocalLaunchShape.of(spec, config);
  }

  /** Local runs take a literal secret: a child JVM gets it in its environment, never in a file or argument. */
  @Override
  protected boolean refusesLiteralSecrets() {
    return false;
  }

  /** Nothing of it runs in a child process, and the embedded Spark has no job of it left. */
  @Override
  protected void assertNothingLeft(RunRecord record) throws Exception {
    super.assertNothingLeft(record);
    SparkSession spark = SparkSession.getActiveSession().getOrElse(() -> SparkSession.getDefaultSession().get());
    eventually("the embedded Spark has no active job", Duration.ofSeconds(30),
        () -> spark.sparkContext().statusTracker().getActiveJobIds().length == 0);
  }
}
