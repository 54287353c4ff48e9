package io.sparkstep.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.api.ExitCode;
import io.sparkstep.testing.CliProcess;
import io.sparkstep.testing.DistributionCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the shipped CLI, once, from the unpacked tarball with HOME elsewhere: each exits with its
 * documented code (0 ok, 2 invalid input) and prints no stack trace. The commands' help is walked from
 * {@code sparkstep --help} down, so a command added later is covered without a change here. Independent calls run a
 * few at a time (one JVM each).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("slow")
class CliCommandsSmokeTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final Pattern STACK_TRACE = Pattern.compile("Exception in thread|^\\tat ", Pattern.MULTILINE);
  /** picocli's usage: a "Commands:" section of two-space-indented names. */
  private static final Pattern COMMAND_LINE = Pattern.compile("^  ([a-z][a-z-]*)\\s{2,}\\S", Pattern.MULTILINE);
  private static final List<String> FLAVORS =
      List.of("local", "spark-submit", "kubernetes", "sagemaker", "vertex", "azureml");

  /** Settings each flavor accepts at registration, where nothing is reached yet (made-up but well-formed). */
  private static final Map<String, Map<String, String>> VALID = Map.of(
      "local", Map.of("isolation", "process"),
      "spark-submit", Map.of("master", "spark://127.0.0.1:7077"),
      "kubernetes", Map.of("image", "registry.example/sparkstep:0.1.0", "apiServer", "https://127.0.0.1:6443"),
      "sagemaker", Map.of("roleArn", "arn:aws:iam::123456789012:role/SparkstepSteps",
          "image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/sparkstep:0.1.0",
          "outputPath", "s3://sparkstep-test/out", "region", "us-east-1"),
      "vertex", Map.of("project", "sparkstep-test", "location", "us-central1",
          "image", "us-docker.pkg.dev/sparkstep-test/steps/sparkstep:0.1.0", "stagingUri", "gs://sparkstep-test/runs"),
      "azureml", Map.of("subscriptionId", "00000000-0000-0000-0000-000000000000", "resourceGroup", "sparkstep-rg",
          "workspace", "sparkstep-ws", "compute", "cpu-cluster", "environment", "azureml:sparkstep:1",
          "stagingUri", "abfss://runs@account.dfs.core.windows.net/sparkstep"));
  /** One bad setting per flavor: the setting a refusal must name. */
  private static final Map<String, String> BAD = Map.of(
      "local", "isolation=sideways",
      "spark-submit", "deployMode=sideways",
      "kubernetes", "imagePullPolicy=Sometimes",
      "sagemaker", "pollMillis=often",
      "vertex", "stagingUri=s3://sparkstep-test/runs",
      "azureml", "pollMillis=often");

  @TempDir
  static Path tmp;
  private Path home;
  private final DistributionCli cli = DistributionCli.withTestSteps();
  private final ExecutorService users = Executors.newFixedThreadPool(3);

  @BeforeAll
  void unpack() throws Exception {
    home = Files.createDirectories(tmp.resolve("home"));
    DistributionCli.root();
  }

  @AfterAll
  void stop() {
    users.shutdownNow();
  }

  @Test
  void versionAndTheHelpOfEveryCommandExitZeroWithoutAStackTrace() throws Exception {
    CliProcess version = call("--version");
    assertEquals(ExitCode.SUCCEEDED, version.code(), version.all());
    assertTrue(version.out().contains("sparkstep"), version.all());

    List<List<String>> commands = new ArrayList<>();
    List<List<String>> parents = List.of(List.of());
    while (!parents.isEmpty()) {
      List<Future<Map.Entry<List<String>, CliProcess>>> helps = new ArrayList<>();
      for (List<String> parent : parents) {
        List<String> args = new ArrayList<>(parent);
        args.add("--help");
        helps.add(users.submit(() -> Map.entry(parent, call(args.toArray(String[]::new)))));
      }
      List<List<String>> next = new ArrayList<>();
      for (Future<Map.Entry<List<String>, CliProcess>> future : helps) {
        List<String> parent = future.get().getKey();
        CliProcess help = future.get().getValue();
        assertEquals(ExitCode.SUCCEEDED, help.code(), "sparkstep " + String.join(" ", parent) + " --help: "
            + help.all());
        assertTrue(help.out().contains("Usage: sparkstep"), help.all());
        int section = help.out().indexOf("\nCommands:\n");
        if (section >= 0) {
          Matcher names = COMMAND_LINE.matcher(help.out().substring(section));
          while (names.find()) {
            List<String> command = new ArrayList<>(parent);
            command.add(names.group(1));
            next.add(command);
          }
        }
      }
      commands.addAll(next);
      parents = next;
    }
    assertTrue(commands.size() > 20, "the walk found the commands and their subcommands: " + commands);
    for (List<String> expected : List.of(List.of("flavor", "list"), List.of("operator", "register"),
        List.of("operator", "describe"), List.of("runs", "logs"), List.of("explain"), List.of("steps"))) {
      assertTrue(commands.contains(expected), "sparkstep --help leads to " + expected + ": " + commands);
    }
  }

  @Test
  void flavorListShowsEveryBundledFlavor() throws Exception {
    CliProcess list = call("flavor", "list");
    assertEquals(ExitCode.SUCCEEDED, list.code(), list.all());
    for (String flavor : FLAVORS) {
      assertTrue(list.out().lines().anyMatch(l -> l.startsWith(flavor + " ")), flavor + " is listed: " + list.all());
    }
  }

  @Test
  void stepsRunsListAndExplainAnswer() throws Exception {
    CliProcess steps = call("steps");
    assertEquals(ExitCode.SUCCEEDED, steps.code(), steps.all());
    assertTrue(steps.out().contains("generate-trips"), "the bundled samples are listed: " + steps.all());
    CliProcess describe = call("steps", "generate-trips");
    assertEquals(ExitCode.SUCCEEDED, describe.code(), describe.all());

    CliProcess runs = call("runs", "list");
    assertEquals(ExitCode.SUCCEEDED, runs.code(), runs.all());

    CliProcess unknownRun = call("runs", "status", "20000101-000000-abcdef");
    assertEquals(ExitCode.INVALID_INPUT, unknownRun.code(), unknownRun.all());

    CliProcess explain = call("explain", "--accelerator", "comet", "--step", "generate-trips",
        "--param", "rows=100", "--param", "zones=5");
    assertEquals(ExitCode.SUCCEEDED, explain.code(), explain.all());
    CliProcess badExplain = call("explain", "--accelerator", "quantum", "--step", "generate-trips");
    assertEquals(ExitCode.INVALID_INPUT, badExplain.code(), badExplain.all());
  }

  @Test
  void everyFlavorsOperatorIsRegisteredListedDescribedAndDeletedAndABadSettingIsRefusedInOneLine()
      throws Exception {
    Map<String, Future<CliProcess>> registered = new LinkedHashMap<>();
    Map<String, Future<CliProcess>> refused = new LinkedHashMap<>();
    for (String flavor : FLAVORS) {
      List<String> args = new ArrayList<>(List.of("operator", "register", "op-" + flavor, "--flavor", flavor));
      VALID.get(flavor).forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
      registered.put(flavor, users.submit(() -> call(args.toArray(String[]::new))));
      List<String> bad = new ArrayList<>(List.of("operator", "register", "bad-" + flavor, "--flavor", flavor));
      VALID.get(flavor).forEach((key, value) -> bad.addAll(List.of("--set", key + "=" + value)));
      bad.addAll(List.of("--set", BAD.get(flavor)));
      refused.put(flavor, users.submit(() -> call(bad.toArray(String[]::new))));
    }
    for (String flavor : FLAVORS) {
      CliProcess register = registered.get(flavor).get();
      assertEquals(ExitCode.SUCCEEDED, register.code(), flavor + ": " + register.all());
      CliProcess bad = refused.get(flavor).get();
      assertEquals(ExitCode.INVALID_INPUT, bad.code(), flavor + ": " + bad.all());
      String setting = BAD.get(flavor).substring(0, BAD.get(flavor).indexOf('='));
      List<String> lines = bad.err().lines().filter(l -> !l.isBlank()).toList();
      assertEquals(1, lines.size(), flavor + ": one line: " + bad.err());
      assertTrue(lines.get(0).contains(setting), flavor + ": the refusal names " + setting + ": " + bad.err());
    }

    CliProcess list = call("operator", "list");
    assertEquals(ExitCode.SUCCEEDED, list.code(), list.all());
    for (String flavor : FLAVORS) {
      assertTrue(list.out().contains("op-" + flavor), list.all());
      assertFalse(list.out().contains("bad-" + flavor), "a refused operator is not stored: " + list.all());
    }
    List<Future<CliProcess>> described = new ArrayList<>();
    for (String flavor : FLAVORS) {
      described.add(users.submit(() -> call("operator", "describe", "op-" + flavor)));
    }
    for (int i = 0; i < FLAVORS.size(); i++) {
      CliProcess describe = described.get(i).get();
      assertEquals(ExitCode.SUCCEEDED, describe.code(), describe.all());
      assertTrue(describe.out().contains(FLAVORS.get(i)), describe.all());
    }
    List<Future<CliProcess>> deleted = new ArrayList<>();
    for (String flavor : FLAVORS) {
      deleted.add(users.submit(() -> call("operator", "delete", "op-" + flavor)));
    }
    for (Future<CliProcess> delete : deleted) {
      assertEquals(ExitCode.SUCCEEDED, delete.get().code(), delete.get().all());
    }
    CliProcess missing = call("operator", "describe", "op-local");
    assertEquals(ExitCode.INVALID_INPUT, missing.code(), "a deleted operator is unknown: " + missing.all());
  }

  /** One CLI call; none prints a stack trace (that takes --verbose). */
  private CliProcess call(String... args) throws Exception {
    CliProcess call = cli.run(home, TIMEOUT, Map.of(), args);
    assertFalse(STACK_TRACE.matcher(call.all()).find(),
        "sparkstep " + String.join(" ", args) + " printed a stack trace:\n" + call.all());
    return call;
  }
}
