package io.sparkstep.spi.accel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.catalyst.trees.TreeNodeTag;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.command.DataWritingCommandExec;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Reads an executed physical plan and lists its operators with whether an accelerator runs them: Comet operators
 * ({@code Comet*}) and RAPIDS operators ({@code Gpu*}) count as accelerated. For the others, Comet's recorded
 * fallback reasons (plan tags {@code CometFallbackReasons}/{@code CometExtensionInfo}) say why not.
 *
 * <p>Not counted: adaptive-execution, code-generation and write-command wrappers (their contents are: the write is
 * WriteFiles), reused exchanges (counted
 * where they were first built) and row/columnar transitions (format conversions, not work of the query).
 */
final class PlanCoverage {
  private static final List<TreeNodeTag<Object>> COMET_REASON_TAGS = List.of(
      new TreeNodeTag<>("CometFallbackReasons"), new TreeNodeTag<>("CometExtensionInfo"));

  private PlanCoverage() {
  }

  /** The operators of {@code plan}, outermost first. */
  public static List<PlanItem> operators(SparkPlan plan) {
    List<PlanItem> items = new ArrayList<>();
    walk(plan, 0, items);
    return items;
  }

  private static void walk(SparkPlan plan, int depth, List<PlanItem> items) {
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      walk(adaptive.executedPlan(), depth, items);
      return;
    }
    if (plan instanceof QueryStageExec stage) {
      walk(stage.plan(), depth, items);
      return;
    }
    if (plan instanceof ReusedExchangeExec) {
      return;
    }
    String name = plan.nodeName();
    boolean wrapper = plan instanceof WholeStageCodegenExec || plan instanceof InputAdapter
        || plan instanceof AQEShuffleReadExec || plan instanceof DataWritingCommandExec || isTransition(name)
        || name.equals("CommandResult");
    int childDepth = depth;
    if (!wrapper) {
      boolean accelerated = isAccelerated(plan);
      items.add(new PlanItem(PlanItem.OPERATOR, name, depth, accelerated, accelerated ? null : reasons(plan)));
      childDepth = depth + 1;
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      walk(child, childDepth, items);
    }
  }

  static boolean isAccelerated(SparkPlan plan) {
    String simple = plan.getClass().getSimpleName();
    return simple.startsWith("Comet") || simple.startsWith("Gpu");
  }

  static boolean isTransition(String name) {
    return name.contains("ColumnarToRow") || name.contains("RowToColumnar") || name.contains("SparkToColumnar");
  }

  private static String reasons(SparkPlan plan) {
    Set<String> reasons = new LinkedHashSet<>();
    for (TreeNodeTag<Object> tag : COMET_REASON_TAGS) {
      Option<Object> value = plan.getTagValue(tag);
      if (value.isDefined() && value.get() instanceof scala.collection.Iterable<?> iterable) {
        CollectionConverters.asJava(iterable).forEach(reason -> reasons.add(String.valueOf(reason)));
      }
    }
    return reasons.isEmpty() ? "no accelerated implementation was chosen (no reason recorded)"
        : String.join("; ", reasons);
  }
}
