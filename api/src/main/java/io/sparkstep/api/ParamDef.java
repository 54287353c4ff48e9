package io.sparkstep.api;

import java.util.List;
import java.util.Objects;

/**
 * Declaration of one step parameter: name, type, default, whether it is required, and optional bounds or
 * choices. Built with the static factories, e.g. {@code ParamDef.longParam("rows").defaultValue(1000L).min(1)}.
 */
public final class ParamDef {
  private final String name;
  private final ParamType type;
  private final Object defaultValue;
  private final boolean required;
  private final String description;
  private final Double min;
  private final Double max;
  private final List<String> choices;

  private ParamDef(String name, ParamType type, Object defaultValue, boolean required, String description,
                   Double min, Double max, List<String> choices) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.defaultValue = defaultValue;
    this.required = required;
    this.description = description == null ? "" : description;
    this.min = min;
    this.max = max;
    this.choices = choices == null ? List.of() : List.copyOf(choices);
  }

  public static ParamDef of(String name, ParamType type) {
    return new ParamDef(name, type, null, false, "", null, null, null);
  }

  public static ParamDef stringParam(String name) {
    return of(name, ParamType.STRING);
  }

  public static ParamDef intParam(String name) {
    return of(name, ParamType.INT);
  }

  public static ParamDef longParam(String name) {
    return of(name, ParamType.LONG);
  }

  public static ParamDef doubleParam(String name) {
    return of(name, ParamType.DOUBLE);
  }

  public static ParamDef booleanParam(String name) {
    return of(name, ParamType.BOOLEAN);
  }

  public ParamDef defaultValue(Object value) {
    return new ParamDef(name, type, type.convert(value), false, description, min, max, choices);
  }

  /** A required parameter has no default: a spec without it is refused. */
  public ParamDef required() {
    return new ParamDef(name, type, null, true, description, min, max, choices);
  }

  public ParamDef description(String text) {
    return new ParamDef(name, type, defaultValue, required, text, min, max, choices);
  }

  public ParamDef min(double bound) {
    return new ParamDef(name, type, defaultValue, required, description, bound, max, choices);
  }

  public ParamDef max(double bound) {
    return new ParamDef(name, type, defaultValue, required, description, min, bound, choices);
  }

  public ParamDef choices(String... allowed) {
    return new ParamDef(name, type, defaultValue, required, description, min, max, List.of(allowed));
  }

  public String name() {
    return name;
  }

  public ParamType type() {
    return type;
  }

  public Object defaultValue() {
    return defaultValue;
  }

  public boolean isRequired() {
    return required;
  }

  public String description() {
    return description;
  }

  public List<String> choices() {
    return choices;
  }

  /**
   * Converts and checks a raw value.
   *
   * @return the typed value
   * @throws IllegalArgumentException naming what is wrong, for the user
   */
  public Object validate(Object raw) {
    Object value = type.convert(raw);
    if (value instanceof Number number) {
      if (min != null && number.doubleValue() < min) {
        throw new IllegalArgumentException(value + " is below the minimum " + trim(min));
      }
      if (max != null && number.doubleValue() > max) {
        throw new IllegalArgumentException(value + " is above the maximum " + trim(max));
      }
    }
    if (!choices.isEmpty() && !choices.contains(value.toString())) {
      throw new IllegalArgumentException("'" + value + "' is not one of " + choices);
    }
    return value;
  }

  private static String trim(double bound) {
    return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
  }

  @Override
  public String toString() {
    return name + ":" + type.name().toLowerCase() + (required ? " (required)" : defaultValue == null ? "" : " = " + defaultValue);
  }
}
