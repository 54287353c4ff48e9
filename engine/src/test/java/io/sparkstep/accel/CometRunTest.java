package io.sparkstep.accel;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.max;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Comet really runs: the sample feature step on the local flavor with accelerator=comet (a child JVM with Comet's
 * plugin, shuffle manager and off-heap memory) writes the rows of the vanilla run, and its record shows that Comet
 * ran the plan's operators.
 */
@Tag("slow")
class CometRunTest {
  /** Averages rounded to a few decimals: the only columns where Comet and Spark may differ, in the last digit. */
  private static final List<String> ROUNDED_AVERAGES = List.of("avg_fare", "avg_tip_rate", "avg_distance_km",
      "card_share");
  private static final List<String> KEY = List.of("pickup_zone", "pickup_date", "pickup_hour");

  @TempDir
  static Path tmp;
  static Path home;
  static String trips;
  static String zones;

  @BeforeAll
  static void generateTrips() throws Exception {
    home = tmp.resolve("home");
    trips = tmp.resolve("trips").toUri().toString();
    zones = tmp.resolve("zones").toUri().toString();
    StepRun generate = Sparkstep.operator("local", home).step("generate-trips")
        .param("rows", 50_000).param("zones", 40).param("partitions", 2)
        .output("trips", trips).output("zones", zones)
        .conf("spark.sql.shuffle.partitions", "4").submit();
    assertEquals(RunState.SUCCEEDED, generate.await(Duration.ofMinutes(3)), () -> generate.record().errorMessage());
  }

  @Test
  void cometFeaturesEqualVanillaFeatures() throws Exception {
    String vanilla = tmp.resolve("features-vanilla").toUri().toString();
    String comet = tmp.resolve("features-comet").toUri().toString();
    StepRun plain = features(vanilla, "none");
    assertEquals(RunState.SUCCEEDED, plain.await(Duration.ofMinutes(3)), () -> plain.record().errorMessage());
    StepRun accelerated = features(comet, "comet");
    assertEquals(RunState.SUCCEEDED, accelerated.await(Duration.ofMinutes(4)), () -> accelerated.record().errorMessage());

    RunRecord record = new RunStore(home).load(accelerated.id()).orElseThrow();
    assertNotNull(record.accelerator, "the record states the accelerator");
    assertEquals("comet", record.accelerator.name);
    assertEquals("run", record.accelerator.mode);
    assertTrue(record.accelerator.plan.stream().anyMatch(e -> e.accelerated && e.name.startsWith("CometHashAggregate")),
        "Comet ran the aggregation: " + record.accelerator.plan.stream().map(e -> e.name).toList());
    assertTrue(record.accelerator.plan.stream().anyMatch(e -> e.accelerated && e.name.startsWith("CometNativeScan")),
        "Comet read the Parquet input natively");
    assertTrue(record.accelerator.operatorsAccelerated * 2 > record.accelerator.operatorsTotal,
        "most of the plan ran in Comet: " + record.accelerator.notAccelerated);
    assertTrue(record.accelerator.notAccelerated.stream().allMatch(reason -> reason.contains(":")),
        "every operator left on the JVM path says why");

    SparkSession spark = SparkSession.active();
    Dataset<Row> expected = spark.read().parquet(vanilla);
    Dataset<Row> actual = spark.read().parquet(comet);
    assertTrue(expected.count() > 1000);
    assertEquals(expected.count(), actual.count());
    // Every column but the rounded averages must match exactly, both ways.
    Column[] exactColumns = Arrays.stream(expected.columns()).filter(c -> !ROUNDED_AVERAGES.contains(c))
        .map(name -> col(name)).toArray(Column[]::new);
    assertEquals(0, expected.select(exactColumns).exceptAll(actual.select(exactColumns)).count(),
        "rows only the vanilla run wrote");
    assertEquals(0, actual.select(exactColumns).exceptAll(expected.select(exactColumns)).count(),
        "rows only the Comet run wrote");
    // Rounded averages: a sum of doubles in another order can land on the other side of a rounding tie, which moves
    // the last kept digit by one; anything more is a real difference.
    Dataset<Row> joined = expected.alias("v").join(actual.alias("c"), scala.jdk.javaapi.CollectionConverters.asScala(KEY).toSeq());
    Column[] gaps = ROUNDED_AVERAGES.stream().map(c -> abs(col("v." + c).minus(col("c." + c)))).toArray(Column[]::new);
    Row worst = joined.select(max(greatest(gaps)).alias("gap")).first();
    double gap = worst.isNullAt(0) ? 0 : worst.getDouble(0);
    assertTrue(gap <= 0.0100001, "rounded averages differ by more than one unit in the last kept digit: " + gap);
    long lastDigit = joined.filter(greatest(gaps).gt(0)).count();
    System.out.println("comet coverage " + record.accelerator.operatorsAccelerated + " of "
        + record.accelerator.operatorsTotal + "; rows " + expected.count() + ", of which " + lastDigit
        + " differ in the last rounded digit of an average");
  }

  private static StepRun features(String output, String accelerator) throws Exception {
    Sparkstep run = Sparkstep.operator("local", home).step("trip-features")
        .input("trips", trips).input("zones", zones).output("features", output)
        .conf("spark.sql.shuffle.partitions", "4").accelerator(accelerator);
    if (!accelerator.equals("none")) {
      // The vanilla run shares this JVM's embedded Spark (another test may have started it): only static conf differs.
      run.resources(StepResources.builder().memory("1g").build()).conf("spark.memory.offHeap.size", "1g");
    }
    return run.submit();
  }
}
