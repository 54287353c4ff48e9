package io.sparkstep.accel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.RunState;
import io.sparkstep.api.StepResources;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.DistinctCountStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Comet on plans whose shuffle input is no native Parquet scan ({@code spark.range}, a CSV file): the shuffle runs on
 * Comet's JVM columnar shuffle, which shares Spark's shuffle package and so needs the Comet jar on the JVM's own
 * class path (loaded by a child loader it failed with IllegalAccessError on ShuffleInMemorySorter). With a spill
 * forced every 1000 rows, the run succeeds and writes the rows of the vanilla run.
 */
@Tag("slow")
class CometShuffleSpillTest {
  @TempDir
  static Path tmp;

  @Test
  void rangeSourcedShuffleWithSpillEqualsVanilla() throws Exception {
    compare("range", b -> b.param("rows", 200_000).conf("spark.comet.exec.range.enabled", "true"));
  }

  @Test
  void csvSourcedShuffleWithSpillEqualsVanilla() throws Exception {
    Path csv = tmp.resolve("input.csv");
    StringBuilder text = new StringBuilder("key,val\n");
    for (int i = 0; i < 60_000; i++) {
      text.append(i % 53).append(',').append((i * 7L) % 911).append('\n');
    }
    Files.writeString(csv, text);
    compare("csv", b -> b.param("csv", csv.toString()).conf("spark.comet.convert.csv.enabled", "true"));
  }

  private void compare(String name, java.util.function.UnaryOperator<Sparkstep> params) throws Exception {
    Path home = tmp.resolve("home");
    String vanilla = tmp.resolve(name + "-vanilla").toUri().toString();
    String comet = tmp.resolve(name + "-comet").toUri().toString();
    StepRun plain = params.apply(Sparkstep.operator("local", home).step(DistinctCountStep.class.getName()))
        .output("counts", vanilla).conf("spark.sql.shuffle.partitions", "4").submit();
    assertEquals(RunState.SUCCEEDED, plain.await(Duration.ofMinutes(2)), () -> plain.record().errorMessage());
    StepRun accelerated = params.apply(Sparkstep.operator("local", home).step(DistinctCountStep.class.getName()))
        .output("counts", comet).accelerator("comet").resources(StepResources.builder().memory("1g").build())
        .conf("spark.memory.offHeap.size", "512m").conf("spark.sql.shuffle.partitions", "4")
        // Comet's JVM columnar shuffle, its sort-based writer (SpillSorter, where the IllegalAccessError was), a spill
        // every 1000 rows.
        .conf("spark.comet.shuffle.mode", "jvm").conf("spark.shuffle.sort.bypassMergeThreshold", "0")
        .conf("spark.comet.shuffle.jvm.spillThreshold", "1000").submit();
    RunState state = accelerated.await(Duration.ofMinutes(4));
    String log = Files.readString(new RunStore(home).logFile(accelerated.id()));
    assertEquals(RunState.SUCCEEDED, state, () -> accelerated.record().errorMessage() + "\n" + log);

    RunRecord record = new RunStore(home).load(accelerated.id()).orElseThrow();
    assertEquals("comet", record.accelerator.name);
    assertTrue(record.accelerator.plan.stream().anyMatch(e -> e.accelerated && e.name.contains("Comet")
        && e.name.contains("Exchange")), "Comet ran the shuffle: " + record.accelerator.plan.stream().map(e -> e.name)
        .toList());
    Matcher spilled = Pattern.compile(Pattern.quote(DistinctCountStep.SPILL_LINE) + "(\\d+)").matcher(log);
    assertTrue(spilled.find(), "the step reports its spill");
    assertTrue(Long.parseLong(spilled.group(1)) > 0, "the shuffle spilled: " + spilled.group());
    assertTrue(log.contains("CometShuffleExternalSorter") && log.contains("spilling sort data"),
        "Comet's sort-based columnar shuffle spilled");

    assertEquals(rows(vanilla), rows(comet));
  }

  private static List<String> rows(String parquet) {
    List<String> rows = SparkSession.active().read().parquet(parquet).orderBy("key").collectAsList().stream()
        .map(r -> r.mkString(",")).toList();
    assertTrue(rows.size() > 10, rows.toString());
    return rows;
  }
}
