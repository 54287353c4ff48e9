package io.sparkstep.registry;

/**
 * A flavor that was found but cannot be used (its class or SDK does not load, it cannot describe its settings, or
 * two jars provide its name): listed by {@code flavor list}, refused with exit 3 when named, while every other
 * flavor works.
 *
 * @param name the flavor's name, else its plugin directory's, else its provider class
 * @param source the jar or plugin directory it came from
 * @param reason what failed, one line
 * @param fix what the user does about it
 * @param cause the failure, printed with {@code --verbose}; null for a conflict
 */
public record UnavailableFlavor(String name, String source, String reason, String fix, Throwable cause) {

  /** One line: which flavor, why, from where, and the fix. */
  public String message() {
    return "flavor " + name + " is unavailable: " + reason + (source == null ? "" : " (" + source + ")") + "; " + fix;
  }
}
