package io.sparkstep.spi;

import io.sparkstep.spi.spec.ValidationProblem;
import java.util.List;

/**
 * A kind of place where steps run (local, spark-submit, kubernetes, sagemaker, ...). Found by
 * {@link java.util.ServiceLoader} through {@code META-INF/services/io.sparkstep.spi.Flavor}: a flavor is a jar
 * on the classpath, and deleting it touches nothing else.
 *
 * <p>A flavor describes its settings ({@link #options()}), checks a configuration ({@link #validate}), and creates
 * a {@link StepOperator} for one named, configured operator.
 */
public interface Flavor {

  /** Short unique name used in {@code operator register --flavor NAME}. */
  String name();

  /** One line for {@code flavor list}. */
  String description();

  /** Every setting the flavor reads, for help, validation and redaction. */
  List<ConfigOption> options();

  /**
   * Problems with a configuration beyond the schema (required options and unknown keys are already checked by
   * the registry). Must not contact any platform.
   */
  default List<ValidationProblem> validate(OperatorConfig config) {
    return List.of();
  }

  /** An operator for a validated configuration. Cheap: clients connect lazily. */
  StepOperator create(OperatorConfig config);
}
