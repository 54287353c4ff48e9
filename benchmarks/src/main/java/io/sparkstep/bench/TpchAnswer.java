package io.sparkstep.bench;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * A query answer reduced to what two engines must agree on: the row count, per numeric column the sum of its values
 * (compared with a relative tolerance: floating-point aggregates may differ in the last bits with the order of
 * summation) and per other column an order-independent 64-bit hash of its values (compared exactly). Order-independent
 * because the answers are written as Parquet, which keeps no order across files.
 */
public record TpchAnswer(long rows, List<String> columns, double[] sums, long[] hashes) {
  /** Relative tolerance for numeric column sums. */
  static final double TOLERANCE = 1e-6;

  public static TpchAnswer of(Dataset<Row> answer) {
    StructField[] fields = answer.schema().fields();
    double[] sums = new double[fields.length];
    long[] hashes = new long[fields.length];
    long rows = 0;
    for (Row row : answer.collectAsList()) {
      rows++;
      for (int i = 0; i < fields.length; i++) {
        Object value = row.get(i);
        if (fields[i].dataType() instanceof NumericType) {
          sums[i] += value == null ? 0 : value instanceof BigDecimal d ? d.doubleValue() : ((Number) value).doubleValue();
        } else {
          hashes[i] += fnv(String.valueOf(value));
        }
      }
    }
    List<String> names = new ArrayList<>();
    for (StructField field : fields) {
      names.add(field.name());
    }
    return new TpchAnswer(rows, names, sums, hashes);
  }

  /** Null when both agree, else what differs. */
  public String differenceFrom(TpchAnswer other) {
    if (rows != other.rows) {
      return "rows " + rows + " vs " + other.rows;
    }
    if (!columns.equals(other.columns)) {
      return "columns " + columns + " vs " + other.columns;
    }
    for (int i = 0; i < sums.length; i++) {
      double scale = Math.max(1.0, Math.max(Math.abs(sums[i]), Math.abs(other.sums[i])));
      if (Math.abs(sums[i] - other.sums[i]) > TOLERANCE * scale) {
        return "column " + columns.get(i) + " sums to " + sums[i] + " vs " + other.sums[i];
      }
      if (hashes[i] != other.hashes[i]) {
        return "column " + columns.get(i) + " values differ";
      }
    }
    return null;
  }

  /** A short printable checksum: the hash of the non-numeric columns and the numeric sums to 6 significant digits. */
  public String checksum() {
    long hash = 0;
    StringBuilder numbers = new StringBuilder();
    for (int i = 0; i < sums.length; i++) {
      hash = hash * 31 + hashes[i];
      if (hashes[i] == 0) {
        numbers.append(numbers.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.6g", sums[i]));
      }
    }
    return String.format(Locale.ROOT, "%016x", hash) + (numbers.isEmpty() ? "" : " " + numbers);
  }

  /** FNV-1a, 64 bit: stable across JVMs (String.hashCode is too, but 32 bits collide sooner in a sum). */
  private static long fnv(String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
