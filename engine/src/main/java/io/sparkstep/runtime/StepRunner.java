package io.sparkstep.runtime;

import io.sparkstep.cache.CacheIndex;
import io.sparkstep.cache.CachePublisher;
import io.sparkstep.spec.ModelArtifacts;
import io.sparkstep.spec.ModelInputCheck;
import io.sparkstep.spec.StepCatalog;
import io.sparkstep.api.Params;
import io.sparkstep.api.RetryableStepException;
import io.sparkstep.api.RunState;
import io.sparkstep.api.Step;
import io.sparkstep.api.StepDescriptor;
import io.sparkstep.spi.record.CurrentRecord;
import io.sparkstep.spi.record.DataSnapshot;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spec.SpecValidator;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one step inside a given SparkSession: checks inputs and outputs where they live, runs the step (retrying
 * failures it marks retryable), commits outputs only on success, and keeps the run record up to date. Used by the
 * entrypoint in every environment and by the local flavor in-process.
 */
public final class StepRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);
  private final StepCatalog catalog;

  public StepRunner(StepCatalog catalog) {
    this.catalog = catalog;
  }

  public StepRunner() {
    this(new StepCatalog());
  }

  /**
   * Runs the step and returns the final state, also set on the current {@code record} (moved by events only). Never throws for a step failure: the
   * failure is in the record. Throws {@link InvalidSpecException} for bad input found before the step started
   * (the record is then FAILED too). An {@link Error} of the JVM itself (out of memory) ends the record FAILED and
   * goes on up: this JVM is in no state to carry on as if a step had failed.
   *
   * @param onChange called after every change of the record, to persist it
   */
  public RunState run(SparkSession spark, StepSpec spec, CurrentRecord record, CancelToken cancel,
                      Consumer<RunRecord> onChange) {
    recordSparkApplication(spark.sparkContext(), record);
    Prepared prepared;
    try {
      // From here on the step reads each pointer-committed input at its committed run's location.
      spec = CommittedInputs.resolve(spec, spark.sparkContext().hadoopConfiguration());
      prepared = prepare(spec, spark.sparkContext().hadoopConfiguration());
    } catch (InvalidSpecException e) {
      finish(record, RunState.FAILED, e, onChange);
      throw e;
    } catch (IOException | RuntimeException e) {
      finish(record, RunState.FAILED, e, onChange);
      return RunState.FAILED;
    }
    StepSpec read = spec;  // the inputs as the step reads them: at their committed locations
    record.update(r -> RunDatasets.inputsRecorded(read, r));
    RunState before = record.get().state;
    RunRecord running = record.update(r -> r.moved(RunState.RUNNING));
    if (running.state != before) {
      onChange.accept(running);
    }
    try (RunJobs jobs = RunJobs.watch(spark.sparkContext(), spec.runId, cancel)) {
      return runAttempts(spark, spec, prepared, record, cancel, jobs.rows(), onChange);
    }
  }

  /** What the step needs before its first attempt, every part checked. */
  private record Prepared(Step step, StepDescriptor descriptor, Params params, OutputCommitter committer,
                          TableOutputs tables) {
  }

  private static void recordSparkApplication(SparkContext sc, CurrentRecord record) {
    String uiUrl = sc.uiWebUrl().isDefined() ? sc.uiWebUrl().get() : null;
    record.update(r -> r.started(null, r.host, sc.applicationId(), uiUrl).sentTo(sc.master()));
  }

  /** Looks the step up, checks its params, inputs, model inputs and output targets where they live. */
  private Prepared prepare(StepSpec spec, Configuration hadoopConf) throws IOException {
    Step step = catalog.resolve(spec.step);
    StepDescriptor descriptor = step.describe();
    Params params = new Params(new SpecValidator(catalog).validateOrThrow(spec, false));
    checkInputs(spec, hadoopConf);
    List<ValidationProblem> modelProblems = ModelInputCheck.problems(spec, descriptor, hadoopConf,
        step.getClass().getClassLoader(), false);
    if (!modelProblems.isEmpty()) {
      throw new InvalidSpecException(modelProblems);
    }
    OutputCommitter committer = new OutputCommitter(hadoopConf, spec.runId, spec.outputs);
    committer.checkTargets();
    return new Prepared(step, descriptor, params, committer, new TableOutputs(spec.outputs));
  }

  /**
   * The run's hold on the SparkContext while the step runs: its job tag, the row counter and late-job canceller
   * listeners, and task interruption on cancel; all released when the run ends.
   */
  private static final class RunJobs implements AutoCloseable {
    private final SparkContext sc;
    private final String runTag;
    private final OutputRowCounter rows;
    private final LateJobCanceller lateJobs;

    private RunJobs(SparkContext sc, String runTag, OutputRowCounter rows, LateJobCanceller lateJobs) {
      this.sc = sc;
      this.runTag = runTag;
      this.rows = rows;
      this.lateJobs = lateJobs;
    }

    static RunJobs watch(SparkContext sc, String runId, CancelToken cancel) {
      OutputRowCounter rows = new OutputRowCounter(runId);
      sc.addSparkListener(rows);
      String runTag = runTag(runId);
      sc.addJobTag(runTag);
      LateJobCanceller lateJobs = new LateJobCanceller(sc, runTag, cancel);
      sc.addSparkListener(lateJobs);
      // A cancel interrupts the run's tasks: otherwise they run to their end after their job is cancelled, and the
      // SparkContext's stop waits for them (a SIGTERM'd entrypoint stops Spark itself, it does not die mid-way).
      sc.setInterruptOnCancel(true);
      return new RunJobs(sc, runTag, rows, lateJobs);
    }

    OutputRowCounter rows() {
      return rows;
    }

    @Override
    public void close() {
      sc.setInterruptOnCancel(false);
      sc.removeJobTag(runTag);
      sc.removeSparkListener(rows);
      sc.removeSparkListener(lateJobs);
    }
  }

  /** Step retries: the spec's {@code retry.maxAttempts} attempts of the step, each after a growing backoff. */
  private RunState runAttempts(SparkSession spark, StepSpec spec, Prepared prepared, CurrentRecord record,
                               CancelToken cancel, OutputRowCounter rows, Consumer<RunRecord> onChange) {
    int maxStepAttempts = spec.retry == null ? 1 : Math.max(1, spec.retry.maxAttempts);
    long backoff = spec.retry == null ? 0 : spec.retry.backoffMillis;
    for (int attemptNumber = 1; ; attemptNumber++) {
      startAttempt(record, attemptNumber, onChange);
      try {
        LOG.info("run {}: step {} attempt {} of {} starting", spec.runId, spec.step, attemptNumber, maxStepAttempts);
        runAndCommit(spark, spec, prepared, record, cancel, rows, onChange);
        endAttempt(record, attemptNumber, RunState.SUCCEEDED, null);
        finish(record, RunState.SUCCEEDED, null, onChange);
        LOG.info("run {}: step {} succeeded, outputs committed", spec.runId, spec.step);
        return RunState.SUCCEEDED;
      } catch (Exception | LinkageError e) {
        // LinkageError too: a class missing from the user's jars is the step's failure, said with its cause.
        prepared.committer().abort();
        prepared.tables().abort();
        if (cancel.isRequested() || e instanceof StepCancelledException) {
          endAttempt(record, attemptNumber, RunState.CANCELLED, "cancelled");
          finish(record, RunState.CANCELLED, null, onChange);
          LOG.warn("run {}: cancelled, nothing committed", spec.runId);
          return RunState.CANCELLED;
        }
        endAttempt(record, attemptNumber, RunState.FAILED, String.valueOf(e));
        if (isRetryable(e) && attemptNumber < maxStepAttempts) {
          LOG.warn("run {}: attempt {} failed with a retryable error, retrying in {} ms: {}", spec.runId,
              attemptNumber, backoff * attemptNumber, e.toString());
          onChange.accept(record.get());
          sleep(backoff * attemptNumber);
          continue;
        }
        LOG.error("run {}: step {} failed: {}", spec.runId, spec.step, e.toString(), e);
        finish(record, RunState.FAILED, e, onChange);
        return RunState.FAILED;
      } catch (Error fatal) {
        prepared.committer().abort();
        prepared.tables().abort();
        endAttempt(record, attemptNumber, RunState.FAILED, String.valueOf(fatal));
        finish(record, RunState.FAILED, fatal, onChange);
        throw fatal;
      }
    }
  }

  private static void startAttempt(CurrentRecord record, int attemptNumber, Consumer<RunRecord> onChange) {
    // the record's metrics are those of the last attempt
    onChange.accept(record.update(r -> r.attemptStarted(attemptNumber).metricsCleared()));
  }

  /** One attempt: the step runs, every output must be staged, then the outputs are committed and recorded. */
  private static void runAndCommit(SparkSession spark, StepSpec spec, Prepared prepared, CurrentRecord record,
                                   CancelToken cancel, OutputRowCounter rows, Consumer<RunRecord> onChange)
      throws Exception {
    OutputCommitter committer = prepared.committer();
    DefaultStepContext context = new DefaultStepContext(spark, spec, prepared.params(), committer, prepared.tables(),
        cancel, prepared.descriptor(), (name, value) -> {
          onChange.accept(record.update(r -> r.metric(name, value)));
        }, (name, input) -> {
          // what the driver read wins over a snapshot taken before launch
          onChange.accept(record.update(r -> r.inputRead(name, input)));
        });
    prepared.step().run(context);
    checkAllOutputsWritten(spec, committer, prepared.tables());
    if (cancel.isRequested()) {
      throw new StepCancelledException();
    }
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    Map<String, RunRecord.ModelInfo> models = stagedModels(hadoopConf, spec, prepared.descriptor(), committer);
    // tables first: their writes are the work that can still fail; the file outputs' renames follow
    Map<String, DataSnapshot> tableSnapshots = prepared.tables().commit(spark, spec.runId);
    waitForListeners(spark.sparkContext());
    committer.commit();
    recordOutputs(spark, spec, prepared.descriptor(), record, rows, committer, tableSnapshots);
    record.update(RunDatasets::commitsStamped);
    models.forEach((name, model) -> record.update(r -> r.modelCommitted(name, model)));
    publishCacheEntry(spec, record, hadoopConf);
  }

  /**
   * A cache miss's entry goes into the artifact store's index once the outputs committed. The run succeeded either
   * way: an entry that cannot be written costs a later run a miss, not this run its result.
   */
  private static void publishCacheEntry(StepSpec spec, CurrentRecord record, Configuration hadoopConf) {
    if (spec.cacheTarget == null) {
      return;
    }
    try {
      CacheIndex.Publication publication = CachePublisher.publish(spec, record.get(), hadoopConf);
      record.update(r -> CachePublisher.recorded(r, publication));
      if (publication.won()) {
        LOG.info("run {}: cache entry {} published", spec.runId, spec.cacheTarget.key);
      } else {
        LOG.info("run {}: an identical run ({}) published cache entry {} first; this run keeps its own outputs",
            spec.runId, publication.entry().runId, spec.cacheTarget.key);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("run {}: the cache entry could not be published: {}", spec.runId, e.toString());
    }
  }

  /** The tags a starting Spark job carries (Spark's {@code spark.job.tags} property); none when it has none. */
  static java.util.List<String> jobTags(org.apache.spark.scheduler.SparkListenerJobStart jobStart) {
    String tags = jobStart.properties() == null ? null : jobStart.properties().getProperty("spark.job.tags");
    return tags == null || tags.isEmpty() ? java.util.List.of() : java.util.List.of(tags.split(","));
  }

  /** Job tag every Spark job of the run carries; cancelling it stops the run's jobs. */
  public static String runTag(String runId) {
    return "sparkstep-run-" + runId;
  }

  private static void checkInputs(StepSpec spec, Configuration hadoopConf) throws IOException {
    List<ValidationProblem> problems = new ArrayList<>();
    for (Map.Entry<String, ArtifactSpec> input : spec.inputs.entrySet()) {
      Path path = new Path(input.getValue().uri);
      if (!path.getFileSystem(hadoopConf).exists(path)) {
        problems.add(ValidationProblem.of("inputs." + input.getKey() + ".uri", "input path does not exist: " + path,
            "run the step that produces it first, or fix the path"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
  }

  private static void checkAllOutputsWritten(StepSpec spec, OutputCommitter committer, TableOutputs tables) {
    for (String name : spec.outputs.keySet()) {
      if (!committer.isStaged(name) && !tables.isHeld(name)) {
        throw new IllegalStateException("the step finished without writing its output '" + name
            + "'; call context.output(\"" + name + "\", dataset)");
      }
    }
  }

  /**
   * Each output as committed: its URI, or for a pointer commit the run's own location under it and the commit's id
   * (a {@code sparkstep-commit} snapshot: this run's id); a table's version or snapshot as its own transaction wrote it.
   */
  private static void recordOutputs(SparkSession spark, StepSpec spec, StepDescriptor descriptor, CurrentRecord record,
                                    OutputRowCounter counter, OutputCommitter committer,
                                    Map<String, DataSnapshot> tableSnapshots) {
    for (Map.Entry<String, ArtifactSpec> output : spec.outputs.entrySet()) {
      if (descriptor.modelOutputs().contains(output.getKey())) {
        continue;
      }
      // the URI as the spec gave it, unless a pointer commit put the data at the run's own location under it
      String location = committer.pointerCommitted(output.getKey())
          ? committer.committedPath(output.getKey()).toString() : output.getValue().uri;
      Long rows = counter.rows(output.getKey());
      if (rows == null) {
        // No write task was attributed (e.g. a plugin's own writer): count what was committed instead.
        ArtifactSpec artifact = output.getValue();
        rows = spark.read().format(artifact.formatOrDefault().sparkName()).options(artifact.options)
            .load(location).count();
      }
      DataSnapshot snapshot = tableSnapshots.containsKey(output.getKey()) ? tableSnapshots.get(output.getKey())
          : committer.pointerCommitted(output.getKey()) ? new DataSnapshot(DataSnapshot.SPARKSTEP_COMMIT, spec.runId)
          : null;
      RunRecord.OutputInfo info = new RunRecord.OutputInfo(location, output.getValue().formatOrDefault().sparkName(),
          rows, true, snapshot);
      record.update(r -> r.outputCommitted(output.getKey(), info));
    }
  }

  /** What the record will say of each model output, read from staging so a bad model fails before the commit. */
  private static Map<String, RunRecord.ModelInfo> stagedModels(Configuration hadoopConf, StepSpec spec,
                                                               StepDescriptor descriptor, OutputCommitter committer)
      throws IOException {
    Map<String, RunRecord.ModelInfo> models = new java.util.LinkedHashMap<>();
    for (String name : descriptor.modelOutputs()) {
      Path staged = committer.stagingPath(name);
      ModelArtifacts.Metadata metadata = ModelArtifacts.metadata(hadoopConf, staged);
      models.put(name, new RunRecord.ModelInfo(spec.outputs.get(name).uri, metadata.modelClass(),
          metadata.sparkVersion(), ModelArtifacts.size(hadoopConf, staged), true));
    }
    return models;
  }

  private static void waitForListeners(SparkContext sc) {
    try {
      sc.listenerBus().waitUntilEmpty(30_000L);
    } catch (Exception e) {
      LOG.debug("listener bus did not drain: {}", e.toString());
    }
  }

  private static void finish(CurrentRecord record, RunState state, Throwable error, Consumer<RunRecord> onChange) {
    RunRecord.ErrorInfo info = error == null ? null : RunRecord.ErrorInfo.of(error);
    onChange.accept(record.update(r -> (info == null ? r : r.failed(info)).moved(state)));
  }

  private static void endAttempt(CurrentRecord record, int number, RunState state, String error) {
    record.update(r -> r.attemptEnded(number, state, error));
  }

  private static boolean isRetryable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof RetryableStepException) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepCancelledException();
    }
  }
}
