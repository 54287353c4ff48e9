package io.sparkstep.runtime;

import io.sparkstep.api.Params;
import io.sparkstep.api.Resources;
import io.sparkstep.api.StepContext;
import io.sparkstep.spec.ArtifactSpec;
import io.sparkstep.spec.StepSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The context handed to a step: reads inputs as the spec says and stages outputs with the committer. */
final class DefaultStepContext implements StepContext {
  private final SparkSession spark;
  private final StepSpec spec;
  private final Params params;
  private final OutputCommitter committer;
  private final CancelToken cancelToken;
  private final Logger log;

  DefaultStepContext(SparkSession spark, StepSpec spec, Params params, OutputCommitter committer,
                     CancelToken cancelToken, String stepName) {
    this.spark = spark;
    this.spec = spec;
    this.params = params;
    this.committer = committer;
    this.cancelToken = cancelToken;
    this.log = LoggerFactory.getLogger("sparkstep.step." + stepName);
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
    return spark.read().format(artifact.formatOrDefault().sparkName()).options(artifact.options).load(artifact.uri);
  }

  @Override
  public void output(String name, Dataset<Row> data) {
    checkNotCancelled();
    ArtifactSpec artifact = spec.outputs.get(name);
    if (artifact == null) {
      throw new IllegalArgumentException("the spec gives no output named '" + name + "'; outputs: " + spec.outputs.keySet());
    }
    Path staging;
    try {
      staging = committer.stage(name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare staging for output " + name, e);
    }
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
