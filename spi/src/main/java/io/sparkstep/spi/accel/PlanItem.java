package io.sparkstep.spi.accel;

/**
 * One operator or expression of a query plan and whether the accelerator runs it.
 *
 * @param kind {@code operator} or {@code expression}
 * @param name Spark's name for it, e.g. {@code HashAggregate}, {@code CometProject}, {@code Alias}
 * @param depth nesting in the plan (for printing a tree)
 * @param reason why it is not accelerated (null when it is); for RAPIDS the planner's full verdict
 */
record PlanItem(String kind, String name, int depth, boolean accelerated, String reason) {
  public static final String OPERATOR = "operator";
  public static final String EXPRESSION = "expression";

  public boolean isOperator() {
    return OPERATOR.equals(kind);
  }
}
