package io.sparkstep.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Typed, validated parameter values of one run, defaults applied. */
public final class Params {
  private final Map<String, Object> values;

  public Params(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public boolean has(String name) {
    return values.get(name) != null;
  }

  public Object get(String name) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException("unknown parameter '" + name + "'; declared: " + values.keySet());
    }
    return values.get(name);
  }

  public String getString(String name) {
    Object value = get(name);
    return value == null ? null : value.toString();
  }

  public int getInt(String name) {
    return ((Number) require(name)).intValue();
  }

  public long getLong(String name) {
    return ((Number) require(name)).longValue();
  }

  public double getDouble(String name) {
    return ((Number) require(name)).doubleValue();
  }

  public boolean getBoolean(String name) {
    return (Boolean) require(name);
  }

  public Map<String, Object> asMap() {
    return values;
  }

  private Object require(String name) {
    Object value = get(name);
    if (value == null) {
      throw new IllegalStateException("parameter '" + name + "' has no value and no default");
    }
    return value;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
