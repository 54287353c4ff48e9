package io.sparkstep.spi;

/**
 * How the caller wants one run submitted, apart from what runs (the spec). Passed to {@link StepOperator#validate}
 * and {@link StepOperator#submit} explicitly; nothing of it travels in the spec's labels.
 *
 * @param detached the caller does not follow the run ({@code run --detach}): the run must outlive the submitting
 *     process, so a local run gets a child JVM and spark-submit a plain process instead of a launcher handle
 * @param explain  the run only explains an accelerator's plans ({@code sparkstep explain}): they are planned on the
 *     CPU, so RAPIDS needs no GPU
 */
public record SubmitOptions(boolean detached, boolean explain) {
  /** A followed run that really runs: what the Java API and {@code run} without flags submit. */
  public static final SubmitOptions FOLLOWED = new SubmitOptions(false, false);

  public SubmitOptions withDetached(boolean detached) {
    return new SubmitOptions(detached, explain);
  }

  public SubmitOptions withExplain(boolean explain) {
    return new SubmitOptions(detached, explain);
  }
}
