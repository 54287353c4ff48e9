package io.sparkstep.spi.accel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the plan explanation RAPIDS logs in explain mode ({@code spark.rapids.sql.explain=ALL}), one line per
 * operator or expression:
 *
 * <pre>
 *   *Exec &lt;ProjectExec&gt; will run on GPU
 *     *Expression &lt;Alias&gt; (fare#3 * 2.0) AS x#9 will run on GPU
 *   !Exec &lt;SortExec&gt; cannot run on GPU because ...
 *   !NOT_FOUND &lt;WindowGroupLimitExec&gt; cannot run on GPU because no GPU enabled version of operator ...
 * </pre>
 *
 * {@code *} runs on the GPU; {@code !} cannot, with the reason; {@code @} could, but stays on the CPU because of its
 * surroundings; {@code #} is replaced or removed. Indentation is nesting.
 */
final class RapidsExplainParser {
  private static final Pattern LINE = Pattern.compile("^(\\s*)([*!@#$])([A-Za-z_]+) <([^>]+)>\\s?(.*)$");
  private static final Set<String> OPERATOR_KINDS = Set.of("Exec", "Output", "Input", "Scan", "Command");

  private RapidsExplainParser() {
  }

  /** The operators and expressions in {@code text}; lines that are not explain lines are skipped. */
  public static List<PlanItem> parse(String text) {
    List<PlanItem> items = new ArrayList<>();
    for (String line : text.split("\\R")) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String mark = m.group(2);
      String kind = m.group(3);
      String name = m.group(4);
      String verdict = m.group(5).strip();
      boolean operator = OPERATOR_KINDS.contains(kind)
          || (kind.equals("NOT_FOUND") && !verdict.contains("expression class"));
      boolean accelerated = mark.equals("*");
      items.add(new PlanItem(operator ? PlanItem.OPERATOR : PlanItem.EXPRESSION, name, m.group(1).length() / 2,
          accelerated, accelerated ? null : verdict));
    }
    return items;
  }
}
