package io.sparkstep.spi.accel;

import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.apache.spark.util.MutableURLClassLoader;

/**
 * The accelerator's side of one step run in the driver (the entrypoint): prepares the JVM before Spark starts,
 * watches the plans the step executes, and reports the coverage for the run record.
 *
 * <p>Before Spark starts: resolves the plan, unless a launcher (spark-submit, Kubernetes) already applied it; then
 * puts the jars on a {@link MutableURLClassLoader} made the thread's context class loader, which is what
 * {@code spark-submit --jars} does and what RAPIDS needs (it adds its Spark-version shims to that loader; on the
 * plain application class path it fails). While the step runs: every executed plan is read by {@link PlanCoverage};
 * with RAPIDS in explain-only mode, its logged explanation is parsed instead, since the plan stays on the CPU.
 */
public final class AcceleratorSession implements AutoCloseable {
  private final Accelerator accelerator;
  private final AcceleratorPlan plan;
  private final boolean explain;
  private final RapidsExplainCapture rapidsExplain;
  private final List<PlanItem> executed = new ArrayList<>();
  private final ClassLoader previousLoader;

  private AcceleratorSession(Accelerator accelerator, AcceleratorPlan plan, boolean explain,
                             RapidsExplainCapture rapidsExplain, ClassLoader previousLoader) {
    this.accelerator = accelerator;
    this.plan = plan;
    this.explain = explain;
    this.rapidsExplain = rapidsExplain;
    this.previousLoader = previousLoader;
  }

  /** Prepares this JVM for the spec's accelerator; throws {@link InvalidSpecException} for what cannot run here. */
  public static AcceleratorSession start(StepSpec spec, boolean explain) {
    Accelerator accelerator = Accelerators.of(spec);
    if (accelerator == Accelerator.NONE) {
      return new AcceleratorSession(accelerator, AcceleratorPlan.none(), false, null, null);
    }
    List<ValidationProblem> problems = new ArrayList<>(Accelerators.check(spec, explain));
    problems.addAll(Accelerators.checkThisMachine(spec));
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    SparkConf launcherConf = new SparkConf();
    AcceleratorPlan plan;
    ClassLoader previous = null;
    if (accelerator.id().equals(launcherConf.get(Accelerators.APPLIED_CONF, null))
        || onSystemClassPath(accelerator.pluginClass())) {
      // Also when the jar is already on the JVM's class path (a local child JVM with Comet, an image's extraClassPath):
      // loading it again in a child loader would split Comet's shuffle classes from Spark's package.
      // The launcher passed the jars (--jars / spark.jars in the image) and the conf: only coverage is ours.
      plan = new AcceleratorPlan(accelerator, List.of(), Accelerators.profileConf(accelerator, explain));
    } else {
      plan = Accelerators.plan(spec, explain);
      previous = Thread.currentThread().getContextClassLoader();
      Thread.currentThread().setContextClassLoader(new MutableURLClassLoader(urls(plan.jars()), previous));
    }
    RapidsExplainCapture capture = accelerator == Accelerator.RAPIDS ? RapidsExplainCapture.install() : null;
    return new AcceleratorSession(accelerator, plan, explain, capture, previous);
  }

  private static boolean onSystemClassPath(String className) {
    try {
      Class.forName(className, false, ClassLoader.getSystemClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  public AcceleratorPlan plan() {
    return plan;
  }

  /** Starts watching the plans {@code spark} executes. */
  public void attach(SparkSession spark) {
    if (accelerator == Accelerator.NONE) {
      return;
    }
    spark.listenerManager().register(new QueryExecutionListener() {
      @Override
      public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
        record(qe);
      }

      @Override
      public void onFailure(String funcName, QueryExecution qe, Exception exception) {
        record(qe);
      }
    });
  }

  private void record(QueryExecution qe) {
    try {
      List<PlanItem> items = PlanCoverage.operators(qe.executedPlan());
      synchronized (executed) {
        executed.addAll(items);
      }
    } catch (RuntimeException e) {
      // A plan we cannot read must not fail the step; the coverage then misses that query.
      System.err.println("sparkstep: cannot read a plan for accelerator coverage: " + e);
    }
  }

  /** Every operator (and, for RAPIDS, expression) seen so far, in plan order. */
  public List<PlanItem> items() {
    if (rapidsExplain != null && explain) {
      return rapidsExplain.items();
    }
    synchronized (executed) {
      return new ArrayList<>(executed);
    }
  }

  /** What the run record says about the accelerator: its name and how much of the plans it covered. */
  public RunRecord.AcceleratorInfo info() {
    if (accelerator == Accelerator.NONE) {
      return RunRecord.AcceleratorInfo.named(accelerator.id());
    }
    List<PlanItem> items = items();
    int operators = 0;
    int operatorsAccelerated = 0;
    int expressions = 0;
    int expressionsAccelerated = 0;
    Set<String> notAccelerated = new LinkedHashSet<>();
    List<RunRecord.AcceleratorInfo.PlanEntry> plan = new ArrayList<>();
    for (PlanItem item : items) {
      if (item.isOperator()) {
        operators++;
        operatorsAccelerated += item.accelerated() ? 1 : 0;
      } else {
        expressions++;
        expressionsAccelerated += item.accelerated() ? 1 : 0;
      }
      if (!item.accelerated() && item.isOperator()) {
        notAccelerated.add(item.name() + ": " + item.reason());
      }
      plan.add(new RunRecord.AcceleratorInfo.PlanEntry(item.kind(), item.name(), item.depth(),
          item.accelerated(), item.reason()));
    }
    return new RunRecord.AcceleratorInfo(accelerator.id(), explain ? "explain" : "run", operatorsAccelerated,
        operators, expressions > 0 ? expressionsAccelerated : null, expressions > 0 ? expressions : null,
        new ArrayList<>(notAccelerated), plan);
  }

  @Override
  public void close() {
    if (rapidsExplain != null) {
      rapidsExplain.close();
    }
    if (previousLoader != null) {
      Thread.currentThread().setContextClassLoader(previousLoader);
    }
  }

  private static URL[] urls(List<String> jars) {
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < jars.size(); i++) {
      try {
        urls[i] = new File(jars.get(i)).toURI().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("bad accelerator jar path " + jars.get(i), e);
      }
    }
    return urls;
  }
}
