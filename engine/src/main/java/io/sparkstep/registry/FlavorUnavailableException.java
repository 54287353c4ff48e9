package io.sparkstep.registry;

/** A command named a flavor that is installed but broken ({@link UnavailableFlavor}): exit 3, not invalid input. */
public final class FlavorUnavailableException extends RuntimeException {
  private final UnavailableFlavor flavor;

  public FlavorUnavailableException(UnavailableFlavor flavor) {
    super(flavor.message(), flavor.cause());
    this.flavor = flavor;
  }

  public UnavailableFlavor flavor() {
    return flavor;
  }
}
