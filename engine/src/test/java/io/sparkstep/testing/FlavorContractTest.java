package io.sparkstep.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sparkstep.api.ExitCode;
import io.sparkstep.api.RunRecordView;
import io.sparkstep.api.RunState;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.launch.Sparkstep;
import io.sparkstep.submit.StepSubmitter;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.util.Redactor;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.spec.ResourceField;
import io.sparkstep.spi.spec.StepSpec;

/**
 * The run contract every flavor keeps, written once and run by each flavor module against its real platform or
 * stand-in (embedded Spark, a standalone cluster on 127.0.0.1, the Kubernetes API stand-in, the SageMaker, Vertex
 * and Azure ML stand-ins). A flavor's module subclasses it, starts its platform, registers an operator and answers
 * the few questions only it can (what it refuses, what "nothing left" means on its platform, the container's own
 * copy of the log); every assertion here is the same for all of them.
 *
 * <p>Four real runs per flavor: a success (with a spec past 256 KiB), a failure (a step that reads a secret by
 * reference and leaks it down every route), a cancel, and a detached run that only fresh CLI processes follow. The
 * refusals never reach the platform. After every test the secret is looked for everywhere the runs went.
 *
 * <p>Each test sets up what it needs and checks what it left, so the tests hold in any order (JUnit's default
 * method order; {@code -Djunit.jupiter.testmethod.order.default=org.junit.jupiter.api.MethodOrderer$Random} shuffles
 * them).
 *
 * <p>Which of them run, and how, is the subclass's {@link #mode()}: all of them with the test's class path, or split
 * between a flavor module (the Java API) and the dist-tests module, where the registration, the success, the failure
 * and the detached run go through the unpacked distribution's {@code bin/sparkstep} (the product: flavors from its
 * {@code plugins/}, nothing from the test's class path).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("slow")
public abstract class FlavorContractTest {
  /** The home of the class's runs and in-process CLI calls (as bin/sparkstep passes it); its parent is {@code tmp}. */
  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perClass();
  /** The Spark conf key the runs carry the secret in, by reference: only the driver resolves it. */
  protected static final String SECRET_CONF = "spark.sparkstep.test.token";
  protected static final Duration CLI_TIMEOUT = Duration.ofMinutes(3);
  private static final String RUN_ID_LINE = "\\d{8}-\\d{6}-[0-9a-f]{6}";
  private static final java.util.regex.Pattern TIMESTAMPED =
      java.util.regex.Pattern.compile("^\\d{2}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2} ");

  protected Path tmp;
  protected Path home;
  protected String operator;
  protected RunStore store;
  private SecretRoutes secrets;

  /** Which promises a subclass checks, and through what. */
  public enum Mode {
    /** Every test; runs through the Java API, CLI calls in fresh JVMs of the test's class path. */
    TEST_CLASS_PATH,
    /**
     * What only the Java API and an in-process call check (cancel through a run's handle while its log streams, the
     * refusals); the runs a user makes with the CLI are left to a {@link #DISTRIBUTION} subclass of the same flavor.
     */
    JAVA_API,
    /**
     * The operator's registration, the success, the failure and the detached run, each a {@code sparkstep} call of
     * the unpacked distribution ({@link DistributionCli}); what the Java API alone can do is left to {@link #JAVA_API}.
     */
    DISTRIBUTION
  }

  /** A setting the flavor cannot map and the spec field its refusal must name. */
  public record Refusal(String resources, String field) {
  }

  /**
   * Starts the flavor's platform (or stand-in) and registers an operator for it in {@code home} (through
   * {@link #registerOperator}), whose runs may write under {@code tmp}.
   *
   * @return the operator's name
   */
  protected abstract String startPlatform(Path tmp, Path home) throws Exception;

  /** Resources this flavor cannot map, and the field the one-line refusal names. */
  protected abstract Refusal unsupportedResources();

  /** Which of the promises this class checks, and through what (by default all, with the test's class path). */
  protected Mode mode() {
    return Mode.TEST_CLASS_PATH;
  }

  /** How a fresh CLI process is started: the distribution's launcher, or the CLI's main on the test's class path. */
  protected CliLauncher cliLauncher() {
    return mode() == Mode.DISTRIBUTION ? DistributionCli.withTestSteps() : CliLauncher.testClassPath(cliSetup());
  }

  /**
   * Registers operator {@code name} of {@code flavor}: in {@link Mode#DISTRIBUTION}, as a user does
   * ({@code sparkstep operator register NAME --flavor FLAVOR --set KEY=VALUE...}), else in this JVM.
   */
  protected final void registerOperator(String name, String flavor, Map<String, String> settings) throws Exception {
    if (mode() != Mode.DISTRIBUTION) {
      new OperatorStore(home, new FlavorRegistry()).register(name, flavor, settings, false);
      return;
    }
    List<String> args = new ArrayList<>(List.of("operator", "register", name, "--flavor", flavor));
    settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
    CliProcess register = cli(args.toArray(String[]::new));
    assertEquals(ExitCode.SUCCEEDED, register.code(), register.all());
  }

  /** Stops what {@link #startPlatform} started. */
  protected void stopPlatform() throws Exception {
  }

  /** The operator a GPU step is checked against (the flavor's own, unless GPUs need another setting). */
  protected String gpuOperator() {
    return operator;
  }

  /**
   * Whether a literal secret in a run's Spark conf is refused before anything runs (every flavor that stores a job
   * definition or config map on a platform), or carried to the driver outside anything stored (local: the child's
   * environment).
   */
  protected boolean refusesLiteralSecrets() {
    return true;
  }

  /** What a user's shell would have exported for this platform (credentials of the default chain). */
  protected Map<String, String> cliEnvironment() {
    return Map.of();
  }

  /** Installed in every fresh CLI JVM before the CLI runs, as an embedding application would (null: none). */
  protected Class<? extends Runnable> cliSetup() {
    return null;
  }

  /** How long one run may take on this platform. */
  protected Duration runTimeout() {
    return Duration.ofMinutes(4);
  }

  /** Where a run's output named {@code name} goes: a Hadoop FS URI this test can look at. */
  protected String outputUri(String name) {
    return tmp.resolve("data").resolve(name).toUri().toString();
  }

  /** Whether anything was committed at {@code uri}. */
  protected boolean outputExists(String uri) {
    return Files.exists(Path.of(URI.create(uri)));
  }

  /**
   * The container's or driver's own log lines as the platform holds them, where the flavor copies them into the run's
   * log; empty where the run's log is written in place.
   */
  protected Optional<List<String>> platformLog(RunRecord record) throws Exception {
    return Optional.empty();
  }

  /**
   * Fails unless nothing of the cancelled run is left on the platform. By default: no process this JVM started
   * names the run (the stand-ins' containers and local children are such processes). Flavors add their platform's
   * objects (pods, jobs, drivers).
   */
  protected void assertNothingLeft(RunRecord record) throws Exception {
    eventually("no process of run " + record.runId + " is left", Duration.ofSeconds(30), () ->
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).noneMatch(p ->
            p.info().commandLine().map(line -> line.contains(record.runId)).orElse(false)));
  }

  /** What this platform must show of the successful run (its request, its job's names in the record). */
  protected void checkSucceeded(RunRecord record) throws Exception {
  }

  /** What this platform must show of the failed run (its own failure reason kept next to the step's). */
  protected void checkFailed(RunRecord record) throws Exception {
  }

  /** Directories the platform wrote besides {@code tmp} (a stand-in's pod directories): searched for the secret. */
  protected List<Path> platformFiles() {
    return List.of();
  }

  /** Texts the platform stored (requests, job definitions, config maps): the secret must be in none. */
  protected Map<String, String> platformTexts() throws Exception {
    return Map.of();
  }

  @BeforeAll
  final void startContract() throws Exception {
    home = HOME.path();
    // A platform's own extension (kubernetes' StandInCluster) points sparkstep.home at a home of its own after this
    // class's extension did; the contract's in-process CLI calls use the contract's home, where its operator is.
    System.setProperty("sparkstep.home", home.toString());
    tmp = home.getParent();
    secrets = new SecretRoutes(home);
    operator = startPlatform(tmp, home);
    store = new RunStore(home);
  }

  @AfterAll
  final void stopContract() throws Exception {
    if (secrets != null) {
      secrets.close();
    }
    stopPlatform();
  }

  @Test
  void aStepRunsThroughItsStatesToSucceededWithRowsPerOutputAndASpecPast256KiB() throws Exception {
    assumeTrue(mode() != Mode.JAVA_API, "a run as a user makes it: checked through the distribution (dist-tests)");
    // 256 KiB in eight conf values of 32 KiB (one value may hold at most 64 KiB, see SpecValidator's limits): past
    // Linux's 128 KiB for one argument and past every platform's limit for one environment value
    Map<String, String> padding = new TreeMap<>();
    for (int i = 0; i < 8; i++) {
      padding.put("spark.sparkstep.test.padding" + i, Integer.toString(i).repeat(32 * 1024));
    }
    Map<String, String> conf = new TreeMap<>(padding);
    conf.put(SECRET_CONF, SecretRoutes.REFERENCE);
    Finished run = runToEnd("generate-trips", Map.of("rows", 1500, "zones", 20, "partitions", 2),
        Map.of("trips", outputUri("ok/trips"), "zones", outputUri("ok/zones")), conf);
    assertEquals(RunState.SUCCEEDED, run.state(), () -> run.output() + "log:\n" + log(run.id()));
    List<RunState> seen = run.seen();

    RunRecordView view = run.record();
    assertEquals(Map.of("trips", 1500L, "zones", 20L), view.rowsWritten(), "rows per output");
    assertTrue(view.outputUris().keySet().containsAll(List.of("trips", "zones")), view.outputUris().toString());
    assertTrue(outputExists(outputUri("ok/trips")) && outputExists(outputUri("ok/zones")), "both committed");
    assertTrue(seen.contains(RunState.RUNNING) && seen.get(seen.size() - 1) == RunState.SUCCEEDED,
        "SUBMITTED, RUNNING, SUCCEEDED: " + seen);
    List<RunState> order = List.of(RunState.SUBMITTED, RunState.RUNNING, RunState.SUCCEEDED);
    assertTrue(seen.stream().allMatch(order::contains), "only forward states: " + seen);
    assertEquals(seen.stream().sorted(Comparator.comparingInt(order::indexOf)).toList(), seen, "forward only");
    RunRecord stored = store.load(run.id()).orElseThrow();
    assertEquals(RunState.SUCCEEDED, stored.state);
    assertTrue(!stored.startedAt.isBefore(stored.submittedAt) && !stored.endedAt.isBefore(stored.startedAt),
        "the platform's times in order: " + stored.submittedAt + " " + stored.startedAt + " " + stored.endedAt);
    checkSucceeded(stored);
  }

  @Test
  void aFailingStepIsFailedWithItsOwnMessageScrubbedAndCommitsNothing() throws Exception {
    assumeTrue(mode() != Mode.JAVA_API, "a run as a user makes it: checked through the distribution (dist-tests)");
    String out = outputUri("failed/out");
    Finished run = runToEnd(SecretLeakingStep.class.getName(), Map.of("confKey", SECRET_CONF), Map.of("out", out),
        Map.of(SECRET_CONF, SecretRoutes.REFERENCE));
    assertEquals(RunState.FAILED, run.state(), () -> run.output() + "log:\n" + log(run.id()));
    String error = run.record().errorMessage();
    assertNotNull(error, "a failed run says why");
    assertTrue(error.contains("login failed for " + Redactor.REDACTED), "the step's own message, scrubbed: " + error);
    assertFalse(outputExists(out), "a failed step commits nothing");
    RunRecord stored = store.load(run.id()).orElseThrow();
    assertEquals(RunState.FAILED, stored.state);
    assertTrue(stored.error.message.contains("login failed for"), stored.error.message);
    SecretRoutes.assertStepReadTheSecret(log(run.id()));
    checkFailed(stored);
  }

  @Test
  void cancelWhileRunningEndsCancelledWithNothingCommittedAndNothingLeft() throws Exception {
    assumeTrue(mode() != Mode.DISTRIBUTION, "the Java API's cancel: checked by the flavor module");
    String out = outputUri("cancelled/out");
    StepRun run = Sparkstep.operator(operator, home).step(SlowStep.class).param("seconds", 120)
        .output("out", out).conf(SECRET_CONF, SecretRoutes.REFERENCE).submit();
    // as `sparkstep runs logs --follow` does: the step's own line arrives while it runs
    String started;
    try (Stream<String> follow = run.logs(true)) {
      started = follow.peek(secrets::saw).filter(l -> l.contains("slow step: tasks sleep")).findFirst().orElse(null);
    }
    assertNotNull(started, "the running step's log line was streamed before the run ended:\n" + log(run.id()));
    assertEquals(RunState.RUNNING, run.state());
    long cancelledAt = System.nanoTime();
    run.cancel();
    assertEquals(RunState.CANCELLED, run.await(Duration.ofMinutes(1)));
    assertTrue(Duration.ofNanos(System.nanoTime() - cancelledAt).toSeconds() < 60, "cancel did not wait for the step");
    assertFalse(outputExists(out), "a cancelled step commits nothing");
    RunRecord stored = store.load(run.id()).orElseThrow();
    assertEquals(RunState.CANCELLED, stored.state);
    assertNothingLeft(stored);
  }

  @Test
  void aDetachedRunFollowedOnlyByFreshProcessesReachesItsFinalStateWithEachLogLineOnce() throws Exception {
    assumeTrue(mode() != Mode.JAVA_API, "fresh CLI processes: checked through the distribution (dist-tests)");
    CliProcess submit = cli("run", "--operator", operator, "--detach", "--step", "generate-trips",
        "--param", "rows=700", "--param", "zones=10", "--output", "trips=" + outputUri("detached/trips"),
        "--output", "zones=" + outputUri("detached/zones"), "--conf", SECRET_CONF + "=" + SecretRoutes.REFERENCE);
    assertEquals(ExitCode.SUCCEEDED, submit.code(), submit.all());
    String runId = submit.out().lines().filter(l -> l.matches(RUN_ID_LINE)).findFirst()
        .orElseThrow(() -> new AssertionError("run --detach prints the run id: " + submit.all()));

    // Only new processes ask, several at once (users in other terminals): one follows the log to the end, two ask
    // for the status until it is final. Nothing of the submitter is left to record anything.
    ExecutorService users = Executors.newFixedThreadPool(3);
    Future<CliProcess> follow;
    try {
      // a follow lasts as long as the run
      follow = users.submit(() -> cli(runTimeout().plus(Duration.ofMinutes(1)), "runs", "logs", runId, "--follow"));
      List<Future<RunState>> pollers = List.of(users.submit(() -> pollUntilFinal(runId)),
          users.submit(() -> pollUntilFinal(runId)));
      for (Future<RunState> poller : pollers) {
        assertEquals(RunState.SUCCEEDED, poller.get(runTimeout().toSeconds() + 60, TimeUnit.SECONDS),
            () -> "log:\n" + log(runId));
      }
      CliProcess followed = follow.get(runTimeout().toSeconds() + 90, TimeUnit.SECONDS);
      assertEquals(ExitCode.SUCCEEDED, followed.code(), followed.all());
      assertFalse(followed.out().isBlank(), "--follow streamed the log and ended with the run");
    } finally {
      users.shutdownNow();
    }
    CliProcess list = cli("runs", "list");
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith(runId) && l.contains("SUCCEEDED")), list.all());

    RunRecord stored = store.load(runId).orElseThrow();
    assertEquals(RunState.SUCCEEDED, stored.state, "what the pollers learnt is stored");
    assertTrue(stored.outputs.get("trips").committed, "the driver's record is merged: " + stored.outputs);
    assertTrue(stored.startedAt != null && !stored.startedAt.isBefore(stored.submittedAt)
        && stored.durationMillis != null, "times from the platform");

    // re-attach by run id from a fresh process: the whole record, rows included
    CliProcess json = cli("runs", "status", runId, "--json");
    assertEquals(ExitCode.SUCCEEDED, json.code(), json.all());
    RunRecord attached = RunRecordJson.read(json.out());
    assertEquals(RunState.SUCCEEDED, attached.state);
    assertEquals(700L, attached.outputs.get("trips").rows);
    assertEquals(10L, attached.outputs.get("zones").rows);

    String runLog = log(runId);
    CliProcess logs = cli("runs", "logs", runId);
    assertEquals(ExitCode.SUCCEEDED, logs.code(), logs.all());
    assertFalse(logs.out().isBlank(), "a finished detached run has its log without --follow");
    assertEquals(runLog.strip(), logs.out().strip(), "runs logs prints the run's log");
    Optional<List<String>> platformLog = platformLog(stored);
    if (platformLog.isPresent()) {
      assertEachLineOnce(platformLog.get(), runLog);
    }
  }

  /**
   * A detached run that ended before anyone looked keeps the platform's times: the observer that first sees the end
   * (here a {@code runs status} long after it) stores when the driver started and ended, not when it looked.
   */
  @Test
  void aDetachedRunObservedLateKeepsThePlatformsTimesNotTheObserversClock() throws Exception {
    assumeTrue(mode() != Mode.JAVA_API, "fresh CLI processes: checked through the distribution (dist-tests)");
    CliProcess submit = cli("run", "--operator", operator, "--detach", "--step", "generate-trips",
        "--param", "rows=300", "--param", "zones=5", "--output", "trips=" + outputUri("late/trips"),
        "--output", "zones=" + outputUri("late/zones"));
    assertEquals(ExitCode.SUCCEEDED, submit.code(), submit.all());
    String runId = submit.out().lines().filter(l -> l.matches(RUN_ID_LINE)).findFirst()
        .orElseThrow(() -> new AssertionError("run --detach prints the run id: " + submit.all()));
    RunRecord[] driver = new RunRecord[1];
    eventually("the driver of " + runId + " recorded its end", runTimeout(),
        () -> (driver[0] = driverRecord(runId).orElse(null)) != null);
    // the platform's own end follows (the driver's JVM stops, a stand-in's container exits): wait for it too
    eventually("no process of run " + runId + " is left", runTimeout(), () -> processesOf(runId) == 0);
    java.time.Instant platformEnded = java.time.Instant.now();
    java.time.Instant lateFrom = platformEnded.plus(LATE_OBSERVATION);
    eventually("the clock passed " + lateFrom, LATE_OBSERVATION.plusSeconds(5),
        () -> java.time.Instant.now().isAfter(lateFrom));
    assertFalse(store.load(runId).orElseThrow().state.isFinal(), "nobody observed the end before this test did");

    CliProcess status = cli("runs", "status", runId, "--json");
    assertEquals(ExitCode.SUCCEEDED, status.code(), status.all());
    RunRecord observed = store.load(runId).orElseThrow();
    assertEquals(RunState.SUCCEEDED, observed.state, () -> "log:\n" + log(runId));
    java.time.Instant driverEnd = driver[0].endedAt;
    assertTrue(!observed.endedAt.isBefore(driverEnd.minusSeconds(1))
            && !observed.endedAt.isAfter(platformEnded.plusSeconds(1)),
        "endedAt is the platform's (the driver ended " + driverEnd + ", its processes by " + platformEnded
            + "), not the observation's (from " + lateFrom + "): " + observed.endedAt);
    assertTrue(!observed.startedAt.isAfter(driver[0].startedAt), "startedAt is the platform's (driver started "
        + driver[0].startedAt + "): " + observed.startedAt);
    assertEquals(Duration.between(observed.startedAt, observed.endedAt).toMillis(), observed.durationMillis,
        "the duration is the platform's start to its end");
    assertEquals(observed.endedAt, RunRecordJson.read(status.out()).endedAt, "runs status shows the stored end");
  }

  /** Processes of this JVM's tree that name the run: a stand-in's containers, local children. */
  private static long processesOf(String runId) {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(line -> line.contains(runId)).orElse(false)).count();
  }

  /** How long after the platform's end the late observer first looks. */
  private static final Duration LATE_OBSERVATION = Duration.ofSeconds(6);

  /**
   * The run's final record as its driver wrote it on the platform, read without observing the run (which would
   * store its end); empty until the driver has written a final one. By default any {@code record.json} of the run
   * under {@code tmp} or {@link #platformFiles()} other than the Sparkstep home's own record of it.
   */
  protected Optional<RunRecord> driverRecord(String runId) {
    Path homeRecord = store.recordFile(runId).toAbsolutePath();
    List<Path> roots = new ArrayList<>(List.of(tmp));
    roots.addAll(platformFiles());
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        Optional<RunRecord> found = files.filter(f -> f.getFileName().toString().equals("record.json"))
            .filter(f -> !f.toAbsolutePath().equals(homeRecord)).map(FlavorContractTest::readRecord)
            .flatMap(Optional::stream)
            .filter(r -> runId.equals(r.runId) && r.state != null && r.state.isFinal() && r.endedAt != null)
            .findFirst();
        if (found.isPresent()) {
          return found;
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        // a directory removed while walking (a run's staging cleaned up): the next look walks it again
      }
    }
    return Optional.empty();
  }

  private static Optional<RunRecord> readRecord(Path file) {
    try {
      return Optional.of(RunRecordJson.read(Files.readString(file)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // being written, or not a run record
    }
  }

  /**
   * A run and what its submitter saw of it.
   *
   * @param id the run's id
   * @param state its final state
   * @param seen the states the submitter was told of, in order (the Java API's listener; the CLI's "run ID STATE")
   * @param record the run's record as the Java API shows it
   * @param output what a CLI submitter printed (empty through the Java API)
   */
  protected record Finished(String id, RunState state, List<RunState> seen, RunRecordView record, String output) {
  }

  /**
   * Runs {@code step} on the operator to its end: in {@link Mode#DISTRIBUTION} as {@code sparkstep run} of the
   * distribution (which waits, printing each state), else through the Java API with a listener.
   */
  protected Finished runToEnd(String step, Map<String, Object> params, Map<String, String> outputs,
                              Map<String, String> conf) throws Exception {
    if (mode() != Mode.DISTRIBUTION) {
      Sparkstep builder = Sparkstep.operator(operator, home).step(step).conf(conf);
      params.forEach(builder::param);
      outputs.forEach(builder::output);
      StepRun run = builder.submit();
      List<RunState> seen = Collections.synchronizedList(new ArrayList<>(List.of(run.state())));
      run.addListener(r -> seen.add(r.state()));
      RunState state = run.await(runTimeout());
      return new Finished(run.id(), state, List.copyOf(seen), run.record(), "");
    }
    List<String> args = new ArrayList<>(List.of("run", "--operator", operator, "--step", step));
    params.forEach((name, value) -> args.addAll(List.of("--param", name + "=" + value)));
    outputs.forEach((name, uri) -> args.addAll(List.of("--output", name + "=" + uri)));
    conf.forEach((key, value) -> args.addAll(List.of("--conf", key + "=" + value)));
    CliProcess run = cli(runTimeout().plus(Duration.ofMinutes(1)), args.toArray(String[]::new));
    String runId = run.err().lines().filter(l -> l.startsWith("run ") && l.contains(" submitted to operator "))
        .map(l -> l.split(" ")[1]).findFirst()
        .orElseThrow(() -> new AssertionError("sparkstep run names the run it submitted: " + run.all()));
    // "run ID STATE" as the CLI prints each state it is told of, then its summary "run ID STATE[ in N s]"
    List<RunState> seen = new ArrayList<>(List.of(RunState.SUBMITTED));
    run.err().lines().filter(l -> l.matches("run " + runId + " [A-Z]+")).map(l -> RunState.valueOf(l.split(" ")[2]))
        .forEach(seen::add);
    RunState state = run.out().lines().filter(l -> l.startsWith("run " + runId + " ")).findFirst()
        .map(l -> RunState.valueOf(l.split(" ")[2]))
        .orElseThrow(() -> new AssertionError("sparkstep run ends with the run's summary: " + run.all()));
    assertEquals(state.exitCode(), run.code(), "the exit code of a run that ended " + state + ": " + run.all());
    return new Finished(runId, state, seen, attach(runId).record(), run.all());
  }

  /** {@code runs status} from fresh processes, one after another, until the run is final; its final state. */
  private RunState pollUntilFinal(String runId) throws Exception {
    long deadline = System.nanoTime() + runTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      CliProcess status = cli("runs", "status", runId);
      assertEquals(ExitCode.SUCCEEDED, status.code(), status.all());
      // "run ID STATE[ in N s]", as RunCommand prints a summary
      String line = status.out().lines().filter(l -> l.startsWith("run " + runId + " ")).findFirst()
          .orElseThrow(() -> new AssertionError("runs status names the run: " + status.all()));
      RunState state = RunState.valueOf(line.split(" ")[2]);
      if (state.isFinal() || state == RunState.UNKNOWN) {
        return state;
      }
    }
    throw new AssertionError("no final state within " + runTimeout() + ":\n" + log(runId));
  }

  /**
   * Every line the platform holds is in the run's log, never missing; a log line of the driver (timestamped to the
   * second by Spark's layout) is there exactly as often as on the platform, never twice. Untimestamped lines ("Using
   * Spark's default log4j profile") may also come from another JVM that writes to the run's log (a submitting
   * spark-submit), so for them only "not missing" is asked.
   */
  private static void assertEachLineOnce(List<String> platformLines, String runLog) {
    assertFalse(platformLines.isEmpty(), "the platform has the container's log");
    Map<String, Long> expected = count(platformLines.stream().map(Redactor::scrub).toList());
    Map<String, Long> copied = count(runLog.lines().toList());
    List<String> wrong = new ArrayList<>();
    expected.forEach((line, times) -> {
      long found = copied.getOrDefault(line, 0L);
      boolean driverLine = TIMESTAMPED.matcher(line).find();
      if (driverLine ? found != times : found < times) {
        wrong.add(times + " on the platform, " + found + " copied: " + line);
      }
    });
    assertTrue(wrong.isEmpty(), wrong.size() + " of " + expected.size() + " lines copied wrongly:\n"
        + String.join("\n", wrong.subList(0, Math.min(10, wrong.size()))));
  }

  private static Map<String, Long> count(List<String> lines) {
    return lines.stream().filter(l -> !l.isBlank())
        .collect(Collectors.groupingBy(Function.identity(), LinkedHashMap::new, Collectors.counting()));
  }

  @Test
  void unsupportedResourcesAreRefusedInOneLineNamingTheFieldBeforeAnythingRuns() throws Exception {
    assumeTrue(mode() != Mode.DISTRIBUTION, "an in-process refusal: checked by the flavor module");
    Refusal refusal = unsupportedResources();
    int runsBefore = store.list().size();
    CliCall call = CliCall.of("run", "--operator", operator, "--step", "generate-trips",
        "--output", "trips=" + outputUri("refused/trips"), "--output", "zones=" + outputUri("refused/zones"),
        "--resources", refusal.resources());
    secrets.saw(call.all());
    assertEquals(ExitCode.INVALID_INPUT, call.code(), call.all());
    assertTrue(call.err().lines().anyMatch(l -> l.contains(refusal.field())), "names " + refusal.field() + ": "
        + call.err());
    assertEquals(runsBefore, store.list().size(), "nothing was recorded, so nothing was submitted");
  }

  @Test
  void theSameGpuVendorIsAcceptedOrRefusedAlike() {
    assumeTrue(mode() != Mode.DISTRIBUTION, "in-process refusals: checked by the flavor module");
    // a parameter the step does not have makes every call a refusal, so none is submitted: what differs between
    // the calls is only what the flavor says of the vendor
    Map<String, String> refusals = new LinkedHashMap<>();
    for (String vendor : List.of("nvidia", "nvidia.com", "NVIDIA", "acme")) {
      CliCall call = CliCall.of("run", "--operator", gpuOperator(), "--step", "generate-trips",
          "--param", "noSuchParam=1", "--output", "trips=" + outputUri("gpu/trips"),
          "--output", "zones=" + outputUri("gpu/zones"), "--resources", "gpus=1,gpuVendor=" + vendor);
      secrets.saw(call.all());
      assertEquals(ExitCode.INVALID_INPUT, call.code(), call.all());
      assertTrue(call.err().contains("noSuchParam"), call.err());
      refusals.put(vendor, call.err().replace("'" + vendor + "'", "'VENDOR'").replace("=" + vendor, "=VENDOR"));
    }
    assertFalse(refusals.get("nvidia").contains("resources.gpuVendor"), "nvidia is a vendor every flavor knows: "
        + refusals.get("nvidia"));
    assertEquals(refusals.get("nvidia"), refusals.get("nvidia.com"), "nvidia.com means nvidia");
    assertEquals(refusals.get("nvidia"), refusals.get("NVIDIA"), "the word is not case-sensitive");
    assertTrue(refusals.get("acme").contains("resources.gpuVendor"), "an unknown vendor is refused by name: "
        + refusals.get("acme"));
  }

  /**
   * What the flavor builds for {@code spec} on the operator {@code config} (its request, conf or plan) as text that
   * differs when the mapping does: how {@link #everyResourceFieldIsMappedOrRefusedAsTheFlavorDeclares} sees a field
   * mapped. Every subclass that runs that test says it.
   */
  protected String resourceRequest(StepSpec spec, OperatorConfig config)
      throws Exception {
    return null;
  }

  /** A value of {@code field} for the resource walk; a flavor overrides the ones of its own vocabulary. */
  protected ResourceTableWalk.Sample resourceSample(ResourceField field) {
    return ResourceTableWalk.Sample.of(field);
  }

  @Test
  void everyResourceFieldIsMappedOrRefusedAsTheFlavorDeclares() throws Exception {
    assumeTrue(mode() != Mode.DISTRIBUTION, "in-process refusals: checked by the flavor module");
    new ResourceTableWalk(operator, home, this::resourceSample, this::resourceRequest, this::outputUri).walk();
  }

  @Test
  void aLiteralSecretInConfIsRefusedBeforeAnythingRunsOrCarriedWhereNothingStoresIt() throws Exception {
    assumeTrue(mode() != Mode.DISTRIBUTION, "a literal secret through the Java API: checked by the flavor module");
    if (refusesLiteralSecrets()) {
      int runsBefore = store.list().size();
      secrets.literalConfIsRefused(operator, outputUri("literal/out"));
      assertEquals(runsBefore, store.list().size(), "nothing was recorded, so nothing was submitted");
      return;
    }
    // carried to the driver outside anything stored; the last test looks for it everywhere the secret may not be
    String key = "spark.hadoop.fs.s3a.secret.key";
    StepRun run = Sparkstep.operator(operator, home).step(SecretLeakingStep.class).param("confKey", key)
        .output("out", outputUri("literal/out")).conf(key, secrets.literal).submit();
    assertEquals(RunState.FAILED, run.await(runTimeout()), () -> "log:\n" + log(run.id()));
    assertTrue(run.record().errorMessage().contains("login failed for " + Redactor.REDACTED),
        run.record().errorMessage());
  }

  /** How many runs the store held when the current test started. */
  private int runsBeforeTest;

  @BeforeEach
  final void countRuns() throws Exception {
    runsBeforeTest = store.list().size();
  }

  /**
   * The secret every run carries by reference (and the failing one printed, logged and threw) is in no file, log,
   * record, CLI output, process command line or stored request: checked after each test, on everything the runs so
   * far left, so no test relies on another having run first.
   */
  @AfterEach
  final void noSecretValueInAnyFileLogRecordOrProcessCommandLine() throws Exception {
    List<Path> roots = new ArrayList<>(List.of(tmp));
    roots.addAll(platformFiles());
    boolean ranSomething = store.list().size() > runsBeforeTest;
    secrets.assertNowhere(roots, platformTexts(), ranSomething);
  }

  /** A CLI call in a JVM of its own, as a user makes it from another terminal; what it printed is checked too. */
  protected CliProcess cli(String... args) throws IOException, InterruptedException {
    return cli(CLI_TIMEOUT, args);
  }

  private CliProcess cli(Duration timeout, String... args) throws IOException, InterruptedException {
    CliProcess call = cliLauncher().run(home, timeout, cliEnvironment(), args);
    secrets.saw(call.all());
    return call;
  }

  /** A later process's handle on run {@code runId} (what runs status and attach use). */
  protected StepRun attach(String runId) {
    return new StepSubmitter(home, new FlavorRegistry()).attach(runId);
  }

  protected String log(String runId) {
    try {
      return Files.readString(store.logFile(runId));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Waits for {@code condition}, checking it a few times a second, and fails with {@code what} past {@code limit}. */
  protected static void eventually(String what, Duration limit, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.sleep(200);
    }
  }
}
