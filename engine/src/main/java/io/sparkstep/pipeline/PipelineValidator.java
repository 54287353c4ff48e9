package io.sparkstep.pipeline;

import io.sparkstep.api.StepDescriptor;
import io.sparkstep.submit.StepSubmitter;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spec.SpecValidator;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.nio.file.Path;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a whole pipeline before any of its steps runs, every problem at once with its path
 * ({@code steps[2].inputs.model}): names and ids, where each input comes from (a step and an output that exist, a
 * model fed to a model input and a dataset to a dataset input), cycles, operators, two steps writing one URI, and
 * each step's spec as {@code run} checks it, through the same {@link StepSubmitter#check}.
 */
final class PipelineValidator {
  private final StepSubmitter submitter;
  private final Path home;

  public PipelineValidator(StepSubmitter submitter, Path home) {
    this.submitter = submitter;
    this.home = home;
  }

  public void validateOrThrow(Pipeline pipeline) {
    List<ValidationProblem> problems = problems(pipeline);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
  }

  public List<ValidationProblem> problems(Pipeline pipeline) {
    List<ValidationProblem> problems = new ArrayList<>();
    if (pipeline.name == null || !RunStore.RUN_ID.matcher(pipeline.name).matches()) {
      problems.add(ValidationProblem.of("pipeline", pipeline.name == null ? "is missing"
          : "'" + pipeline.name + "' is not a usable name", "letters, digits, '.', '_' and '-', such as: fares"));
    }
    if (pipeline.steps.isEmpty()) {
      problems.add(ValidationProblem.of("steps", "is empty", "list the pipeline's steps, each with an id and a step"));
    }
    if (pipeline.artifactStore != null) {
      try {
        String scheme = new URI(pipeline.artifactStore).getScheme();
        if (scheme != null && !SpecValidator.SCHEMES.contains(scheme)) {
          problems.add(ValidationProblem.of("artifactStore", "unsupported scheme '" + scheme + "'",
              "use a Hadoop file system URI: file, hdfs, s3a, gs, abfss"));
        }
      } catch (java.net.URISyntaxException e) {
        problems.add(ValidationProblem.of("artifactStore", "is not a valid URI: " + e.getReason(),
            "such as file:///data/sparkstep or s3a://bucket/sparkstep"));
      }
    }
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < pipeline.steps.size(); i++) {
      PipelineStep step = pipeline.steps.get(i);
      if (step == null) {
        problems.add(ValidationProblem.of(at(i), "is empty", "give the step an id and a step"));
      } else if (step.id == null || !RunStore.RUN_ID.matcher(step.id).matches() || step.id.contains(".")) {
        problems.add(ValidationProblem.of(at(i) + ".id", step.id == null ? "is missing"
            : "'" + step.id + "' is not a usable step id", "letters, digits, '_' and '-' (no '.'), such as: features"));
      } else if (index.putIfAbsent(step.id, i) != null) {
        problems.add(ValidationProblem.of(at(i) + ".id", "'" + step.id + "' is also the id of " + at(index.get(step.id)),
            "give each step its own id"));
      }
    }
    Map<String, StepDescriptor> descriptors = new HashMap<>();
    for (int i = 0; i < pipeline.steps.size(); i++) {
      PipelineStep step = pipeline.steps.get(i);
      if (step != null && step.id != null && step.step != null) {
        try {
          descriptors.put(step.id, StepSpecs.describe(step, home));
        } catch (RuntimeException | LinkageError e) {
          // The step's spec check below says what is wrong with it.
        }
      }
    }
    for (int i = 0; i < pipeline.steps.size(); i++) {
      PipelineStep step = pipeline.steps.get(i);
      if (step != null) {
        checkSources(pipeline, i, step, index, descriptors, problems);
      }
    }
    checkCycles(pipeline, index, problems);
    checkSharedOutputs(pipeline, problems);
    String store = StepSpecs.store(pipeline, home);
    for (int i = 0; i < pipeline.steps.size(); i++) {
      PipelineStep step = pipeline.steps.get(i);
      if (step != null) {
        checkSpec(pipeline, i, step, descriptors.get(step.id), store, problems);
      }
    }
    return problems;
  }

  private static String at(int i) {
    return "steps[" + i + "]";
  }

  private static void checkSources(Pipeline pipeline, int i, PipelineStep step, Map<String, Integer> index,
                                   Map<String, StepDescriptor> descriptors, List<ValidationProblem> problems) {
    StepDescriptor own = step.id == null ? null : descriptors.get(step.id);
    step.inputs.forEach((name, input) -> {
      String field = at(i) + ".inputs." + name;
      if (input == null || input.from == null && input.uri == null) {
        problems.add(ValidationProblem.of(field, "names neither a URI nor a step output",
            "write a URI, or {from: STEP_ID.OUTPUT}"));
        return;
      }
      if (input.from == null) {
        return;
      }
      if (input.uri != null) {
        problems.add(ValidationProblem.of(field, "has both a uri and a from", "keep one of them"));
      }
      String fromStep = input.fromStep();
      String fromOutput = input.fromOutput();
      if (fromStep == null || fromOutput == null) {
        problems.add(ValidationProblem.of(field + ".from", "'" + input.from + "' is not STEP_ID.OUTPUT",
            "such as: trips.trips"));
        return;
      }
      if (!index.containsKey(fromStep)) {
        problems.add(ValidationProblem.of(field + ".from", "no step has the id '" + fromStep + "'",
            "step ids: " + index.keySet()));
        return;
      }
      StepDescriptor upstream = descriptors.get(fromStep);
      if (upstream == null) {
        return;
      }
      if (!upstream.outputs().containsKey(fromOutput)) {
        problems.add(ValidationProblem.of(field + ".from", "step '" + fromStep + "' has no output '" + fromOutput + "'",
            "its outputs: " + upstream.outputs().keySet()));
        return;
      }
      if (own == null || !own.inputs().containsKey(name)) {
        return;
      }
      boolean modelOut = upstream.modelOutputs().contains(fromOutput);
      boolean modelIn = own.modelInputs().containsKey(name);
      if (modelOut && !modelIn) {
        problems.add(ValidationProblem.of(field + ".from", input.from + " is a model and input '" + name
            + "' reads a dataset", "feed it a dataset output"));
      } else if (!modelOut && modelIn) {
        problems.add(ValidationProblem.of(field + ".from", input.from + " is a dataset and input '" + name
            + "' reads a model", "feed it a model output"));
      }
    });
    step.outputs.forEach((name, output) -> {
      if (output != null && output.from != null) {
        problems.add(ValidationProblem.of(at(i) + ".outputs." + name + ".from", "applies to inputs only",
            "give the output a uri, or leave it out to write it to the artifact store"));
      }
    });
  }

  /** One problem per cycle, at the step where the walk closed it, with the cycle's path. */
  private static void checkCycles(Pipeline pipeline, Map<String, Integer> index, List<ValidationProblem> problems) {
    Map<String, Integer> mark = new HashMap<>();
    for (String id : index.keySet()) {
      visit(pipeline, id, index, mark, new ArrayList<>(), problems);
    }
  }

  private static void visit(Pipeline pipeline, String id, Map<String, Integer> index, Map<String, Integer> mark,
                            List<String> path, List<ValidationProblem> problems) {
    Integer state = mark.get(id);
    if (state != null && state == 2) {
      return;
    }
    if (state != null && state == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
      cycle.add(id);
      problems.add(ValidationProblem.of(at(index.get(path.get(path.size() - 1))) + ".inputs",
          "steps form a cycle: " + String.join(" <- ", cycle), "a step may read only outputs of steps before it"));
      return;
    }
    mark.put(id, 1);
    path.add(id);
    PipelineStep step = pipeline.steps.get(index.get(id));
    for (String up : step.upstream()) {
      if (index.containsKey(up)) {
        visit(pipeline, up, index, mark, path, problems);
      }
    }
    path.remove(path.size() - 1);
    mark.put(id, 2);
  }

  private static void checkSharedOutputs(Pipeline pipeline, List<ValidationProblem> problems) {
    Map<String, String> writers = new HashMap<>();
    for (int i = 0; i < pipeline.steps.size(); i++) {
      PipelineStep step = pipeline.steps.get(i);
      if (step == null) {
        continue;
      }
      for (Map.Entry<String, PipelineArtifact> output : step.outputs.entrySet()) {
        if (output.getValue() == null || output.getValue().uri == null) {
          continue;
        }
        String uri = output.getValue().uri.replaceAll("/+$", "");
        String field = at(i) + ".outputs." + output.getKey();
        String other = writers.putIfAbsent(uri, field);
        if (other != null) {
          problems.add(ValidationProblem.of(field, "writes " + uri + ", as " + other + " does",
              "give each output its own URI, or leave it out to write it to the artifact store"));
        }
      }
    }
  }

  /**
   * The step's spec as {@code run} checks it. Its inputs from other steps point into the artifact store where
   * nothing is yet, so what the check says about their URIs is not the user's to fix and is passed over.
   */
  private void checkSpec(Pipeline pipeline, int i, PipelineStep step, StepDescriptor descriptor, String store,
                         List<ValidationProblem> problems) {
    Map<String, Map<String, String>> planned = new HashMap<>();
    Set<String> fromInputs = new HashSet<>();
    step.inputs.forEach((name, input) -> {
      if (input != null && input.from != null && input.fromOutput() != null) {
        fromInputs.add(name);
        planned.computeIfAbsent(input.fromStep(), s -> new HashMap<>()).put(input.fromOutput(),
            StepSpecs.artifactUri(store, pipeline.name, input.fromStep(), "planned", input.fromOutput()));
      }
    });
    StepSpec spec = StepSpecs.of(pipeline, step, descriptor, store, null, StepSubmitter.newRunId(), planned);
    List<ValidationProblem> found;
    try {
      found = submitter.check(pipeline.operatorOf(step), spec);
    } catch (InvalidSpecException e) {
      // An operator that is not registered (or whose flavor is missing): the step's operator is the problem.
      for (ValidationProblem p : e.problems()) {
        String field = "operator".equals(p.field()) ? (step.operator != null ? at(i) + ".operator" : "operator")
            : at(i) + "." + p.field();
        if (problems.stream().noneMatch(q -> q.field().equals(field) && q.message().equals(p.message()))) {
          problems.add(ValidationProblem.of(field, p.message(), p.hint()));
        }
      }
      return;
    }
    for (ValidationProblem p : found) {
      String field = p.field();
      String input = field.startsWith("inputs.") ? field.substring("inputs.".length()).split("\\.")[0] : null;
      if (input != null && fromInputs.contains(input) && !p.message().startsWith("the step declares no such")) {
        continue;
      }
      if (field.equals("runId")) {
        continue;
      }
      if (field.startsWith("sparkConf")) {
        field = "conf" + field.substring("sparkConf".length());
      }
      problems.add(ValidationProblem.of(at(i) + "." + field, p.message(), p.hint()));
    }
  }
}
