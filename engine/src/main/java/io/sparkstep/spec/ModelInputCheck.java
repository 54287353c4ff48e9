package io.sparkstep.spec;

import io.sparkstep.api.StepDescriptor;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Refuses a model input that is not a saved Spark ML model, or not of the class its step declared, with one problem
 * naming the field. Run by the validator on the submitting side for {@code file:} inputs (nothing is launched for a
 * wrong model) and by the runner where the step runs, for every file system.
 */
public final class ModelInputCheck {
  private ModelInputCheck() {
  }

  public static List<ValidationProblem> problems(StepSpec spec, StepDescriptor descriptor, Configuration hadoopConf,
                                                 ClassLoader loader, boolean localFilesOnly) {
    List<ValidationProblem> problems = new ArrayList<>();
    for (Map.Entry<String, String> input : descriptor.modelInputs().entrySet()) {
      ArtifactSpec artifact = spec.inputs.get(input.getKey());
      if (artifact == null || artifact.uri == null || (localFilesOnly && !isLocalFile(artifact.uri))) {
        continue; // a missing input is the validator's; a remote one is checked where the step runs
      }
      String problem;
      try {
        Path dir = new Path(artifact.uri);
        if (!dir.getFileSystem(hadoopConf).exists(dir)) {
          continue; // reported as a missing input
        }
        ModelArtifacts.Metadata metadata = ModelArtifacts.metadata(hadoopConf, dir);
        problem = ModelArtifacts.classProblem(metadata.modelClass(), input.getValue(), loader);
      } catch (IOException | IllegalArgumentException e) {
        problem = e.getMessage();
      }
      if (problem != null) {
        problems.add(ValidationProblem.of("inputs." + input.getKey() + ".uri", "model input " + artifact.uri
            + " cannot be used: " + problem, "give a model saved by a step whose model output is a " + input.getValue()));
      }
    }
    return problems;
  }

  private static boolean isLocalFile(String uri) {
    try {
      String scheme = new URI(uri).getScheme();
      return scheme == null || scheme.equals("file");
    } catch (Exception e) {
      return false;
    }
  }
}
