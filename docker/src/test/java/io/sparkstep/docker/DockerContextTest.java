package io.sparkstep.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.accel.Accelerators;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No Docker engine here, so the images are checked from their parts: every file the Dockerfiles copy exists in the
 * build context Maven assembled, every version they use comes from the pom (through versions.env), the paths they
 * install to are the ones the engine and the kubernetes flavor point pods at, and the GPU discovery script answers
 * what Spark expects.
 */
class DockerContextTest {
  static final Path CONTEXT = Paths.get(System.getProperty("context.dir", "target/context"));
  static final Path DOCKER = Paths.get(System.getProperty("docker.dir", "."));
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

  /** One COPY or ADD: its flags, sources and destination. */
  record Copy(String dockerfile, String instruction, Map<String, String> flags, List<String> sources, String dest) {
  }

  static List<String> instructions(String dockerfile) throws IOException {
    return DockerfileInstructions.read(DOCKER.resolve(dockerfile)).stream()
        .map(DockerfileInstructions.Instruction::text).toList();
  }

  static List<Copy> copies(String dockerfile) throws IOException {
    List<Copy> copies = new ArrayList<>();
    for (DockerfileInstructions.Instruction i : DockerfileInstructions.read(DOCKER.resolve(dockerfile))) {
      if (i.keyword().equals("COPY") || i.keyword().equals("ADD")) {
        List<String> args = i.words();
        copies.add(new Copy(dockerfile, i.keyword(), i.flags(), args.subList(0, args.size() - 1),
            args.get(args.size() - 1)));
      }
    }
    return copies;
  }

  static Map<String, String> versions() throws IOException {
    Map<String, String> versions = new LinkedHashMap<>();
    for (String line : Files.readAllLines(CONTEXT.resolve("versions.env"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] kv = line.split("=", 2);
        versions.put(kv[0], kv[1]);
      }
    }
    return versions;
  }

  static String substitute(String text, Map<String, String> values) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      assertTrue(value != null, "${" + m.group(1) + "} in '" + text + "' is not in versions.env");
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return m.appendTail(out).toString();
  }

  @Test
  void everyFileTheDockerfilesCopyIsInTheBuildContext() throws IOException {
    int checked = 0;
    for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
      for (Copy copy : copies(dockerfile)) {
        if (copy.flags().containsKey("from")) {
          continue; // from another build stage, not from the context
        }
        for (String source : copy.sources()) {
          if (source.startsWith("https://")) {
            continue;
          }
          Path path = CONTEXT.resolve(source);
          assertTrue(Files.exists(path), dockerfile + ": " + copy.instruction() + " " + source
              + " is not in the build context " + CONTEXT);
          if (Files.isDirectory(path)) {
            try (var files = Files.list(path)) {
              assertTrue(files.findAny().isPresent(), dockerfile + ": " + source + " is empty");
            }
          }
          checked++;
        }
      }
    }
    assertTrue(checked >= 5, "the Dockerfiles copy the jars, the conf and the discovery script: " + checked);
  }

  /** GPU nodes come as amd64 and arm64 (GH200): no instruction may name one architecture's JDK directory. */
  @Test
  void imagesNameNoArchitectureSpecificPath() throws IOException {
    for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
      for (String instruction : instructions(dockerfile)) {
        assertFalse(instruction.matches("(?s).*(amd64|x86_64|aarch64|arm64).*"),
            dockerfile + " ties the image to one architecture: " + instruction);
      }
    }
    assertTrue(instructions("Dockerfile.gpu").stream().anyMatch(i -> i.startsWith("ENV JAVA_HOME=/usr/lib/jvm/java-17 ")),
        "JAVA_HOME is the architecture-neutral link");
  }

  @Test
  void versionsComeFromThePom() throws IOException {
    Map<String, String> v = versions();
    assertEquals(System.getProperty("spark.version"), v.get("SPARK_VERSION"));
    assertEquals(System.getProperty("rapids.version"), v.get("RAPIDS_VERSION"));
    assertEquals(System.getProperty("comet.version"), v.get("COMET_VERSION"));
    for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
      String text = Files.readString(DOCKER.resolve(dockerfile));
      Matcher args = Pattern.compile("(?m)^ARG ([A-Z0-9_]+)(=.*)?$").matcher(text);
      while (args.find()) {
        assertTrue(v.containsKey(args.group(1)), dockerfile + " takes ARG " + args.group(1)
            + " that versions.env (the pom) does not give");
        assertTrue(args.group(2) == null, dockerfile + ": ARG " + args.group(1) + " has a default of its own");
      }
      for (String instruction : instructions(dockerfile)) {
        if (instruction.startsWith("FROM")) {
          substitute(instruction, v);
        }
      }
    }
  }

  @Test
  void acceleratorJarsComeFromMavenCentralWithThePomsChecksums() throws Exception {
    Map<String, String> v = versions();
    Map<String, String> downloads = new LinkedHashMap<>();
    for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
      for (Copy copy : copies(dockerfile)) {
        for (String source : copy.sources()) {
          if (source.startsWith("https://")) {
            assertEquals("ADD", copy.instruction());
            String url = substitute(source, v);
            String checksum = substitute(copy.flags().getOrDefault("checksum", ""), v);
            assertTrue(checksum.matches("sha256:[0-9a-f]{64}"), url + " is checked: " + checksum);
            assertEquals(Accelerators.IMAGE_JAR_DIR + "/", copy.dest(), "where the engine looks for accelerator jars");
            downloads.put(url, checksum.substring("sha256:".length()));
          }
        }
      }
    }
    String rapids = "https://repo1.maven.org/maven2/com/nvidia/rapids-4-spark_2.13/" + v.get("RAPIDS_VERSION")
        + "/rapids-4-spark_2.13-" + v.get("RAPIDS_VERSION") + ".jar";
    String comet = "https://repo1.maven.org/maven2/org/apache/datafusion/comet-spark-spark4.1_2.13/"
        + v.get("COMET_VERSION") + "/comet-spark-spark4.1_2.13-" + v.get("COMET_VERSION") + ".jar";
    assertEquals(System.getProperty("rapids.sha256"), downloads.get(rapids), "RAPIDS in the GPU image");
    assertEquals(System.getProperty("comet.sha256"), downloads.get(comet), "Comet in the CPU image");
    // Where this machine has the jars (the accelerators' tests resolved them), the pom's checksums must match them.
    Path m2 = Paths.get(System.getProperty("user.home"), ".m2", "repository");
    for (Map.Entry<String, String> d : downloads.entrySet()) {
      Path local = m2.resolve(d.getKey().substring("https://repo1.maven.org/maven2/".length()));
      if (Files.isRegularFile(local)) {
        assertEquals(d.getValue(), sha256(local), "checksum of " + local);
      }
    }
  }

  @Test
  void imagesInstallWhereThePodsLook() throws Exception {
    String engineDest = copies("Dockerfile").stream().filter(c -> c.sources().contains("jars/")).findFirst()
        .orElseThrow().dest();
    assertEquals("local://" + engineDest + "sparkstep-engine.jar",
        io.sparkstep.flavor.kubernetes.settings.KubernetesSettings.IMAGE_ENGINE_JAR);
    String scriptDest = copies("Dockerfile.gpu").stream()
        .filter(c -> c.sources().contains("bin/getGpusResources.sh")).findFirst().orElseThrow().dest();
    assertEquals(io.sparkstep.flavor.kubernetes.settings.KubernetesSettings.IMAGE_DISCOVERY_SCRIPT, scriptDest);
    try (JarFile engine = new JarFile(CONTEXT.resolve("jars/sparkstep-engine.jar").toFile())) {
      assertTrue(engine.getEntry("io/sparkstep/runtime/StepEntrypoint.class") != null, "the entrypoint");
    }
    try (JarFile spi = new JarFile(CONTEXT.resolve("jars/sparkstep-spi.jar").toFile())) {
      assertTrue(spi.getEntry("io/sparkstep/spi/accel/profiles/gpu.conf") != null, "the RAPIDS profile");
    }
    try (JarFile api = new JarFile(CONTEXT.resolve("jars/sparkstep-api.jar").toFile())) {
      assertTrue(api.getEntry("io/sparkstep/api/Step.class") != null, "the step API");
    }
    assertTrue(Files.isRegularFile(CONTEXT.resolve("conf/pod-templates/executor-gpu.yaml")));
  }

  @Test
  void discoveryScriptListsTheGpusNvidiaSmiSees(@TempDir Path tmp) throws Exception {
    Path fakeBin = Files.createDirectories(tmp.resolve("bin"));
    Path smi = fakeBin.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\n[ \"$1\" = --query-gpu=index ] || exit 9\nprintf '0\\n1\\n'\n");
    assertTrue(smi.toFile().setExecutable(true));
    Result two = script(fakeBin + ":/usr/bin:/bin");
    assertEquals(0, two.code(), two.out());
    assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\",\"1\"]}", two.out().strip());

    Result none = script("/usr/bin:/bin");
    assertEquals(1, none.code(), "no nvidia-smi: Spark must see the executor fail, not a GPU-less resource");
    assertTrue(none.out().contains("nvidia-smi not found"), none.out());
    assertFalse(none.out().contains("addresses"));
  }

  @Test
  void imageEntrypointHandsKubernetesToSparkAndPlatformsToTheStep(@TempDir Path tmp) throws Exception {
    Path sparkHome = Files.createDirectories(tmp.resolve("spark/bin"));
    Path submit = Files.writeString(sparkHome.resolve("spark-submit"), "#!/bin/sh\necho SUBMIT \"$@\"\n");
    Path spark = Files.writeString(tmp.resolve("spark-entrypoint.sh"), "#!/bin/sh\necho SPARK \"$@\"\n");
    assertTrue(submit.toFile().setExecutable(true) && spark.toFile().setExecutable(true));
    Map<String, String> env = Map.of("SPARK_HOME", tmp.resolve("spark").toString(),
        "SPARKSTEP_SPARK_ENTRYPOINT", spark.toString());

    Result driver = run(env, "bin/entrypoint", "driver", "--properties-file", "/opt/spark/conf/spark.properties");
    assertEquals("SPARK driver --properties-file /opt/spark/conf/spark.properties", driver.out().strip());

    Result sagemaker = run(env, "bin/entrypoint", "train");
    assertTrue(sagemaker.out().matches("(?s)SUBMIT --master local\\[\\*] --driver-memory \\d+m --class "
        + "io.sparkstep.runtime.StepEntrypoint /opt/sparkstep/jars/sparkstep-engine.jar\\s*"), sagemaker.out());

    Result args = run(Map.of("SPARK_HOME", tmp.resolve("spark").toString(), "SPARKSTEP_DRIVER_MEMORY", "6g"),
        "bin/entrypoint", "--spec-json", "{}");
    assertTrue(args.out().strip().endsWith("--driver-memory 6g --class io.sparkstep.runtime.StepEntrypoint "
        + "/opt/sparkstep/jars/sparkstep-engine.jar --spec-json {}"), args.out());

    assertEquals("hello", run(env, "bin/entrypoint", "echo", "hello").out().strip());
  }

  record Result(int code, String out) {
  }

  private static Result run(Map<String, String> env, String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", CONTEXT.resolve(script).toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return new Result(p.waitFor(), out);
  }

  private static Result script(String path) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", CONTEXT.resolve("bin/getGpusResources.sh").toString())
        .redirectErrorStream(true);
    pb.environment().put("PATH", path);
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return new Result(p.waitFor(), out);
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
