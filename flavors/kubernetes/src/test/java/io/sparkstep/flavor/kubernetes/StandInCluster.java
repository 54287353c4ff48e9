package io.sparkstep.flavor.kubernetes;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.sparkstep.operator.OperatorStore;
import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.testing.CliCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's cluster, as a JUnit extension ({@code @RegisterExtension static final StandInCluster cluster =
 * ...}): before the class's own {@code @BeforeAll} it starts the API server stand-in ({@link KubernetesApiStandIn}),
 * writes a kubeconfig for it (contexts "standin" and "other"), points {@code sparkstep.home} at a home of its own
 * and, when asked for, starts a {@link KubeletStandIn} with nodes; after the class it stops them in reverse order
 * and restores {@code sparkstep.home}. Operators on it are registered through the CLI ({@link #register}) or the
 * operator store ({@link #store}), with the settings every test shares (kubeconfig, context, namespace, images).
 */
final class StandInCluster implements BeforeAllCallback, AfterAllCallback {
  static final String IMAGE = "registry.example.com/sparkstep:0.1.0";
  static final String GPU_IMAGE = "registry.example.com/sparkstep-gpu:0.1.0";

  private final String namespace;
  private Path podsDir;
  private StandInNode[] nodes;
  private Path dir;
  private KubernetesApiStandIn api;
  private KubeletStandIn kubelet;
  private Path kubeconfig;
  private String previousHome;

  private StandInCluster(String namespace) {
    this.namespace = namespace;
  }

  /** An API server only: the test plays the kubelet (moves pods through phases) if it needs one. */
  static StandInCluster apiServer(String namespace) {
    return new StandInCluster(namespace);
  }

  /** With a kubelet stand-in running the pods as local JVMs on these nodes, their directories under podsDir. */
  StandInCluster withKubelet(Path podsDir, StandInNode... nodes) {
    this.podsDir = podsDir;
    this.nodes = nodes;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("stand-in-cluster-");
    api = new KubernetesApiStandIn();
    kubeconfig = api.writeKubeconfig(dir.resolve("kube/config"));
    previousHome = System.getProperty("sparkstep.home");
    System.setProperty("sparkstep.home", home().toString());
    if (nodes != null) {
      // The pods' directories (volumes, work-dir, container.log) stay for a look after a failure.
      FileUtils.deleteDirectory(podsDir.toFile());
      kubelet = new KubeletStandIn(api, namespace, podsDir, nodes);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (previousHome == null) {
      System.clearProperty("sparkstep.home");
    } else {
      System.setProperty("sparkstep.home", previousHome);
    }
    if (kubelet != null) {
      kubelet.close();
    }
    if (api != null) {
      api.close();
    }
    FileUtils.deleteDirectory(dir.toFile());
  }

  /** The image's engine jar: the one the reactor just built (local:// = already on the node, as in the image). */
  static Path engineJar() throws IOException {
    // the jar this JVM loaded the engine from, where it is one (dist-tests, a build resolving from a repository)
    try {
      Path loaded = Path.of(io.sparkstep.runtime.StepEntrypoint.class.getProtectionDomain().getCodeSource()
          .getLocation().toURI());
      if (Files.isRegularFile(loaded)) {
        return loaded;
      }
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
    try (java.util.stream.Stream<Path> jars = Files.list(Path.of("../../engine/target"))) {
      return jars.filter(j -> j.getFileName().toString().matches("sparkstep-engine-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst().orElseThrow(() -> new IllegalStateException("build the engine jar first (-am verify)"))
          .toAbsolutePath().normalize();
    }
  }

  KubernetesApiStandIn api() {
    return api;
  }

  NamespacedKubernetesClient client() {
    return api.client;
  }

  KubeletStandIn kubelet() {
    return kubelet;
  }

  String namespace() {
    return namespace;
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  /** The Sparkstep home of this class's CLI calls and runs (also {@code sparkstep.home} while the class runs). */
  Path home() {
    return dir.resolve("home");
  }

  /** The shared settings of an operator on this cluster, as {@code KEY=VALUE}, then the test's own ones. */
  List<String> settings(String... extra) {
    List<String> settings = new ArrayList<>(List.of("kubeconfig=" + kubeconfig, "context=standin",
        "namespace=" + namespace, "image=" + IMAGE, "gpuImage=" + GPU_IMAGE));
    settings.addAll(List.of(extra));
    return settings;
  }

  /** {@code operator register NAME --flavor kubernetes --replace --set ...} with {@link #settings}. */
  List<String> registerArgs(String name, String... extra) {
    List<String> args = new ArrayList<>(List.of("operator", "register", name, "--flavor", "kubernetes", "--replace"));
    for (String setting : settings(extra)) {
      args.add("--set");
      args.add(setting);
    }
    return args;
  }

  /** Registers an operator through the CLI, in this JVM; later settings of a key win. */
  CliCall register(String name, String... extra) {
    return CliCall.of(registerArgs(name, extra).toArray(String[]::new));
  }

  /** Registers an operator in the operator store (the Java API's way), the shared settings under the test's. */
  void store(String name, Map<String, String> extra) {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String setting : settings()) {
      settings.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
    }
    settings.putAll(extra);
    new OperatorStore(home(), new FlavorRegistry()).register(name, "kubernetes", settings, false);
  }
}
