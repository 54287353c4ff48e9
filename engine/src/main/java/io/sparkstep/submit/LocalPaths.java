package io.sparkstep.submit;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import java.net.URI;
import java.nio.file.Paths;

/**
 * Turns relative and scheme-less paths into absolute {@code file:} URIs on the submitting machine, so a spec means
 * the same thing in whatever working directory its entrypoint runs.
 */
final class LocalPaths {
  private LocalPaths() {
  }

  static void absolutize(StepSpec spec) {
    spec.inputs.values().forEach(LocalPaths::absolutize);
    spec.outputs.values().forEach(LocalPaths::absolutize);
  }

  private static void absolutize(ArtifactSpec artifact) {
    if (artifact == null || artifact.uri == null || artifact.uri.isBlank()) {
      return;
    }
    try {
      URI uri = new URI(artifact.uri);
      if (uri.getScheme() == null) {
        artifact.uri = Paths.get(artifact.uri).toAbsolutePath().normalize().toUri().toString().replaceAll("/$", "");
      }
    } catch (Exception e) {
      // left as given: the validator reports an invalid URI with its field
    }
  }
}
