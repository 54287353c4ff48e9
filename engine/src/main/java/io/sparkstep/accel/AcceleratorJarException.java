package io.sparkstep.accel;

import io.sparkstep.spec.InvalidSpecException;

/** An accelerator jar that is neither on this machine nor downloadable: invalid input, reported before launch. */
public final class AcceleratorJarException extends InvalidSpecException {
  public AcceleratorJarException(MavenArtifact artifact, String detail) {
    super("accelerator", "cannot resolve the accelerator jar " + artifact, detail);
  }
}
