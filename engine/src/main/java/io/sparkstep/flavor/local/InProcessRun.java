package io.sparkstep.flavor.local;

import io.sparkstep.runtime.S3ADefaults;
import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.util.UserJars;
import io.sparkstep.runtime.CancelToken;
import io.sparkstep.runtime.RunLogCapture;
import io.sparkstep.runtime.SparkSessionFactory;
import io.sparkstep.runtime.StepRunner;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.AbstractStepRun;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.RunContext;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** A run on Spark embedded in this JVM, on a thread of its own. */
final class InProcessRun extends AbstractStepRun {
  private final CancelToken cancel = new CancelToken();
  private volatile SparkSession session;
  private final String runTag;

  private InProcessRun(RunContext context, String runId) {
    super(context);
    this.runTag = StepRunner.runTag(runId);
  }

  static InProcessRun start(StepSpec spec, RunContext context, OperatorConfig config) {
    InProcessRun run = new InProcessRun(context, spec.runId);
    // Another CLI process cancels this run by signalling this JVM (the CLI's shutdown hook cancels its run).
    context.updateAndSave(record -> ProcessIdentity.recorded(record, ProcessHandle.current()));
    Thread thread = new Thread(() -> run.execute(spec, config), "sparkstep-run-" + spec.runId);
    // The step's classes come from the user's jars (see UserJars), on the driver side through this thread's loader.
    thread.setContextClassLoader(UserJars.loader(spec.jars));
    thread.setDaemon(false);
    thread.start();
    return run;
  }

  private void execute(StepSpec spec, OperatorConfig config) {
    try (RunLogCapture ignored = RunLogCapture.start(spec.runId, context.logFile())) {
      AcceleratorPlan accelerator = Accelerators.plan(spec);
      // Sparkstep's store defaults first: the operator's conf and then the spec's override them.
      Map<String, String> conf = new java.util.LinkedHashMap<>(
          S3ADefaults.forRun(spec, InProcessRun.class.getClassLoader()));
      conf.putAll(config.withPrefix("conf."));
      conf.putAll(SparkSessionFactory.runConf(spec, accelerator));
      // A local-mode executor never loads spark.jars: its tasks see the loader that was the context loader when the
      // SparkContext started. So the jars are core conf of the embedded context: another set of jars starts a new
      // context, on this thread, whose loader is the user jars' (see EmbeddedSpark).
      String jars = String.join(",", spec.jars.stream().filter(UserJars::isLocal)
          .map(jar -> UserJars.localPath(jar).toString()).toList());
      if (!jars.isEmpty()) {
        conf.merge("spark.jars", jars, (given, user) -> given + "," + user);
      }
      session = EmbeddedSpark.session(SparkSessionFactory.defaultLocalMaster(spec), conf);
      if (cancel.isRequested()) {
        moveTo(RunState.CANCELLED);
        return;
      }
      new StepRunner().run(session, spec, context.current(), cancel, r -> {
        if (r.state == RunState.RUNNING) {
          moveTo(RunState.RUNNING);
        } else if (!r.state.isFinal()) {
          saveRecord();
        }
      });
      moveTo(context.record().state);
    } catch (Exception | Error e) {
      // Exception, not only RuntimeException: Spark's Scala code throws checked ones (AnalysisException) undeclared,
      // and a run whose thread died of one would never end
      RunRecord.ErrorInfo error = RunRecord.ErrorInfo.of(e);
      context.update(r -> r.error == null ? r.failed(error) : r);
      moveTo(cancel.isRequested() ? RunState.CANCELLED : RunState.FAILED);
    }
  }

  @Override
  protected void requestCancel() {
    if (cancel.request()) {
      SparkSession s = session;
      if (s != null) {
        s.sparkContext().cancelJobsWithTag(runTag);
      }
    }
  }
}
