package io.sparkstep.architecture;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * Each rule fails on a fixture that breaks it: a two-package cycle, and a class that links to the engine. Without
 * these, a rule that matched nothing (a wrong package pattern, an empty import) would pass forever.
 */
class RulesCanFailTest {
  private static final String FIXTURES = "io.sparkstep.architecture.fixture";

  @Test
  void cycleRuleFailsOnACycle() {
    JavaClasses cycle = new ClassFileImporter().importPackages(FIXTURES + ".cycle");
    AssertionError error = assertThrows(AssertionError.class, () -> ArchitectureRules.noPackageCycles().check(cycle));
    assertTrue(error.getMessage().contains("fixture.cycle.a") && error.getMessage().contains("fixture.cycle.b"),
        error.getMessage());
  }

  @Test
  void flavorRuleFailsOnAnEngineImport() {
    JavaClasses leak = new ClassFileImporter().importPackages(FIXTURES + ".leak");
    AssertionError error = assertThrows(AssertionError.class,
        () -> ArchitectureRules.flavorSeesApiAndSpiOnly(FIXTURES + ".leak").check(leak));
    assertTrue(error.getMessage().contains("io.sparkstep.registry.FlavorRegistry"), error.getMessage());
  }

  @Test
  void apiRuleFailsOnAnSpiOrEngineImport() {
    JavaClasses leak = new ClassFileImporter().importPackages(FIXTURES + ".leak");
    AssertionError error = assertThrows(AssertionError.class, () -> ArchitectureRules.apiStandsAlone().check(leak));
    assertTrue(error.getMessage().contains("io.sparkstep.spi.Flavor"), error.getMessage());
  }

  @Test
  void spiRuleFailsOnAnEngineImport() {
    JavaClasses leak = new ClassFileImporter().importPackages(FIXTURES + ".leak");
    AssertionError error = assertThrows(AssertionError.class, () -> ArchitectureRules.spiSeesApiOnly().check(leak));
    assertTrue(error.getMessage().contains("io.sparkstep.registry.FlavorRegistry"), error.getMessage());
  }
}
