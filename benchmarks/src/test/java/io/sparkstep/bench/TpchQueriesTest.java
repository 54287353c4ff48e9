package io.sparkstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All 22 queries over tables from the generate-tpch step at a tiny scale, on a local session: each parses, plans and
 * runs; answers whose size the specification fixes regardless of scale (group counts) have that size.
 */
@Tag("slow")
class TpchQueriesTest {
  @TempDir
  Path tmp;

  @Test
  void generatedTablesAnswerAllQueries() throws Exception {
    double scale = 0.01;
    Sparkstep launch = Sparkstep.operator("local", tmp.resolve("home")).step("generate-tpch").param("scale", scale);
    for (String table : TpchQueries.TABLES) {
      launch.output(table, tmp.resolve(table).toUri().toString());
    }
    StepRun run = launch.submit();
    assertEquals(RunState.SUCCEEDED, run.await(Duration.ofMinutes(5)));
    SparkSession spark = SparkSession.builder().getOrCreate().newSession();
    // Tiny tables: a few shuffle partitions instead of 200 keep the 22 queries quick on 2 cores.
    spark.conf().set("spark.sql.shuffle.partitions", "4");
    Map<String, Long> expectedRows = Map.of("nation", 25L, "region", 5L, "supplier", 100L, "customer", 1500L,
        "part", 2000L, "partsupp", 8000L, "orders", 15000L);
    for (String table : TpchQueries.TABLES) {
      spark.read().parquet(tmp.resolve(table).toString()).createOrReplaceTempView(table);
      if (expectedRows.containsKey(table)) {
        assertEquals(expectedRows.get(table), spark.table(table).count(), table + " rows at SF " + scale);
      }
    }
    // Group counts the data fixes at any scale: Q1 return flag x line status, Q4/Q5 priorities and nations, Q12
    // ship modes, Q6/Q14/Q17/Q19 single aggregates.
    Map<Integer, Long> fixed = Map.of(1, 4L, 4, 5L, 5, 5L, 6, 1L, 12, 2L, 14, 1L, 17, 1L, 19, 1L);
    for (int q = 1; q <= TpchQueries.count(); q++) {
      long rows = spark.sql(TpchQueries.sql(q, scale)).collectAsList().size();
      if (fixed.containsKey(q)) {
        assertEquals(fixed.get(q), rows, "q" + q + " rows");
      }
      assertTrue(rows >= 0);
    }
  }
}
