package io.sparkstep.flavor.kubernetes;

import io.sparkstep.flavor.kubernetes.settings.KubeAccess;
import io.sparkstep.flavor.kubernetes.settings.PodTemplates;
import io.sparkstep.flavor.kubernetes.settings.KubernetesSettings;
import io.fabric8.kubernetes.api.model.Pod;
import io.sparkstep.flavor.kubernetes.features.SubmissionPlan;
import io.sparkstep.spi.EntrypointContract;
import io.sparkstep.spi.PlatformException;
import io.sparkstep.spi.util.UserJars;
import io.sparkstep.spi.spec.TableFormatJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.k8s.submit.KubernetesClientApplication;

/**
 * Submits one plan with Spark's own Kubernetes submission client, in this process: the driver pod, its config map
 * (spark.properties, the executor pod template) and its service are exactly what {@code spark-submit --master
 * k8s://... --deploy-mode cluster} creates, with no spark-submit process or Spark installation needed here.
 */
final class SparkSubmission {
  static final String MAIN_CLASS = EntrypointContract.MAIN_CLASS;

  private SparkSubmission() {
  }

  /** The conf Spark's client receives: the plan's, the master, the templates written under {@code runDir}. */
  static SparkConf sparkConf(SubmissionPlan plan, String master, Path runDir) throws IOException {
    SparkConf conf = new SparkConf(false);
    plan.sparkConf().forEach(conf::set);
    conf.set("spark.master", master);
    Path templates = runDir.resolve("pod-templates");
    if (plan.driverTemplate() != null) {
      conf.set("spark.kubernetes.driver.podTemplateFile", write(templates.resolve("driver.yaml"),
          plan.driverTemplate()).toString());
    }
    if (plan.executorTemplate() != null) {
      conf.set("spark.kubernetes.executor.podTemplateFile", write(templates.resolve("executor.yaml"),
          plan.executorTemplate()).toString());
    }
    // The engine jar holds the steps' classes: executors load it like any other jar (spark-submit adds the primary
    // resource the same way), so images that do not put it on the JVM class path work too.
    java.util.LinkedHashSet<String> jars = new java.util.LinkedHashSet<>(List.of(plan.settings().engineJar()));
    // The user's step jars from every source (the operator's jars among them, see UserJars) go Spark's own way,
    // not through JarStaging: the driver pod runs spark-submit, which fetches spark.jars into the driver's loader
    // and serves them to the executors, and Spark's client uploads local files to spark.kubernetes.file.upload.path
    // (uploadPath) itself. Staging them as well would fetch every jar twice in the driver.
    plan.spec().jars.stream().filter(jar -> !isLocalFile(jar) || !plan.settings().jars().stream()
        .anyMatch(given -> samePath(given, jar))).forEach(jars::add);
    jars.addAll(plan.settings().jars());
    jars.addAll(plan.jars());
    // a Spark image's jars/ has no table format: the ones this run uses go from the CLI's lib/ as files
    TableFormatJars.forRun(plan.spec(), SparkSubmission.class.getClassLoader())
        .forEach(jar -> jars.add(jar.toString()));
    conf.set("spark.jars", String.join(",", jars));
    if (plan.settings().uploadPath() != null) {
      conf.set("spark.kubernetes.file.upload.path", plan.settings().uploadPath());
    }
    return conf;
  }

  static boolean isLocalFile(String jar) {
    return UserJars.isLocal(jar);
  }

  /** The same file, one named as the operator wrote it, one as UserJars collected it (absolute). */
  static boolean samePath(String given, String collected) {
    return isLocalFile(given) && isLocalFile(collected) && UserJars.localPath(given)
        .toAbsolutePath().normalize().equals(UserJars.localPath(collected)
            .toAbsolutePath().normalize());
  }

  private static Path write(Path file, Pod pod) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, PodTemplates.toYaml(pod));
    return file.toAbsolutePath();
  }

  /**
   * Runs Spark's client; returns when the driver pod exists. A submission that takes longer than the operator's
   * timeout (an API server that accepts connections but never answers) is abandoned with a platform error.
   *
   * @param specArguments the entrypoint's spec arguments ({@link KubernetesOperator#SPEC_CHANNEL})
   */
  static void submit(KubernetesSettings settings, SparkConf conf, List<String> specArguments)
      throws PlatformException {
    List<String> argList = new ArrayList<>(List.of(
        "--primary-java-resource", settings.engineJar(),
        "--main-class", MAIN_CLASS));
    // the driver container runs spark-submit with these: each one under the OS limit for one argument
    for (String arg : specArguments) {
      argList.add("--arg");
      argList.add(arg);
    }
    String[] args = argList.toArray(String[]::new);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sparkstep-k8s-submit");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<Object> done = executor.submit(() -> KubeAccess.withKubeconfig(settings, () -> {
        new KubernetesClientApplication().start(args, conf);
        return null;
      }));
      done.get(settings.submissionTimeoutSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new PlatformException("the Kubernetes API server " + conf.get("spark.master") + " did not accept the "
          + "driver pod within " + settings.submissionTimeoutSeconds() + " s (submissionTimeoutSeconds)", e, true);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new PlatformException("Kubernetes refused the submission to " + conf.get("spark.master") + ": "
          + rootMessage(cause), cause, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("submission interrupted", e, true);
    } finally {
      executor.shutdownNow();
    }
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = t.getMessage() == null ? t.toString() : t.getMessage();
    if (root != t && root.getMessage() != null && !message.contains(root.getMessage())) {
      message += " (" + root.getMessage() + ")";
    }
    return message;
  }
}
