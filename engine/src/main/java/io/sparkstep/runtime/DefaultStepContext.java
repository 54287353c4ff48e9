package io.sparkstep.runtime;

import io.sparkstep.spec.ModelArtifacts;
import io.sparkstep.spi.accel.UncountedPlans;
import io.sparkstep.api.Params;
import io.sparkstep.api.Resources;
import io.sparkstep.api.StepContext;
import io.sparkstep.api.StepDescriptor;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.Format;
import io.sparkstep.spi.spec.StepSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context handed to a step: reads inputs as the spec says, stages data and model outputs with the committer, and
 * hands metrics to the run record.
 */
final class DefaultStepContext implements StepContext {
  /** A map metric is for a handful of per-class figures, not a table: bigger ones belong in an output. */
  static final int MAX_METRIC_ENTRIES = 100;
  private static final Pattern METRIC_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}");
  private final SparkSession spark;
  private final StepSpec spec;
  private final Params params;
  private final OutputCommitter committer;
  private final CancelToken cancelToken;
  private final Logger log;
  private final StepDescriptor descriptor;
  private final BiConsumer<String, Object> metrics;
  private final TableOutputs tables;
  private final BiConsumer<String, RunRecord.InputInfo> tableReads;

  /**
   * @param tables where table outputs (Delta, Iceberg) wait for the commit
   * @param tableReads told which version or snapshot of a table input the step read
   */
  DefaultStepContext(SparkSession spark, StepSpec spec, Params params, OutputCommitter committer, TableOutputs tables,
                     CancelToken cancelToken, StepDescriptor descriptor, BiConsumer<String, Object> metrics,
                     BiConsumer<String, RunRecord.InputInfo> tableReads) {
    this.spark = spark;
    this.spec = spec;
    this.params = params;
    this.committer = committer;
    this.tables = tables;
    this.tableReads = tableReads;
    this.cancelToken = cancelToken;
    this.descriptor = descriptor;
    this.metrics = metrics;
    this.log = LoggerFactory.getLogger("sparkstep.step." + descriptor.name());
  }

  @Override
  public SparkSession spark() {
    return spark;
  }

  @Override
  public Params params() {
    return params;
  }

  @Override
  public Dataset<Row> input(String name) {
    ArtifactSpec artifact = spec.inputs.get(name);
    if (artifact == null) {
      throw new IllegalArgumentException("the spec gives no input named '" + name + "'; inputs: " + spec.inputs.keySet());
    }
    if (descriptor.modelInputs().containsKey(name)) {
      throw new IllegalArgumentException("input '" + name + "' is a model; read it with context.inputModel(\"" + name
          + "\", ModelClass.class)");
    }
    Format format = artifact.formatOrDefault();
    if (format.isTable()) {
      TableFormat.PinnedRead read = TableFormat.of(format).read(spark, artifact);
      log.info("reading input {} from {} table {} at {}", name, format.sparkName(), artifact.uri, read.snapshot());
      tableReads.accept(name, new RunRecord.InputInfo(artifact.uri, format.sparkName(), read.snapshot()));
      return read.data();
    }
    return spark.read().format(format.sparkName()).options(artifact.options).load(artifact.uri);
  }

  @Override
  public <M> M inputModel(String name, Class<M> type) {
    ArtifactSpec artifact = spec.inputs.get(name);
    if (artifact == null || !descriptor.modelInputs().containsKey(name)) {
      throw new IllegalArgumentException("the step declares no model input named '" + name + "'; model inputs: "
          + descriptor.modelInputs().keySet());
    }
    ModelArtifacts.Metadata metadata;
    try {
      metadata = ModelArtifacts.metadata(spark.sparkContext().hadoopConfiguration(), new Path(artifact.uri));
    } catch (IOException e) {
      throw new UncheckedIOException("model input '" + name + "': " + e.getMessage(), e);
    }
    String problem = ModelArtifacts.classProblem(metadata.modelClass(), type.getName(), type.getClassLoader());
    if (problem != null) {
      throw new IllegalArgumentException("model input '" + name + "' (" + artifact.uri + ") cannot be used: " + problem);
    }
    log.info("loading model input {} ({}, saved by Spark {}) from {}", name, metadata.modelClass(),
        metadata.sparkVersion(), artifact.uri);
    return type.cast(UncountedPlans.run(
        () -> ModelArtifacts.load(name, metadata.modelClass(), artifact.uri, type.getClassLoader())));
  }

  @Override
  public void outputModel(String name, Object model) {
    checkNotCancelled();
    if (spec.outputs.get(name) == null || !descriptor.modelOutputs().contains(name)) {
      throw new IllegalArgumentException("the step declares no model output named '" + name + "'; model outputs: "
          + descriptor.modelOutputs());
    }
    Path staging = stage(name);
    log.info("saving model output {} ({}) to staging {}", name, model == null ? null : model.getClass().getName(),
        staging);
    // ML persistence's own writes are not the step's plans: accelerator coverage leaves them out
    UncountedPlans.run(() -> {
      ModelArtifacts.save(name, model, staging);
      return null;
    });
    checkNotCancelled();
  }

  @Override
  public void metric(String name, double value) {
    metrics.accept(checkMetricName(name), value);
    log.info("metric {} = {}", name, value);
  }

  @Override
  public void metric(String name, Map<String, ? extends Number> values) {
    checkMetricName(name);
    if (values == null || values.isEmpty() || values.size() > MAX_METRIC_ENTRIES) {
      throw new IllegalArgumentException("metric '" + name + "' needs 1 to " + MAX_METRIC_ENTRIES
          + " entries; write bigger tables as an output");
    }
    Map<String, Double> copy = new LinkedHashMap<>();
    values.forEach((key, value) -> {
      if (key == null || value == null) {
        throw new IllegalArgumentException("metric '" + name + "' has a null key or value");
      }
      copy.put(key, value.doubleValue());
    });
    metrics.accept(name, java.util.Collections.unmodifiableMap(copy));
    log.info("metric {} = {}", name, copy);
  }

  private static String checkMetricName(String name) {
    if (name == null || !METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("metric name '" + name + "' must be 1 to 100 letters, digits or _.:/- "
          + "starting with a letter or digit");
    }
    return name;
  }

  private Path stage(String name) {
    try {
      return committer.stage(name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare staging for output " + name, e);
    }
  }

  @Override
  public void output(String name, Dataset<Row> data) {
    checkNotCancelled();
    ArtifactSpec artifact = spec.outputs.get(name);
    if (artifact == null) {
      throw new IllegalArgumentException("the spec gives no output named '" + name + "'; outputs: " + spec.outputs.keySet());
    }
    if (descriptor.modelOutputs().contains(name)) {
      throw new IllegalArgumentException("output '" + name + "' is a model; hand it over with context.outputModel(\""
          + name + "\", fittedModel)");
    }
    if (artifact.formatOrDefault().isTable()) {
      log.info("output {} goes to {} table {} when the step has succeeded", name,
          artifact.formatOrDefault().sparkName(), artifact.uri);
      tables.hold(name, data);
      return;
    }
    Path staging = stage(name);
    DataFrameWriter<Row> writer = data.write().format(artifact.formatOrDefault().sparkName())
        .options(artifact.options).mode(SaveMode.ErrorIfExists);
    if (!artifact.partitionBy.isEmpty()) {
      writer = writer.partitionBy(artifact.partitionBy.toArray(new String[0]));
    }
    SparkContext sc = spark.sparkContext();
    String tag = OutputRowCounter.tag(spec.runId, name);
    sc.addJobTag(tag);
    try {
      log.info("writing output {} to staging {}", name, staging);
      writer.save(staging.toString());
    } finally {
      sc.removeJobTag(tag);
    }
    checkNotCancelled();
  }

  @Override
  public Resources resources() {
    return spec.resources;
  }

  @Override
  public String runId() {
    return spec.runId;
  }

  @Override
  public Logger log() {
    return log;
  }

  @Override
  public boolean cancelRequested() {
    return cancelToken.isRequested();
  }

  private void checkNotCancelled() {
    if (cancelToken.isRequested()) {
      throw new StepCancelledException();
    }
  }
}
