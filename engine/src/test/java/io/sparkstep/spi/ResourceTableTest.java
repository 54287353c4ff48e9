package io.sparkstep.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A flavor's resource table refuses what it does not declare, and each refusal compares a field the same way. */
class ResourceTableTest {
  private static List<String> fields(List<ValidationProblem> problems) {
    return problems.stream().map(ValidationProblem::field).toList();
  }

  private static ResourceSpec.DynamicAllocation dynamic(boolean enabled) {
    ResourceSpec.DynamicAllocation dynamic = new ResourceSpec.DynamicAllocation();
    dynamic.enabled = enabled;
    return dynamic;
  }

  @Test
  void theFieldListIsEveryFieldOfTheResourceSpecInItsJsonNames() {
    List<String> specFields = Arrays.stream(ResourceSpec.class.getFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers())).map(Field::getName).sorted().toList();
    List<String> listed = Arrays.stream(ResourceField.values()).map(ResourceField::jsonName).sorted().toList();
    assertEquals(specFields, listed, "a field of ResourceSpec is added to ResourceField too");
  }

  @Test
  void aSetFieldTheTableDoesNotDeclareIsRefusedByNameAndAnUnsetOneIsNot() {
    ResourceTable table = ResourceTable.of("tiny").mapped(ResourceField.CPU, "threads").build();
    assertEquals(List.of(ResourceField.values()).subList(1, ResourceField.values().length),
        table.undeclaredFields());
    ResourceSpec r = new ResourceSpec();
    r.cpu = 2;
    assertEquals(List.of(), table.problems(r));
    r.diskGb = 10;
    List<ValidationProblem> problems = table.problems(r);
    assertEquals(List.of("resources.diskGb"), fields(problems));
    assertTrue(problems.get(0).message().contains("tiny flavor does not declare"), problems.get(0).message());
    assertEquals(List.of("resources.cpu"), fields(ResourceTable.undeclared("bare").problems(resourcesWithCpu())));
  }

  private static ResourceSpec resourcesWithCpu() {
    ResourceSpec r = new ResourceSpec();
    r.cpu = 1;
    return r;
  }

  @Test
  void oneJvmTakesOneExecutorAndAllocationOffButNothingBeyond() {
    ResourceTable table = ResourceTable.of("single")
        .oneJvm(ResourceField.EXECUTORS, "the JVM", "one JVM only", "use a cluster")
        .oneJvm(ResourceField.DYNAMIC_ALLOCATION, "off", "cannot scale", "use a cluster").build();
    ResourceSpec r = new ResourceSpec();
    r.executors = 1;
    r.dynamicAllocation = dynamic(false);
    assertEquals(List.of(), table.problems(r));
    r.executors = 2;
    r.dynamicAllocation = dynamic(true);
    assertEquals(List.of(ValidationProblem.of("resources.executors", "one JVM only", "use a cluster"),
        ValidationProblem.of("resources.dynamicAllocation", "cannot scale", "use a cluster")), table.problems(r));
  }

  @Test
  void aRefusedFieldIsRefusedForAnyValueButItsDefault() {
    ResourceTable table = ResourceTable.of("jobs")
        .refused(ResourceField.EXECUTOR_CPU, "no executors", "size the instance")
        .refused(ResourceField.MEMORY_OVERHEAD, "no overhead", "size the instance")
        .refused(ResourceField.DYNAMIC_ALLOCATION, "no scaling", "drop it").build();
    ResourceSpec r = new ResourceSpec();
    assertEquals(List.of(), table.problems(r));
    for (int cpu : new int[] {1, -1}) {
      r.executorCpu = cpu;
      assertEquals(List.of("resources.executorCpu"), fields(table.problems(r)), "executorCpu=" + cpu);
    }
    r.executorCpu = 0;
    r.memoryOverhead = "1g";
    r.dynamicAllocation = dynamic(false);
    assertEquals(List.of("resources.memoryOverhead", "resources.dynamicAllocation"), fields(table.problems(r)));
  }

  @Test
  void aFieldDeclaredTwiceIsTheFlavorsMistake() {
    ResourceTable.Builder table = ResourceTable.of("twice").mapped(ResourceField.CPU, "a");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> table.refused(ResourceField.CPU, "b", "c"));
    assertTrue(e.getMessage().contains("resources.cpu"), e.getMessage());
  }

  @Test
  void theDocsRowsNameEveryFieldAndWhatBecomesOfIt() {
    String rows = ResourceTable.of("docs").mapped(ResourceField.CPU, "spark.driver.cores")
        .refused(ResourceField.DISK_GB, "no disk", "drop it").build().markdownRows();
    assertEquals(ResourceField.values().length, rows.lines().count());
    assertTrue(rows.contains("| cpu | spark.driver.cores |"), rows);
    assertTrue(rows.contains("| diskGb | refused: no disk (drop it) |"), rows);
    assertTrue(rows.contains("| gpus | refused: not declared |"), rows);
  }
}
