package io.sparkstep.runtime;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Points every input of a spec that was committed with a pointer ({@link PointerCommit}) at its committed run's
 * location, once, before the step starts: so the step, its model inputs and the input checks all read exactly what
 * one commit made, even while another run commits a newer version.
 */
final class CommittedInputs {
  private CommittedInputs() {
  }

  /** The spec itself when no input is pointer-committed, else a copy with those inputs' URIs resolved. */
  static StepSpec resolve(StepSpec spec, Configuration hadoopConf) throws IOException {
    StepSpec resolved = null;
    List<ValidationProblem> problems = new ArrayList<>();
    for (Map.Entry<String, ArtifactSpec> input : spec.inputs.entrySet()) {
      if (input.getValue().uri == null) {
        continue;
      }
      CommittedLocation.Resolved location = CommittedLocation.resolve(hadoopConf, input.getValue().uri);
      if (location.location() == null) {
        problems.add(ValidationProblem.of("inputs." + input.getKey() + ".uri", "no run has committed "
            + input.getValue().uri + " yet (a run writing it did not finish)", "run the step that produces it first"));
      } else if (location.pointerCommitted()) {
        resolved = resolved == null ? spec.copy() : resolved;
        resolved.inputs.get(input.getKey()).uri = location.location();
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    return resolved == null ? spec : resolved;
  }
}
