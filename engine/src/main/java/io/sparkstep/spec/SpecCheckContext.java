package io.sparkstep.spec;

import io.sparkstep.api.StepDescriptor;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the checks of one spec share: the spec, whether local paths are checked, the problems found so far, and what
 * an earlier check learnt for a later one (whether the spec is within its limits, the step's descriptor and class
 * loader once resolved, the typed parameters).
 */
final class SpecCheckContext {
  final StepSpec spec;
  final boolean checkLocalPaths;
  final List<ValidationProblem> problems;
  final Map<String, Object> typed = new LinkedHashMap<>();
  boolean withinLimits = true;
  /** Null until the step resolved and described itself. */
  StepDescriptor descriptor;
  /** The step's class loader, null until the step resolved. */
  ClassLoader stepLoader;

  SpecCheckContext(StepSpec spec, boolean checkLocalPaths, List<ValidationProblem> problems) {
    this.spec = spec;
    this.checkLocalPaths = checkLocalPaths;
    this.problems = problems;
  }

  void add(ValidationProblem problem) {
    problems.add(problem);
  }

  /** Whether the checks against the step's declarations can run: it described itself and the spec is not too big. */
  boolean stepDescribed() {
    return descriptor != null && withinLimits;
  }

  /** Where connectors of the spec's file systems and table formats are looked up: the step's loader, else ours. */
  ClassLoader connectorLoader() {
    return stepLoader != null ? stepLoader : SpecCheckContext.class.getClassLoader();
  }
}
