package io.sparkstep.spi.accel;

import io.sparkstep.spi.spec.InvalidSpecException;

/** An accelerator jar that is neither on this machine nor downloadable: invalid input, reported before launch. */
public final class AcceleratorJarException extends InvalidSpecException {
  public AcceleratorJarException(MavenArtifact artifact, String detail) {
    super("accelerator", "cannot resolve the accelerator jar " + artifact, detail);
  }
}
