package io.sparkstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The answer check: order does not matter, float noise within tolerance passes, a changed value or row fails. */
@Tag("slow")
class TpchAnswerTest {
  static SparkSession spark;
  static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("name", DataTypes.StringType, false),
      DataTypes.createStructField("value", DataTypes.DoubleType, false)));

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static TpchAnswer answer(Object... nameValue) {
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      rows.add(RowFactory.create(nameValue[i], nameValue[i + 1]));
    }
    Dataset<Row> frame = spark.createDataFrame(rows, SCHEMA);
    return TpchAnswer.of(frame);
  }

  @Test
  void sameRowsInAnotherOrderAndFloatNoiseAgree() {
    TpchAnswer a = answer("x", 1.0, "y", 2.5);
    assertNull(a.differenceFrom(answer("y", 2.5, "x", 1.0 + 1e-12)));
    assertEquals(a.checksum(), answer("y", 2.5, "x", 1.0).checksum());
  }

  @Test
  void changedValueTextOrRowCountDiffer() {
    TpchAnswer a = answer("x", 1.0, "y", 2.5);
    assertNotNull(a.differenceFrom(answer("x", 1.0, "y", 2.6)));
    assertNotNull(a.differenceFrom(answer("x", 1.0, "z", 2.5)));
    assertTrue(a.differenceFrom(answer("x", 1.0)).startsWith("rows"));
  }

  @Test
  void referenceRowCountsCoverAllQueries() {
    assertEquals(TpchQueries.count(), TpchQueries.SF1_ROWS.size());
  }
}
