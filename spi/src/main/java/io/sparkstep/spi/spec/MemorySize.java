package io.sparkstep.spi.spec;

import org.apache.spark.network.util.JavaUtils;

/** Memory sizes as Spark writes them (4g, 512m; a bare number is MiB, as Spark reads memory confs). */
public final class MemorySize {

  private MemorySize() {
  }

  /**
   * MiB in a Spark memory string such as 4g or 512m, read by Spark's own parser.
   *
   * @throws NumberFormatException when Spark would refuse the value
   */
  public static long memoryMiB(String value) {
    if (value == null || value.isBlank()) {
      throw new NumberFormatException("empty memory size");
    }
    return JavaUtils.byteStringAsMb(value.trim());
  }

  /** Whether Spark reads {@code value} as a memory size. */
  public static boolean isMemory(String value) {
    try {
      memoryMiB(value);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
