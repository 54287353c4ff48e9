package io.sparkstep.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/** The rules, each one function of what it checks, so the tests can run them on the modules and on fixtures alike. */
final class ArchitectureRules {
  static final String API = "io.sparkstep.api..";
  static final String SPI = "io.sparkstep.spi..";
  static final String OURS = "io.sparkstep..";

  private ArchitectureRules() {
  }

  /** No cycle among the packages of one module's classes (each package is its own slice). */
  static ArchRule noPackageCycles() {
    return slices().matching("io.sparkstep.(**)").should().beFreeOfCycles().allowEmptyShould(true);
  }

  /** A flavor links to the API, the SPI and its own packages, never to the engine or another flavor. */
  static ArchRule flavorSeesApiAndSpiOnly(String flavorPackage) {
    return noClasses().should().dependOnClassesThat(resideInAPackage(OURS)
            .and(not(resideInAnyPackage(API, SPI, flavorPackage + ".."))))
        .because("flavors depend on sparkstep-api and sparkstep-spi only");
  }

  /** The API links to nothing of Sparkstep's but itself. */
  static ArchRule apiStandsAlone() {
    return noClasses().should().dependOnClassesThat(resideInAPackage(OURS).and(not(resideInAPackage(API))))
        .because("sparkstep-api depends on nothing of ours");
  }

  /** The SPI links to the API and itself, never to the engine. */
  static ArchRule spiSeesApiOnly() {
    return noClasses().should().dependOnClassesThat(resideInAPackage(OURS)
            .and(not(resideInAnyPackage(API, SPI))))
        .because("sparkstep-spi depends on sparkstep-api only; the engine implements both");
  }
}
