package io.sparkstep.flavor.kubernetes.settings;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.sparkstep.spi.spec.ValidationProblem;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * How this operator reaches the API server: an explicit {@code apiServer}, else the kubeconfig context (the file from
 * the {@code kubeconfig} setting, {@code $KUBECONFIG} or {@code ~/.kube/config}), else the pod's own service account
 * when Sparkstep itself runs in a cluster. Credentials stay in the kubeconfig: nothing here copies them.
 */
public final class KubeAccess {
  /** fabric8 reads the kubeconfig location from this system property (before $KUBECONFIG). */
  private static final String KUBECONFIG_PROPERTY = "kubeconfig";
  private static final Object SUBMISSION_LOCK = new Object();

  private KubeAccess() {
  }

  static String masterUrl(String apiServer) {
    String url = apiServer.trim();
    return url.startsWith("k8s://") ? url : "k8s://" + url;
  }

  /** The kubeconfig file this operator uses, or null when none is given and none exists. */
  static File kubeconfigFile(KubernetesSettings settings) {
    if (settings.kubeconfig() != null) {
      return new File(settings.kubeconfig());
    }
    String env = System.getenv("KUBECONFIG");
    if (env != null && !env.isBlank()) {
      return new File(env.split(File.pathSeparator)[0]);
    }
    File home = Paths.get(System.getProperty("user.home"), ".kube", "config").toFile();
    return home.isFile() ? home : null;
  }

  static boolean inCluster() {
    return System.getenv("KUBERNETES_SERVICE_HOST") != null;
  }

  /** Problems finding the cluster, found by reading files only. */
  public static List<ValidationProblem> problems(KubernetesSettings settings) {
    List<ValidationProblem> problems = new ArrayList<>();
    File file = kubeconfigFile(settings);
    if (settings.kubeconfig() != null && !file.isFile()) {
      problems.add(ValidationProblem.of("kubeconfig", "file " + file.getAbsolutePath() + " does not exist",
          "point it at your kubeconfig (kubectl config view --flatten > FILE), or drop it to use $KUBECONFIG"));
      return problems;
    }
    io.fabric8.kubernetes.api.model.Config kubeconfig = null;
    if (file != null && file.isFile()) {
      try {
        kubeconfig = KubeConfigUtils.parseConfig(file);
      } catch (RuntimeException e) {
        problems.add(ValidationProblem.of("kubeconfig", file + " is not a valid kubeconfig: " + e.getMessage(),
            "check it with: kubectl --kubeconfig " + file + " config view"));
        return problems;
      }
    }
    String context = settings.context();
    if (context != null) {
      if (kubeconfig == null) {
        problems.add(ValidationProblem.of("context", "context '" + context + "' given but there is no kubeconfig",
            "set kubeconfig=/path/to/kubeconfig or $KUBECONFIG"));
      } else {
        List<String> known = kubeconfig.getContexts() == null ? List.of()
            : kubeconfig.getContexts().stream().map(NamedContext::getName).toList();
        if (!known.contains(context)) {
          problems.add(ValidationProblem.of("context", "unknown context '" + context + "' in " + file,
              known.isEmpty() ? "the file defines no contexts" : "known contexts: " + String.join(", ", known)));
        }
      }
    } else if (settings.apiServer() == null && !inCluster()) {
      boolean hasCurrent = kubeconfig != null && kubeconfig.getCurrentContext() != null
          && !kubeconfig.getCurrentContext().isBlank();
      if (!hasCurrent) {
        problems.add(ValidationProblem.of("apiServer", "no API server: no apiServer setting and no kubeconfig "
            + "with a current context" + (file == null ? "" : " (" + file + ")"),
            "set context=NAME (and kubeconfig=FILE), or apiServer=https://HOST:PORT"));
      }
    }
    return problems;
  }

  /** fabric8 client configuration for this operator's own calls (watch, logs, delete). */
  public static Config clientConfig(KubernetesSettings settings) {
    File file = kubeconfigFile(settings);
    Config config;
    if (file != null && file.isFile()) {
      config = Config.fromKubeconfig(settings.context(), file);
    } else {
      config = Config.autoConfigure(settings.context());
    }
    if (settings.apiServer() != null) {
      config.setMasterUrl(settings.apiServer().replaceFirst("^k8s://", ""));
    }
    config.setNamespace(settings.namespace());
    return config;
  }

  static KubernetesClient client(KubernetesSettings settings) {
    return new KubernetesClientBuilder().withConfig(clientConfig(settings)).build();
  }

  /**
   * A client that tries each call once: cleaning up after a failed submission must not make the user wait through
   * fabric8's retry backoff (about 20 s) when the API server cannot be reached, in which case nothing was created.
   */
  public static KubernetesClient clientWithoutRetries(KubernetesSettings settings) {
    Config config = clientConfig(settings);
    config.setRequestRetryBackoffLimit(0);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The {@code k8s://} master for Spark: apiServer, else the context's cluster. */
  public static String sparkMaster(KubernetesSettings settings) {
    if (settings.apiServer() != null) {
      return masterUrl(settings.apiServer());
    }
    return masterUrl(clientConfig(settings).getMasterUrl());
  }

  /**
   * Runs Spark's submission client with this operator's kubeconfig. Spark's client factory finds the kubeconfig
   * the way fabric8 does (system property, then $KUBECONFIG); the property is process-wide, so submissions that
   * name a file take turns.
   */
  public static <T> T withKubeconfig(KubernetesSettings settings, Callable<T> submission) throws Exception {
    File file = kubeconfigFile(settings);
    synchronized (SUBMISSION_LOCK) {
      String before = System.getProperty(KUBECONFIG_PROPERTY);
      if (file != null) {
        System.setProperty(KUBECONFIG_PROPERTY, file.getAbsolutePath());
      }
      try {
        return submission.call();
      } finally {
        if (before == null) {
          System.clearProperty(KUBECONFIG_PROPERTY);
        } else {
          System.setProperty(KUBECONFIG_PROPERTY, before);
        }
      }
    }
  }

  static boolean readable(Path path) {
    return Files.isRegularFile(path) && Files.isReadable(path);
  }
}
