package io.sparkstep.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.accel.AcceleratorPlan;
import io.sparkstep.spi.accel.Accelerators;
import io.sparkstep.docker.userstep.ImageProbeStep;
import io.sparkstep.api.ExitCode;
import io.sparkstep.api.RunState;
import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunRecordJson;
import io.sparkstep.runtime.StepEntrypoint;
import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import io.sparkstep.spi.remote.SpecChannel;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The step images run without Docker: each Dockerfile's file tree is assembled by reading its instructions
 * ({@link ImageTree}; a line it does not understand fails), with Spark's jars from Maven where the base image has
 * its distribution ({@link BaseImageStandIns}), and the image's own entrypoint is run from it with the image's
 * environment, once per way a platform starts the container: a managed ML platform (SageMaker's {@code train},
 * Vertex AI's bare entrypoint, Azure ML's command), a Kubernetes driver and executor, and {@code --version}. The
 * same jars and the same class path as in the image: a missing jar, a wrong path in a script, or a class the image
 * cannot load fails here. Each test starts its own processes and writes under its own directory: they run side by
 * side.
 */
@Execution(ExecutionMode.CONCURRENT)
@Tag("slow")
class ImageTreeTest {
  /** RAPIDS (about 1 GB) is never fetched by a test: the GPU tree lacks it, which this check says, not hides. */
  private static final String NOT_FETCHED_HERE = "rapids-4-spark_";

  @TempDir
  static Path tmp;
  static ImageTree cpu;
  static ImageTree gpu;
  /** A user's image on the CPU one: {@code FROM sparkstep:VERSION}, {@code COPY my-steps.jar /opt/sparkstep/jars/}. */
  static ImageTree userImage;

  @BeforeAll
  static void assembleBothImages() throws IOException {
    Map<String, ImageTree.BaseImage> bases = BaseImageStandIns.all(
        Path.of(System.getProperty("spark.image.jars", "target/spark-image-jars.txt")));
    Map<String, String> versions = DockerContextTest.versions();
    cpu = ImageTree.assemble(DockerContextTest.DOCKER.resolve("Dockerfile"), DockerContextTest.CONTEXT, versions,
        bases, ImageTreeTest::mavenJar, tmp.resolve("cpu"));
    gpu = ImageTree.assemble(DockerContextTest.DOCKER.resolve("Dockerfile.gpu"), DockerContextTest.CONTEXT, versions,
        bases, ImageTreeTest::mavenJar, tmp.resolve("gpu"));
    Path userContext = Files.createDirectories(tmp.resolve("user-context"));
    userStepJar(userContext.resolve("my-steps.jar"));
    Path userDockerfile = Files.writeString(userContext.resolve("Dockerfile"),
        "FROM registry.example.com/sparkstep:" + versions.get("SPARKSTEP_VERSION") + "\n"
            + "COPY my-steps.jar /opt/sparkstep/jars/\n");
    userImage = ImageTree.assemble(userDockerfile, userContext, Map.of(),
        Map.of("registry.example.com/sparkstep:", stage -> stage.inherit(cpu)), (url, sum) -> null,
        tmp.resolve("user"));
  }

  /** The user's step jar: ImageProbeStep's package from this module's test classes, and nothing else. */
  static void userStepJar(Path jar) throws IOException {
    Path classes;
    try {
      classes = Path.of(ImageProbeStep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    String pkg = ImageProbeStep.class.getPackageName().replace('.', '/');
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
         Stream<Path> files = Files.list(classes.resolve(pkg))) {
      for (Path file : files.toList()) {
        out.putNextEntry(new JarEntry(pkg + "/" + file.getFileName()));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }

  /** An ADDed jar from Maven Central: the same file from this build's test class path, checked against the pin. */
  static Path mavenJar(String url, String sha256) throws IOException {
    String name = url.substring(url.lastIndexOf('/') + 1);
    if (name.startsWith(NOT_FETCHED_HERE)) {
      return null;
    }
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      if (jar.getFileName() != null && jar.getFileName().toString().equals(name)) {
        assertEquals(sha256, sha256(jar), name + " on this class path differs from the sha256 the image checks");
        return jar;
      }
    }
    throw new IllegalStateException("the image ADDs " + url + ", which is not on the docker module's test class "
        + "path: add it there as a test dependency (or to NOT_FETCHED_HERE, with a reason)");
  }

  @Test
  void treesHoldWhatTheDockerfilesPutWhereTheEngineLooks() throws IOException {
    for (ImageTree image : List.of(cpu, gpu)) {
      String engineJar = KubernetesSettings.IMAGE_ENGINE_JAR.substring("local://".length());
      assertTrue(Files.isRegularFile(image.file(engineJar)), engineJar + " in " + image.root());
      assertEquals(List.of("/opt/sparkstep/bin/entrypoint"), image.entrypoint());
      assertTrue(Files.isExecutable(image.file(image.entrypoint().get(0))), "the entrypoint is executable");
      assertTrue(Files.isExecutable(image.file("/opt/spark/bin/spark-submit")));
    }
    try (Stream<Path> accelerators = Files.list(cpu.file(Accelerators.IMAGE_JAR_DIR))) {
      assertTrue(accelerators.anyMatch(j -> j.getFileName().toString().startsWith("comet-spark-spark4.1_")),
          "Comet where the engine looks for it");
    }
    assertEquals(List.of(), cpu.notFetched(), "the CPU image's downloads are all in its tree");
    assertEquals(1, gpu.notFetched().size(), "only RAPIDS is left out of the GPU tree: " + gpu.notFetched());
    assertTrue(gpu.notFetched().get(0).contains("/" + NOT_FETCHED_HERE), gpu.notFetched().toString());
    assertTrue(Files.isExecutable(gpu.file(KubernetesSettings.IMAGE_DISCOVERY_SCRIPT)));
    Path gpuJava = gpu.file(gpu.env().get("JAVA_HOME")).resolve("bin/java");
    assertTrue(Files.isExecutable(gpuJava), "JAVA_HOME of the GPU image names the JDK its RUN linked: " + gpuJava);
  }

  /**
   * A class in two jars loads from whichever comes first on a class path, and the driver's and the executors' class
   * paths list the image's jars differently: so no jar the images add under /opt/sparkstep may carry a class that
   * Spark's jars or another of them already has.
   */
  @Test
  void imageJarsAddNoClassThatSparkOrAnotherJarHas() throws IOException {
    for (ImageTree image : List.of(cpu, gpu)) {
      Map<String, String> owners = new LinkedHashMap<>();
      List<String> duplicates = new ArrayList<>();
      for (Path jar : jars(image.file("/opt/spark/jars"))) {
        classes(jar).forEach(c -> owners.putIfAbsent(c, jar.getFileName().toString()));
      }
      for (Path jar : jars(image.file("/opt/sparkstep"))) {
        for (String c : classes(jar)) {
          String first = owners.putIfAbsent(c, jar.getFileName().toString());
          if (first != null && duplicates.size() < 20) {
            duplicates.add(c + " in " + jar.getFileName() + " and " + first);
          }
        }
      }
      assertEquals(List.of(), duplicates, image.root() + ": classes the image would load twice");
    }
  }

  /**
   * Spark's build puts this empty class into every module's jar (spark-catalyst's, spark-hadoop-cloud's, ...), so that
   * each has something for its shade step: the same empty class everywhere, never loaded by anything.
   */
  private static final String SPARK_BUILD_STUB = "org/apache/spark/unused/UnusedStubClass.class";

  private static List<Path> jars(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
    }
  }

  private static List<String> classes(Path jar) throws IOException {
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
      return zip.stream().map(java.util.zip.ZipEntry::getName)
          .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class")
              && !n.equals(SPARK_BUILD_STUB))
          .toList();
    }
  }

  @Test
  void aDockerfileLineTheCheckDoesNotKnowFailsTheAssembly() throws IOException {
    Map<String, ImageTree.BaseImage> bases = Map.of("scratch-os", stage -> stage.putEnv("PATH", "/usr/bin:/bin"));
    for (String line : List.of("RUN curl -fsSL https://example.com/x.jar -o /opt/sparkstep/jars/x.jar",
        "COPY --link jars/ /opt/sparkstep/jars/", "ADD jars/ /opt/sparkstep/jars/", "SHELL [\"/bin/sh\", \"-c\"]",
        "RUN apt-get install -y python3")) {
      Path dockerfile = Files.writeString(tmp.resolve("Dockerfile.unknown"), "FROM scratch-os\n# a comment\n"
          + line + "\n");
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ImageTree.assemble(
          dockerfile, DockerContextTest.CONTEXT, Map.of(), bases, (url, sum) -> null, tmp.resolve("unknown")));
      assertTrue(refused.getMessage().startsWith("Dockerfile.unknown line 3: "), refused.getMessage());
      assertTrue(refused.getMessage().contains("not understood"), refused.getMessage());
    }
  }

  /**
   * SageMaker runs the image with the argument "train", the spec in its environment (SPARKSTEP_SPEC or _URI); here
   * the GPU image, the engine's sample step.
   */
  @Test
  void sageMakerTrainingJobWritesTheStepsRows() throws Exception {
    Path out = tmp.resolve("sagemaker");
    StepSpec spec = generateTrips(out);
    Map<String, String> env = containerEnvironment(spec, 512, out);
    Result run = run(gpu, gpu.entrypoint(), List.of("train"), env);
    assertEquals(ExitCode.SUCCEEDED, run.code(), run.out());
    RunRecord record = record(out);
    assertEquals(RunState.SUCCEEDED, record.state, run.out());
    assertEquals(2_000L, record.outputs.get("trips").rows, "rows written: " + run.out());
    assertTrue(parquetParts(out.resolve("trips")) > 0, "the trips are there as Parquet");
  }

  /**
   * Vertex AI runs the image's entrypoint with no argument; here the spec is staged (SPARKSTEP_SPEC_URI), on the
   * user's image, and the user's step fails: exit 1, the record FAILED with the step's error.
   */
  @Test
  void vertexCustomJobOfAFailingStepExitsOne() throws Exception {
    Path out = tmp.resolve("vertex");
    StepSpec spec = probe(out, true);
    Map<String, String> env = containerEnvironment(spec, 0, out);
    assertNotNull(env.get(StepEntrypoint.SPEC_URI_ENV), "past the inline limit the spec goes by URI");
    Result run = run(userImage, userImage.entrypoint(), List.of(), env);
    assertEquals(ExitCode.STEP_FAILED, run.code(), run.out());
    assertEquals(RunState.FAILED, record(out).state);
    assertTrue(run.out().contains("image-probe failed as asked"), run.out());
    assertFalse(Files.exists(out.resolve("numbers")), "nothing committed");
  }

  /** Azure ML runs its command (the entrypoint's path) through a shell; a spec naming no step is invalid input. */
  @Test
  void azureMlCommandJobOfAnInvalidSpecExitsTwo() throws Exception {
    Path out = tmp.resolve("azureml");
    StepSpec spec = new StepSpec();
    spec.step = "no-such-step";
    quiet(spec);
    Map<String, String> env = containerEnvironment(spec, 1 << 16, out);
    Result run = run(cpu, List.of("/bin/bash", "-c", cpu.entrypoint().get(0)), List.of(), env);
    assertEquals(ExitCode.INVALID_INPUT, run.code(), run.out());
    assertTrue(run.out().contains("sparkstep: invalid input: ") && run.out().contains("no-such-step"), run.out());
    assertFalse(run.out().contains("\tat "), "one line, no stack trace: " + run.out());
  }

  /**
   * The kubernetes flavor's driver pod: Spark passes {@code driver --properties-file ... --class MAIN JAR ARGS} with
   * the flavor's engine jar ({@code local://} in the image) and the spec in {@code --spec-json-part} arguments. The
   * properties hold the engine's plan for Comet from the image ({@link Accelerators#planForImage}: the image's jar on
   * spark.jars and the driver's class path) and name a local master instead of the API server. The user's image and
   * step: the driver loads the user's jar, the engine and Comet from the image's paths.
   */
  @Test
  void kubernetesDriverWritesTheStepsRows() throws Exception {
    Path out = tmp.resolve("driver");
    StepSpec spec = probe(out, false);
    spec.runDir = out.resolve("run").toUri().toString();
    spec.accelerator = "comet";
    AcceleratorPlan comet = Accelerators.planForImage(spec, Accelerators.IMAGE_JAR_DIR);
    java.util.Properties conf = new java.util.Properties();
    comet.sparkConf().forEach((k, v) -> conf.setProperty(k, userImage.relocate(v)));
    conf.setProperty("spark.jars", userImage.relocate(String.join(",", comet.jars())));
    conf.setProperty("spark.master", "local[2]");
    conf.setProperty("spark.app.name", "image-tree-driver");
    conf.setProperty("spark.ui.enabled", "false");
    Path properties = Files.createDirectories(out).resolve("spark.properties");
    try (var writer = Files.newBufferedWriter(properties)) {
      conf.store(writer, "the driver pod's spark.properties, less the Kubernetes settings");
    }
    List<String> args = new ArrayList<>(List.of("driver", "--properties-file", properties.toString(),
        "--class", StepEntrypoint.class.getName(), KubernetesSettings.IMAGE_ENGINE_JAR));
    args.addAll(new SpecChannel(SpecChannel.PART_BYTES).inlineArguments(StepSpecJson.write(spec)));
    Result run = run(userImage, userImage.entrypoint(), args, Map.of("SPARK_DRIVER_BIND_ADDRESS", "127.0.0.1"));
    assertEquals(ExitCode.SUCCEEDED, run.code(), run.out());
    RunRecord record = record(out);
    assertEquals(1_234L, record.outputs.get("numbers").rows, run.out());
    assertTrue(parquetParts(out.resolve("numbers")) > 0);
    assertEquals("comet", record.accelerator.name);
    // Comet's own rules judged the plan: its reasons name its settings (a plan Spark alone saw would have none).
    assertTrue(record.accelerator.notAccelerated.stream().anyMatch(r -> r.contains("spark.comet.")),
        "Comet ran in the driver: " + record.accelerator.notAccelerated);
  }

  /**
   * An executor pod: the entrypoint starts Spark's KubernetesExecutorBackend on the image's class path. No driver
   * listens, so it must end for want of one, having loaded its classes: not for a class it could not find.
   */
  @Test
  void kubernetesExecutorStartsAndEndsForWantOfADriver() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_DRIVER_URL", "spark://CoarseGrainedScheduler@127.0.0.1:" + closedPort);
    env.put("SPARK_EXECUTOR_ID", "1");
    env.put("SPARK_EXECUTOR_CORES", "1");
    env.put("SPARK_EXECUTOR_MEMORY", "512m");
    env.put("SPARK_APPLICATION_ID", "spark-image-tree");
    env.put("SPARK_EXECUTOR_POD_IP", "127.0.0.1");
    env.put("SPARK_RESOURCE_PROFILE_ID", "0");
    env.put("SPARK_EXECUTOR_POD_NAME", "image-tree-exec-1");
    for (ImageTree image : List.of(cpu, gpu)) {
      Result run = run(image, image.entrypoint(), List.of("executor"), env);
      assertTrue(run.code() != 0, run.out());
      assertFalse(run.out().matches("(?s).*(ClassNotFoundException|NoClassDefFoundError|Could not find or load main"
          + " class).*"), run.out());
      assertTrue(run.out().contains("KubernetesExecutorBackend") || run.out().contains("CoarseGrainedExecutorBackend"),
          "Spark's executor backend ran: " + run.out());
      assertTrue(run.out().contains("127.0.0.1:" + closedPort), "it tried the driver: " + run.out());
    }
  }

  @Test
  void versionPrintsSparkstepsVersion() throws Exception {
    String version = DockerContextTest.versions().get("SPARKSTEP_VERSION").replace("-SNAPSHOT", "");
    for (ImageTree image : List.of(cpu, gpu)) {
      Result run = run(image, image.entrypoint(), List.of("--version"), Map.of());
      assertEquals(0, run.code(), run.out());
      assertTrue(run.out().lines().anyMatch(l -> l.startsWith("sparkstep " + version + " ")), run.out());
    }
  }

  // --- helpers ---

  private static StepSpec generateTrips(Path out) {
    StepSpec spec = new StepSpec();
    spec.step = "generate-trips";
    spec.params.put("rows", 2_000);
    spec.params.put("zones", 10);
    spec.params.put("partitions", 2);
    spec.outputs.put("trips", ArtifactSpec.ofUri(out.resolve("trips").toUri().toString()));
    spec.outputs.put("zones", ArtifactSpec.ofUri(out.resolve("zones").toUri().toString()));
    quiet(spec);
    return spec;
  }

  private static StepSpec probe(Path out, boolean fail) {
    StepSpec spec = new StepSpec();
    spec.step = ImageProbeStep.class.getName();
    spec.params.put("rows", 1_234);
    spec.params.put("fail", fail);
    spec.outputs.put("numbers", ArtifactSpec.ofUri(out.resolve("numbers").toUri().toString()));
    quiet(spec);
    return spec;
  }

  private static void quiet(StepSpec spec) {
    spec.sparkConf.put("spark.ui.enabled", "false");
    spec.sparkConf.put("spark.sql.shuffle.partitions", "2");
  }

  /** What a container flavor puts in the environment: the SPI's SpecChannel with that flavor's inline limit. */
  private static Map<String, String> containerEnvironment(StepSpec spec, int inlineLimit, Path out)
      throws IOException {
    Files.createDirectories(out);
    Path staged = out.resolve("spec.json");
    return new SpecChannel(inlineLimit).environment(StepSpecJson.write(spec), out.resolve("run").toUri().toString(),
        json -> {
          Files.writeString(staged, json);
          return staged.toUri().toString();
        });
  }

  private static RunRecord record(Path out) throws IOException {
    return RunRecordJson.read(Files.readString(out.resolve("run/record.json")));
  }

  private static long parquetParts(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
    }
  }

  record Result(int code, String out) {
  }

  /**
   * Runs {@code command ARGS} as the image would: the image's environment with the platform's on top, in the image's
   * working directory, image paths moved into the tree. Nothing of this JVM's environment goes in but the host's
   * loopback-only network settings and a HOME of its own.
   */
  private static Result run(ImageTree image, List<String> command, List<String> args, Map<String, String> platformEnv)
      throws Exception {
    List<String> argv = new ArrayList<>();
    for (String word : command) {
      argv.add(image.relocate(word));
    }
    for (String arg : args) {
      argv.add(image.relocate(arg));
    }
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.directory(image.file(image.workdir()).toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(image.relocatedEnv());
    platformEnv.forEach((k, v) -> env.put(k, image.relocate(v)));
    env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    // The driver's heap would be 75% of this machine's memory; DockerContextTest checks that default.
    env.putIfAbsent("SPARKSTEP_DRIVER_MEMORY", "768m");
    // Less CPU for these short JVMs (C1 only, one GC thread): the checks share two cores; class loading is unchanged.
    env.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    Path log = Files.createTempFile(tmp, "run-", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(4, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("the image's entrypoint did not end in 4 minutes: " + argv + "\n"
          + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
