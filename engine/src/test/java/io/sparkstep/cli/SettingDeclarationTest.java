package io.sparkstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.ConfigOption;
import io.sparkstep.spi.Flavor;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.SettingCheck;
import io.sparkstep.spi.SettingType;
import io.sparkstep.spi.StepOperator;
import io.sparkstep.testing.CliCall;
import io.sparkstep.spi.util.Redactor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flavor setting is declared once (type, default, check, secrecy) and the engine does the rest: register and run
 * refuse bad values with the field and the fix, typed reads apply the default, and listings never show a secret.
 */
public class SettingDeclarationTest {
  static final ConfigOption RETRIES = ConfigOption.ofInt("retries", 3, "attempts").checkedBy(SettingCheck.atLeast(0));
  static final ConfigOption VERBOSE = ConfigOption.ofBoolean("verbose", false, "log more");
  static final ConfigOption HEAP = ConfigOption.ofMemory("heap", null, "heap of the worker");
  static final ConfigOption MODE = ConfigOption.optional("mode", "fast", "fast or safe").oneOf("mode", "fast", "safe");
  static final ConfigOption HOSTS = ConfigOption.ofList("hosts", "comma-separated hosts");
  static final ConfigOption TOKEN = ConfigOption.secret("token", "API token");

  /** What the flavor's own validate saw: the engine hands it well-typed values only. */
  static final List<Integer> retriesSeenByTheFlavor = new ArrayList<>();

  /** Found by ServiceLoader through a services file written by the test. */
  public static final class DeclaredFlavor implements Flavor {
    @Override
    public String name() {
      return "declared";
    }

    @Override
    public String description() {
      return "a flavor whose settings are all declared";
    }

    @Override
    public List<ConfigOption> options() {
      return List.of(RETRIES, VERBOSE, HEAP, MODE, HOSTS, TOKEN);
    }

    @Override
    public List<ValidationProblem> validate(OperatorConfig config) {
      retriesSeenByTheFlavor.add(config.getInt(RETRIES));
      return List.of();
    }

    @Override
    public StepOperator create(OperatorConfig config) {
      throw new UnsupportedOperationException("only its settings are under test");
    }
  }

  @TempDir
  Path tmp;

  private FlavorRegistry registry() throws Exception {
    Path services = tmp.resolve("services/META-INF/services/io.sparkstep.spi.Flavor");
    Files.createDirectories(services.getParent());
    Files.writeString(services, DeclaredFlavor.class.getName() + "\n");
    URLClassLoader loader = new URLClassLoader(new URL[] {tmp.resolve("services").toUri().toURL()},
        getClass().getClassLoader());
    return new FlavorRegistry(loader);
  }

  private static Map<String, String> settings(String... keyValues) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put(keyValues[i], keyValues[i + 1]);
    }
    return out;
  }

  @Test
  void valuesOfTheWrongTypeAreRefusedAtRegisterWithTheFieldAndTheFix() throws Exception {
    OperatorStore store = new OperatorStore(tmp.resolve("home"), registry());
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> store.register("bad", "declared",
        settings("retries", "many", "verbose", "yes", "heap", "lots", "mode", "reckless"), false));
    List<String> lines = e.problems().stream().map(ValidationProblem::toString).toList();
    assertEquals(List.of(
        "operator bad setting retries: 'many' is not a whole number (e.g. --set retries=2)",
        "operator bad setting verbose: 'yes' is not true or false (--set verbose=true or false)",
        "operator bad setting heap: 'lots' is not a memory size (use Spark notation such as 512m or 4g)",
        "operator bad setting mode: unknown mode 'reckless' (use fast or safe)"), lines);
    assertFalse(Files.exists(store.file()), "nothing registered");
    InvalidSpecException negative = assertThrows(InvalidSpecException.class, () -> store.register("neg", "declared",
        settings("retries", "-1"), false));
    assertEquals("operator neg setting retries: must be at least 0, not -1 (e.g. --set retries=2)",
        negative.getMessage());
    InvalidSpecException huge = assertThrows(InvalidSpecException.class, () -> store.register("huge", "declared",
        settings("retries", "3000000000"), false));
    assertTrue(huge.getMessage().contains("at most " + Integer.MAX_VALUE), huge.getMessage());
  }

  @Test
  void theFlavorSeesOnlyWellTypedValuesSoEveryProblemComesInOnePass() throws Exception {
    FlavorRegistry registry = registry();
    retriesSeenByTheFlavor.clear();
    List<ValidationProblem> problems = registry.validate(registry.get("declared"), settings("retries", "many"));
    assertEquals(List.of("retries"), problems.stream().map(ValidationProblem::field).toList());
    assertEquals(List.of(3), retriesSeenByTheFlavor, "the ill-typed value was not handed on; the default was");
    // A value naming a variable unset here is left to the run, which resolves and checks it.
    assertEquals(List.of(), registry.validate(registry.get("declared"),
        settings("retries", "${SPARKSTEP_TEST_UNSET_RETRIES}")));
  }

  @Test
  void theDefaultIsStatedOnceInTheDeclarationAndAppliedByTheTypedGetters() {
    OperatorConfig unset = new OperatorConfig("op", "declared", Map.of(), List.of(RETRIES, VERBOSE, HEAP, MODE,
        HOSTS));
    assertEquals(3, unset.getInt(RETRIES));
    assertFalse(unset.getBoolean(VERBOSE));
    assertEquals("fast", unset.get(MODE));
    assertEquals(null, unset.get(HEAP));
    assertEquals(List.of(), unset.getList(HOSTS));
    OperatorConfig blank = new OperatorConfig("op", "declared", settings("retries", " ", "mode", ""), List.of(RETRIES,
        MODE));
    assertEquals(3, blank.getInt(RETRIES), "a blank value is no value");
    assertEquals("fast", blank.get(MODE));
    OperatorConfig set = new OperatorConfig("op", "declared", settings("retries", " 7 ", "verbose", "TRUE",
        "hosts", "a, b,,c"), List.of(RETRIES, VERBOSE, HOSTS));
    assertEquals(7, set.getInt(RETRIES));
    assertTrue(set.getBoolean(VERBOSE));
    assertEquals(List.of("a", "b", "c"), set.getList(HOSTS));
    // Read as a type it is not declared with: the flavor's bug, found at its first read.
    assertThrows(IllegalArgumentException.class, () -> set.getLong(RETRIES));
    // A value that reached a run unchecked still cannot be parsed wrongly: it is refused naming operator and key.
    InvalidSpecException wrong = assertThrows(InvalidSpecException.class, () -> new OperatorConfig("op", "declared",
        settings("retries", "many"), List.of(RETRIES)).getInt(RETRIES));
    assertTrue(wrong.getMessage().startsWith("operator op setting retries: 'many' is not a whole number"),
        wrong.getMessage());
  }

  @Test
  void aDefaultItsOwnDeclarationRefusesIsRefusedWhenDeclared() {
    assertThrows(IllegalArgumentException.class, () -> ConfigOption.ofMemory("heap", "lots", "heap"));
    assertThrows(IllegalArgumentException.class,
        () -> ConfigOption.ofInt("retries", -1, "attempts").checkedBy(SettingCheck.atLeast(0)));
    assertThrows(IllegalArgumentException.class,
        () -> new ConfigOption("token", "API token", SettingType.INT, false, null, true, false, null));
  }

  @Test
  void flavorListShowsTypeDefaultAndSecrecyButNeverASecretsValue() {
    assertEquals("whole number, default 3", FlavorCommand.ListFlavors.declaration(RETRIES));
    assertEquals("memory size", FlavorCommand.ListFlavors.declaration(HEAP));
    assertEquals("text, secret: give as ${ENV}", FlavorCommand.ListFlavors.declaration(TOKEN));
    ConfigOption secretWithADefault = new ConfigOption("token", "API token", SettingType.STRING, false,
        "hunter2-default", true, false, null);
    assertFalse(FlavorCommand.ListFlavors.declaration(secretWithADefault).contains("hunter2"));
    assertEquals("text, required", FlavorCommand.ListFlavors.declaration(ConfigOption.required("image", "the image")));
    CliCall list = CliCall.of("flavor", "list");
    assertEquals(0, list.code(), list.all());
    assertTrue(list.out().contains("[text, default in-process]"), list.out());
    assertTrue(list.out().contains("[memory size]"), list.out());
  }

  @Test
  void operatorDescribeShowsDeclaredSecretsRedactedUnlessTheyOnlyNameAVariable() throws Exception {
    FlavorRegistry registry = registry();
    OperatorStore store = new OperatorStore(tmp.resolve("home"), registry);
    InvalidSpecException literal = assertThrows(InvalidSpecException.class, () -> store.register("lit", "declared",
        settings("token", "abc123"), false));
    assertTrue(literal.getMessage().contains("operator lit setting token: is a secret and must not be stored"), literal.getMessage());
    assertFalse(literal.getMessage().contains("abc123"), literal.getMessage());
    store.register("ok", "declared", settings("token", "${SPARKSTEP_TEST_TOKEN}", "retries", "5"), false);
    // What `operator describe` prints: the stored settings, redacted.
    assertEquals(Map.of("token", "${SPARKSTEP_TEST_TOKEN}", "retries", "5"), store.get("ok").redacted());
    OperatorConfig withLiteral = new OperatorConfig("old", "declared", settings("token", "abc123", "retries", "5"),
        registry.get("declared").options());
    assertEquals(Map.of("token", Redactor.REDACTED, "retries", "5"), withLiteral.redacted());
    // A secret prefix covers every key under it.
    OperatorConfig prefixed = new OperatorConfig("old", "declared", settings("password.db", "abc123"),
        List.of(ConfigOption.secret("password.", "passwords by name")));
    assertEquals(Map.of("password.db", Redactor.REDACTED), prefixed.redacted());
    assertEquals(List.of("abc123"), prefixed.secretValues());
  }
}
