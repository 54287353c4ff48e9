package io.sparkstep.api;

/** The types a step parameter can have; values from JSON or the command line are converted to these. */
public enum ParamType {
  STRING(String.class),
  INT(Integer.class),
  LONG(Long.class),
  DOUBLE(Double.class),
  BOOLEAN(Boolean.class);

  private final Class<?> javaType;

  ParamType(Class<?> javaType) {
    this.javaType = javaType;
  }

  public Class<?> javaType() {
    return javaType;
  }

  /**
   * Converts a value given as JSON (number, boolean, string) or as command-line text to this type.
   *
   * @throws IllegalArgumentException with a message fit for the user when it does not convert
   */
  public Object convert(Object value) {
    if (value == null) {
      throw new IllegalArgumentException("is null");
    }
    String text = value.toString().trim();
    try {
      switch (this) {
        case STRING:
          return value.toString();
        case INT:
          if (value instanceof Number n && n.doubleValue() == n.intValue()) {
            return n.intValue();
          }
          return Integer.parseInt(text);
        case LONG:
          if (value instanceof Number n && n.doubleValue() == n.longValue()) {
            return n.longValue();
          }
          return Long.parseLong(text.replace("_", ""));
        case DOUBLE:
          if (value instanceof Number n) {
            return n.doubleValue();
          }
          return Double.parseDouble(text);
        case BOOLEAN:
          if (value instanceof Boolean b) {
            return b;
          }
          if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
          }
          throw new IllegalArgumentException("'" + text + "' is not true or false");
        default:
          throw new IllegalStateException(name());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not " + article() + " " + name().toLowerCase());
    }
  }

  private String article() {
    return this == INT ? "an" : "a";
  }
}
