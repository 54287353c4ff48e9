package io.sparkstep.spi;

import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.ValidationProblem;

/**
 * What one flavor does with one field of a step's resources: maps it (to a Spark conf key, an instance-type choice, a
 * pod field...), checks it against what the platform has, or refuses it with the fix. Declared in the flavor's
 * {@link ResourceTable}; the engine applies the refusals before anything starts.
 *
 * @param field the resource field
 * @param treatment how the field is treated
 * @param target what a value maps to (for the docs and the contract test's messages); null for a refusal
 * @param problem what is wrong with a refused value; null when nothing is refused
 * @param fix what to do instead; null when nothing is refused
 */
public record ResourceRule(ResourceField field, Treatment treatment, String target, String problem, String fix) {

  /** How a flavor treats a field. */
  public enum Treatment {
    /** Every value is mapped onto what the flavor builds (the request or conf changes with it). */
    MAPPED,
    /**
     * The value is checked against what the platform has and needs nothing of its own in the request (e.g. the only
     * GPU vendor a platform offers); a value the platform lacks is refused by the flavor's own validation.
     */
    CHECKED,
    /** Mapped while it fits one JVM or container (one executor, dynamic allocation off); refused beyond. */
    ONE_JVM,
    /** Any value other than the default is refused. */
    REFUSED
  }

  public static ResourceRule mapped(ResourceField field, String target) {
    return new ResourceRule(field, Treatment.MAPPED, target, null, null);
  }

  public static ResourceRule checked(ResourceField field, String target) {
    return new ResourceRule(field, Treatment.CHECKED, target, null, null);
  }

  public static ResourceRule oneJvm(ResourceField field, String target, String problem, String fix) {
    return new ResourceRule(field, Treatment.ONE_JVM, target, problem, fix);
  }

  public static ResourceRule refused(ResourceField field, String problem, String fix) {
    return new ResourceRule(field, Treatment.REFUSED, null, problem, fix);
  }

  /** Whether these resources get this rule's refusal. */
  public boolean refuses(ResourceSpec resources) {
    return switch (treatment) {
      case MAPPED, CHECKED -> false;
      case ONE_JVM -> field.beyondOneJvm(resources);
      case REFUSED -> field.isSet(resources);
    };
  }

  /** The one-line refusal: field, problem, fix. */
  public ValidationProblem refusal() {
    return ValidationProblem.of(field.path(), problem, fix);
  }

  /** One line of the docs' table: what the field maps to, or why it is refused. */
  public String describe() {
    return switch (treatment) {
      case MAPPED, CHECKED -> target;
      case ONE_JVM -> target + "; refused beyond one (" + problem + ")";
      case REFUSED -> "refused: " + problem + " (" + fix + ")";
    };
  }
}
