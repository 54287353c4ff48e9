package io.sparkstep.submit;

import io.sparkstep.lineage.RunEventPublisher;
import io.sparkstep.api.RunState;
import io.sparkstep.cache.CacheDecision;
import io.sparkstep.cache.CachedRun;
import io.sparkstep.cache.StepCache;
import io.sparkstep.registry.LoadFailure;
import io.sparkstep.spi.remote.SparkHadoopConf;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import io.sparkstep.spi.accel.Accelerator;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.spi.util.UserJars;
import io.sparkstep.api.StepRun;
import io.sparkstep.api.SubmitException;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.spec.StepCatalog;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spec.SpecValidator;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.ValidationProblem;
import io.sparkstep.spi.Flavor;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.OperatorConfig;
import io.sparkstep.spi.PlatformException;
import io.sparkstep.spi.RunContext;
import io.sparkstep.spi.RunSecrets;
import io.sparkstep.spi.StepOperator;
import io.sparkstep.spi.util.SparkstepHome;
import io.sparkstep.spi.SubmitOptions;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The one way a run starts, for the CLI and the Java API alike: fill in the run id and operator, validate the spec
 * and the operator's view of it (every problem at once, nothing launched), store the spec and a SUBMITTED record,
 * then hand it to the operator.
 */
public final class StepSubmitter {
  private final FlavorRegistry flavors;
  private final OperatorStore operators;
  private final RunStore runs;
  private final Path home;
  /** The artifact store under the Sparkstep home, where {@code run}'s cache index lives unless the spec names one. */
  public static final String DEFAULT_ARTIFACTS = "artifacts";

  public StepSubmitter(Path home, FlavorRegistry flavors) {
    this.home = home;
    this.flavors = flavors;
    this.operators = new OperatorStore(home, flavors);
    this.runs = new RunStore(home);
  }

  public StepSubmitter() {
    this(SparkstepHome.resolve(), new FlavorRegistry());
  }

  public FlavorRegistry flavors() {
    return flavors;
  }

  public OperatorStore operators() {
    return operators;
  }

  public RunStore runs() {
    return runs;
  }

  public static String newRunId() {
    return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
        + UUID.randomUUID().toString().substring(0, 6);
  }

  /**
   * Validates everything and starts the run; throws {@link InvalidSpecException} before launching anything, and
   * {@link SubmitException} when the platform refused the run or could not be reached.
   */
  public StepRun submit(String operatorName, StepSpec spec) throws SubmitException {
    return submit(operatorName, spec, SubmitOptions.FOLLOWED);
  }

  /** {@link #submit(String, StepSpec)} with how the caller follows the run ({@code --detach}, explain). */
  public StepRun submit(String operatorName, StepSpec spec, SubmitOptions options) throws SubmitException {
    OperatorConfig config = operators.get(operatorName == null ? OperatorStore.DEFAULT_OPERATOR : operatorName);
    Flavor flavor = flavors.get(config.flavor());
    // Before anything can print a value: from here on every secret of the run is scrubbed wherever it goes.
    RunSecrets.register(spec, config);
    StepOperator operator = flavor.create(config);
    StepSpec prepared = prepare(spec, config);
    List<ValidationProblem> problems = validate(prepared, options, config, flavor, operator);
    // An output that exists because the cache's entry committed it there is what a hit serves, not a conflict.
    List<ValidationProblem> existingOutputs = problems.stream().filter(p -> existingOutput(prepared, p)).toList();
    CacheDecision cache = null;
    if (problems.size() == existingOutputs.size()) {
      cache = operator.reachesStorageFromHere() ? decideCache(prepared, options)
          : new CacheDecision(Boolean.TRUE.equals(prepared.cache) ? CacheDecision.MISS : CacheDecision.OFF, null,
              "operator " + config.name() + " reads its storage where it runs, not from here: no key", null, Map.of());
    }
    if (cache != null && cache.isHit()) {
      problems.removeAll(existingOutputs);
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    if (operator.reachesStorageFromHere() && (cache == null || !cache.isHit())) {
      java.util.Optional<String> unreachable = StorageReachability.firstUnreachable(prepared);
      if (unreachable.isPresent()) {
        throw new SubmitException(unreachable.get(), null, false);
      }
    }
    runs.reserve(prepared.runId);
    RunRecord record = new RunRecord(prepared.runId, prepared.step, config.name(), config.flavor())
        .partOfPipeline(prepared.labels.get(RunRecord.PIPELINE_RUN_LABEL),
            prepared.labels.get(RunRecord.PIPELINE_STEP_LABEL))
        .loggedAt(runs.logFile(prepared.runId).toUri().toString());
    if (cache != null) {
      record = record.cacheVerdict(cache.info());
      for (Map.Entry<String, RunRecord.InputInfo> input : cache.inputs().entrySet()) {
        record = record.inputRead(input.getKey(), input.getValue());
      }
      if (cache.publishes()) {
        prepared.cacheTarget = StepCache.target(cache, artifactStore(prepared), hadoopConf(prepared));
      }
    }
    RunContext context = new RunContext(record, runs, config);
    runs.saveSpec(prepared);
    if (cache != null && cache.isHit()) {
      // Served from the cache: no operator launches, no Spark session starts; the record is final at once.
      CacheDecision hit = cache;
      context.updateAndSave(r -> StepCache.hitFilled(r, hit).moved(RunState.SUCCEEDED));
      return RunEventPublisher.follow(new CachedRun(context), runs, config);
    }
    context.save();
    try {
      return RunEventPublisher.follow(operator.submit(prepared, options, context), runs, config);
    } catch (PlatformException e) {
      // The SPI's failure stays inside the engine; callers of the public API see the API's type.
      throw new SubmitException(e.getMessage(), e, e.retryable());
    } catch (LinkageError e) {
      // A flavor whose classes do not load (a broken plugin directory) never reached its platform: the run ends
      // FAILED here instead of staying SUBMITTED, and the error goes on to the CLI, which names the plugin.
      context.failed(new PlatformException(LoadFailure.describe(e), e, false));
      throw e;
    }
  }

  /**
   * Every problem {@link #submit} would refuse {@code spec} for on {@code operatorName}, launching nothing: how a
   * pipeline checks each of its steps as {@code run} does before any of them starts.
   */
  public List<ValidationProblem> check(String operatorName, StepSpec spec) {
    OperatorConfig config = operators.get(operatorName == null ? OperatorStore.DEFAULT_OPERATOR : operatorName);
    Flavor flavor = flavors.get(config.flavor());
    RunSecrets.register(spec, config);
    StepOperator operator = flavor.create(config);
    return validate(prepare(spec, config), SubmitOptions.FOLLOWED, config, flavor, operator);
  }

  /**
   * The one validation pass before launch: the spec on its own, the operator's settings (they may have been
   * registered by an older version, or name variables unset here), accelerators, then the flavor's view of the
   * spec. Every problem at once.
   */
  private List<ValidationProblem> validate(StepSpec prepared, SubmitOptions options, OperatorConfig config,
                                           Flavor flavor, StepOperator operator) {
    List<ValidationProblem> problems = new ArrayList<>();
    // The step is looked up among the user's jars from every source, in their own loader (see UserJars).
    new SpecValidator(new StepCatalog(UserJars.loader(prepared.jars))).validate(prepared, true, problems);
    if (prepared.runId != null && RunStore.RUN_ID.matcher(prepared.runId).matches()
        && !prepared.runId.contains("..") && runs.exists(prepared.runId)) {
      problems.add(RunStore.taken(prepared.runId).problems().get(0));
    }
    List<ValidationProblem> settingProblems = new ArrayList<>();
    if (!OperatorStore.DEFAULT_OPERATOR.equals(config.name()) || !config.raw().isEmpty()) {
      settingProblems.addAll(flavors.validateOperator(config.name(), flavor, config.raw()));
    }
    // Operator settings are resolved in this process; a spec's conf where the operator says it resolves it.
    SpecValidator.checkEnvironment(operator.resolvesSparkConfHere() ? prepared : new StepSpec(), config.raw(),
        System::getenv, problems);
    if (Accelerator.byId(Accelerators.nameOf(prepared)) != null) {
      // Unknown names are the validator's; these are what makes a known accelerator impossible, on every flavor.
      problems.addAll(Accelerators.check(prepared, options.explain()));
    }
    // What the flavor maps or refuses of the resources, from its declared table: the same comparison on every flavor.
    problems.addAll(operator.resourceTable().problems(prepared.resources));
    try {
      problems.addAll(operator.validate(prepared, options));
    } catch (InvalidSpecException e) {
      problems.addAll(e.problems());
    } catch (RuntimeException e) {
      // A flavor that trips over a value the general pass already refused; otherwise its failure is the problem.
      if (problems.isEmpty()) {
        problems.add(ValidationProblem.of("operator " + config.name(), "flavor " + config.flavor()
            + " could not check the spec: " + e, "check the spec's resources and conf"));
      }
    }
    // A setting the flavor's own run-time check already reported is said once.
    for (ValidationProblem problem : settingProblems) {
      if (problems.stream().noneMatch(p -> p.message().equals(problem.message()))) {
        problems.add(problem);
      }
    }
    return problems;
  }

  /** The artifact store whose cache index the run uses: the spec's, else {@code <home>/artifacts}. */
  public String artifactStore(StepSpec spec) {
    String store = spec.artifactStore;
    if (store == null || store.isBlank()) {
      store = home.resolve(DEFAULT_ARTIFACTS).toAbsolutePath().toUri().toString();
    }
    return store;
  }

  /**
   * The cache's verdict before launch, computed here so it is the same on every flavor and known before anything
   * starts: key, input snapshots (what the record says each input was), and hit or miss. With the cache off, the key
   * and snapshots are still computed for the record; in explain mode nothing is looked up.
   */
  private CacheDecision decideCache(StepSpec prepared, SubmitOptions options) {
    boolean enabled = Boolean.TRUE.equals(prepared.cache) && !options.explain();
    Class<?> stepClass;
    Map<String, Object> typedParams;
    try {
      StepCatalog catalog = new StepCatalog(UserJars.loader(prepared.jars));
      stepClass = catalog.resolve(prepared.step).getClass();
      typedParams = new SpecValidator(catalog).validate(prepared, false, new ArrayList<>());
    } catch (RuntimeException e) {
      return new CacheDecision(enabled ? CacheDecision.MISS : CacheDecision.OFF, null,
          "the step could not be resolved for the key: " + e.getMessage(), null, Map.of());
    }
    return StepCache.decide(prepared, stepClass, typedParams, artifactStore(prepared), hadoopConf(prepared), enabled);
  }

  private static Configuration hadoopConf(StepSpec spec) {
    return SparkHadoopConf.of(spec.sparkConf);
  }

  private static boolean existingOutput(StepSpec spec, ValidationProblem problem) {
    return problem.message().startsWith("output already exists") && spec.outputs.keySet().stream()
        .anyMatch(name -> problem.field().equals("outputs." + name + ".uri"));
  }

  /** A handle to an earlier run, from its record, through the flavor that launched it. */
  public StepRun attach(String runId) {
    RunRecord record = runs.load(runId).orElseThrow(() -> new InvalidSpecException("runId",
        "no run with id " + runId, "list runs with: sparkstep runs list"));
    OperatorConfig config = operators.get(record.operator);
    // A later process (status, logs, cancel) hides the run's secrets as the submitting one did.
    RunSecrets.register(runs.loadSpec(runId).orElse(null), config);
    if (record.cachedFrom != null) {
      // A run the cache served never reached its platform: there is nothing there to ask.
      return RunEventPublisher.follow(new CachedRun(new RunContext(record, runs, config)), runs, config);
    }
    StepOperator operator = flavors.get(config.flavor()).create(config);
    return RunEventPublisher.follow(operator.attach(record, new RunContext(record, runs, config)), runs, config);
  }

  private StepSpec prepare(StepSpec spec, OperatorConfig config) {
    StepSpec prepared = spec.copy();
    if (prepared.runId == null || prepared.runId.isBlank()) {
      prepared.runId = newRunId();
    }
    prepared.operator = new StepSpec.OperatorRef(config.name(), config.flavor());
    prepared.operator.settings = config.redacted();
    LocalPaths.absolutize(prepared);
    prepared.jars = UserJars.collect(prepared.jars, System.getenv(), config.get(UserJars.OPERATOR_SETTING), home);
    Accelerators.applyOperatorDefault(prepared, config);
    return prepared;
  }
}
