package io.sparkstep.lineage;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The human form of a {@link LineageGraph}: per run, what it read (and from which run) and what it wrote. */
public final class LineageText {
  private LineageText() {
  }

  public static String render(LineageGraph graph) {
    Map<String, LineageGraph.Dataset> datasets = graph.datasets().stream()
        .collect(Collectors.toMap(LineageGraph.Dataset::id, Function.identity(), (a, b) -> a));
    Map<String, String> stepOfRun = graph.runs().stream().filter(r -> r.pipelineStep() != null)
        .collect(Collectors.toMap(LineageGraph.RunNode::runId, LineageGraph.RunNode::pipelineStep, (a, b) -> a));
    StringBuilder text = new StringBuilder();
    if (graph.pipelineRun() != null) {
      text.append("pipeline run ").append(graph.pipelineRun()).append(": ").append(graph.runs().size())
          .append(" step run(s), ").append(graph.datasets().size()).append(" dataset(s)\n");
    }
    for (LineageGraph.RunNode run : graph.runs()) {
      text.append(graph.pipelineRun() == null ? "run " : "\nstep " + run.pipelineStep() + ": run ")
          .append(run.runId()).append("  ").append(run.step()).append("  ").append(run.state());
      if (run.cachedFrom() != null) {
        text.append("  (cached from ").append(run.cachedFrom()).append(')');
      }
      text.append('\n');
      text.append("  inputs:").append(run.inputs().isEmpty() ? " none\n" : "\n");
      for (LineageGraph.Use input : run.inputs()) {
        LineageGraph.Dataset dataset = datasets.get(input.dataset());
        text.append("    ").append(input.name()).append("  ").append(describe(dataset)).append("  <- ");
        if (dataset.producedBy() == null) {
          text.append("no recorded run");
        } else {
          String step = stepOfRun.get(dataset.producedBy());
          text.append("run ").append(dataset.producedBy()).append(step == null ? "" : " (step " + step + ")");
        }
        text.append('\n');
      }
      text.append("  outputs:").append(run.outputs().isEmpty() ? " none\n" : "\n");
      for (LineageGraph.Use output : run.outputs()) {
        text.append("    ").append(output.name()).append("  ").append(describe(datasets.get(output.dataset())));
        if (output.rows() != null) {
          text.append("  ").append(output.rows()).append(" rows");
        }
        text.append('\n');
      }
    }
    return text.toString();
  }

  private static String describe(LineageGraph.Dataset dataset) {
    return dataset.uri() + (dataset.format() == null ? "" : " (" + dataset.format() + ")")
        + (dataset.snapshot() == null ? "" : "  " + dataset.snapshot());
  }
}
