package io.sparkstep.flavor.local;

import io.sparkstep.accel.AcceleratorPlan;
import io.sparkstep.accel.Accelerators;
import io.sparkstep.api.RunState;
import io.sparkstep.runtime.CancelToken;
import io.sparkstep.runtime.RunLogCapture;
import io.sparkstep.runtime.SparkSessionFactory;
import io.sparkstep.runtime.StepRunner;
import io.sparkstep.spec.StepSpec;
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
    ProcessIdentity.record(context.record(), ProcessHandle.current());
    context.save();
    Thread thread = new Thread(() -> run.execute(spec, config), "sparkstep-run-" + spec.runId);
    thread.setDaemon(false);
    thread.start();
    return run;
  }

  private void execute(StepSpec spec, OperatorConfig config) {
    try (RunLogCapture ignored = RunLogCapture.start(spec.runId, context.logFile())) {
      AcceleratorPlan accelerator = Accelerators.plan(spec);
      Map<String, String> conf = new java.util.LinkedHashMap<>(config.withPrefix("conf."));
      conf.putAll(SparkSessionFactory.runConf(spec, accelerator));
      session = EmbeddedSpark.session(SparkSessionFactory.defaultLocalMaster(spec), conf);
      if (cancel.isRequested()) {
        moveTo(RunState.CANCELLED);
        return;
      }
      new StepRunner().run(session, spec, context.record(), cancel, r -> {
        if (r.state == RunState.RUNNING) {
          moveTo(RunState.RUNNING);
        } else if (!r.state.isFinal()) {
          saveRecord();
        }
      });
      moveTo(context.record().state);
    } catch (RuntimeException | Error e) {
      synchronized (context.record()) {
        if (context.record().error == null) {
          context.record().fail(e);
        }
      }
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
