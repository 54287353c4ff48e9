package io.sparkstep.cli;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** How the CLI shows metrics and model sizes: numbers to 6 significant digits, maps as {@code key=value, ...}. */
final class MetricFormat {
  private MetricFormat() {
  }

  /** The metric {@code name}, or for {@code NAME.KEY} the entry KEY of the map metric NAME; null when absent. */
  static Object select(Map<String, Object> metrics, String name) {
    if (metrics == null) {
      return null;
    }
    if (metrics.containsKey(name)) {
      return metrics.get(name);
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0 && metrics.get(name.substring(0, dot)) instanceof Map<?, ?> map) {
      return map.get(name.substring(dot + 1));
    }
    return null;
  }

  static String value(Object value) {
    if (value instanceof Number number) {
      double d = number.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return String.valueOf(d);
      }
      return new java.math.BigDecimal(d).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
    if (value instanceof Map<?, ?> map) {
      return map.entrySet().stream().map(e -> e.getKey() + "=" + value(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }
    return value == null ? "-" : String.valueOf(value);
  }

  static String bytes(Long size) {
    if (size == null) {
      return "size unknown";
    }
    if (size < 1024) {
      return size + " B";
    }
    if (size < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", size / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", size / (1024.0 * 1024));
  }
}
