package io.sparkstep.flavor.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sparkstep.spi.util.JavaCommand;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * SIMULATED: what the step image does with a pod's Spark container, as a local JVM with the test class path standing
 * in for the image's jars. It follows Spark's own image entrypoint ({@code entrypoint.sh}): {@code driver ARGS} runs
 * {@code spark-submit --deploy-mode client --conf spark.driver.bindAddress=$POD_IP ARGS}; {@code executor} runs
 * {@code java $SPARK_JAVA_OPT_* -Xms/-Xmx$SPARK_EXECUTOR_MEMORY KubernetesExecutorBackend --driver-url ...} from the
 * pod's env. The container's file system is simulated by mapping each volume mount (config maps, secrets,
 * emptyDirs) to a directory of the pod's own; the cluster's network by one hosts file that resolves every service
 * (and kubernetes.default.svc) to 127.0.0.1. What runs in the process is Spark's code, unchanged.
 */
final class StandInContainer {
  static final String POD_IP = "127.0.0.1";

  private StandInContainer() {
  }

  /** The process of a pod's first container; {@code null} when its config maps are not there yet (ContainerCreating). */
  static ProcessBuilder of(Pod pod, KubernetesClient client, Path podDir, Path hostsFile, String apiServerUrl,
      List<String> gpuAddresses) throws IOException {
    Container c = pod.getSpec().getContainers().get(0);
    Map<String, String> mounts = mountVolumes(pod, c, client, podDir);
    if (mounts == null) {
      return null;
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", podDir.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("HOSTNAME", pod.getMetadata().getName());
    for (EnvVar var : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
      String value = value(pod, var, client);
      if (value != null) {
        env.put(var.getName(), remap(value, mounts));
      }
    }
    if (!gpuAddresses.isEmpty()) {
      // The NVIDIA device plugin makes the granted GPUs visible in the container; here a stand-in nvidia-smi lists
      // them, so the image's real discovery script (spark-conf/getGpusResources.sh) finds them.
      Path bin = Files.createDirectories(podDir.resolve("gpu-bin"));
      Path smi = bin.resolve("nvidia-smi");
      StringBuilder script = new StringBuilder("#!/usr/bin/env bash\n# SIMULATED GPUs granted to this container\n");
      for (int i = 0; i < gpuAddresses.size(); i++) {
        script.append("echo ").append(i).append('\n');
      }
      Files.writeString(smi, script.toString());
      smi.toFile().setExecutable(true);
      env.put("PATH", bin + ":" + env.get("PATH"));
      env.put("NVIDIA_VISIBLE_DEVICES", String.join(",", gpuAddresses));
    }
    List<String> args = new ArrayList<>();
    for (String arg : c.getArgs() == null ? List.<String>of() : c.getArgs()) {
      args.add(remap(arg, mounts));
    }
    List<String> jvm = new ArrayList<>();
    // The cluster's DNS: service names resolve to the one loopback address every pod shares here.
    jvm.add("-Djdk.net.hosts.file=" + hostsFile);
    // Short-lived JVMs on a small shared machine start faster this way; Spark's behaviour does not depend on it.
    jvm.add("-XX:TieredStopAtLevel=1");
    jvm.add("-XX:+UseSerialGC");
    List<String> command;
    String role = args.isEmpty() ? "" : args.get(0);
    if ("driver".equals(role)) {
      Properties props = driverProperties(args);
      jvm.add("-Xmx" + props.getProperty("spark.driver.memory", "1g"));
      command = JavaCommand.forMainClass("org.apache.spark.deploy.SparkSubmit", jvm);
      command.addAll(List.of("--deploy-mode", "client",
          "--conf", "spark.driver.bindAddress=" + POD_IP,
          "--conf", "spark.executorEnv.SPARK_DRIVER_POD_IP=" + POD_IP,
          // In a pod, kubernetes.default.svc:443 is the API server; here it is the stand-in's URL.
          "--conf", "spark.kubernetes.driver.master=" + apiServerUrl,
          // Every pod has its own IP in a cluster; here all share 127.0.0.1, so the driver's fixed ports
          // (7078, 7079) become free ones. Executors learn the real port from the driver as always.
          "--conf", "spark.driver.port=0",
          "--conf", "spark.driver.blockManager.port=0"));
      command.addAll(args.subList(1, args.size()));
    } else if ("executor".equals(role)) {
      new TreeMap<>(env).forEach((k, v) -> {
        if (k.startsWith("SPARK_JAVA_OPT_")) {
          jvm.add(v);
        }
      });
      jvm.add("-Xms" + env.get("SPARK_EXECUTOR_MEMORY"));
      jvm.add("-Xmx" + env.get("SPARK_EXECUTOR_MEMORY"));
      command = JavaCommand.forMainClass("org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend", jvm);
      command.addAll(List.of("--driver-url", env.get("SPARK_DRIVER_URL"),
          "--executor-id", env.get("SPARK_EXECUTOR_ID"),
          "--cores", env.get("SPARK_EXECUTOR_CORES"),
          "--app-id", env.get("SPARK_APPLICATION_ID"),
          "--hostname", env.get("SPARK_EXECUTOR_POD_IP"),
          "--resourceProfileId", env.getOrDefault("SPARK_RESOURCE_PROFILE_ID", "0"),
          "--podName", env.getOrDefault("SPARK_EXECUTOR_POD_NAME", pod.getMetadata().getName())));
    } else {
      throw new IllegalArgumentException("the stand-in image runs Spark's driver and executor only, not " + args);
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(
        Files.createDirectories(podDir.resolve("work-dir")).toFile()).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    return builder;
  }

  private static Properties driverProperties(List<String> args) throws IOException {
    Properties props = new Properties();
    int i = args.indexOf("--properties-file");
    if (i >= 0 && i + 1 < args.size()) {
      props.load(new StringReader(Files.readString(Path.of(args.get(i + 1)))));
    }
    return props;
  }

  /** Mount path to local directory; null while a config map or secret the pod mounts does not exist yet. */
  private static Map<String, String> mountVolumes(Pod pod, Container c, KubernetesClient client, Path podDir)
      throws IOException {
    String ns = pod.getMetadata().getNamespace();
    Map<String, Volume> volumes = new LinkedHashMap<>();
    for (Volume v : pod.getSpec().getVolumes() == null ? List.<Volume>of() : pod.getSpec().getVolumes()) {
      volumes.put(v.getName(), v);
    }
    Map<String, String> mounts = new LinkedHashMap<>();
    List<Path> configFiles = new ArrayList<>();
    List<VolumeMount> sorted = new ArrayList<>(c.getVolumeMounts() == null ? List.of() : c.getVolumeMounts());
    sorted.sort(Comparator.comparingInt((VolumeMount m) -> m.getMountPath().length()).reversed());
    for (VolumeMount m : sorted) {
      Volume v = volumes.get(m.getName());
      Path dir = Files.createDirectories(podDir.resolve("volumes").resolve(m.getName()));
      if (v != null && v.getConfigMap() != null) {
        ConfigMap map = client.configMaps().inNamespace(ns).withName(v.getConfigMap().getName()).get();
        if (map == null) {
          return null;
        }
        for (var e : map.getData().entrySet()) {
          configFiles.add(Files.writeString(dir.resolve(e.getKey()), e.getValue()));
        }
        if (v.getConfigMap().getItems() != null) {
          for (var item : v.getConfigMap().getItems()) {
            configFiles.add(Files.writeString(dir.resolve(item.getPath()), map.getData().get(item.getKey())));
          }
        }
      } else if (v != null && v.getSecret() != null) {
        Secret secret = client.secrets().inNamespace(ns).withName(v.getSecret().getSecretName()).get();
        if (secret == null) {
          return null;
        }
        for (var e : secret.getData().entrySet()) {
          Files.write(dir.resolve(e.getKey()), Base64.getDecoder().decode(e.getValue()));
        }
      } else if (v != null && v.getHostPath() != null) {
        mounts.put(m.getMountPath(), v.getHostPath().getPath());
        continue;
      }
      mounts.put(m.getMountPath(), dir.toString());
    }
    // Paths inside the config (spark.properties names the executor template at its mount path) point into the
    // same simulated file system.
    for (Path file : configFiles) {
      Files.writeString(file, remap(Files.readString(file), mounts));
    }
    return mounts;
  }

  private static String remap(String value, Map<String, String> mounts) {
    String out = value;
    for (var e : mounts.entrySet()) {
      out = out.replace(e.getKey(), e.getValue());
    }
    return out;
  }

  /** An env value as the kubelet resolves it: literal, the pod's own fields, a Secret's or config map's key. */
  private static String value(Pod pod, EnvVar var, KubernetesClient client) {
    if (var.getValueFrom() == null) {
      return var.getValue() == null ? "" : var.getValue();
    }
    var from = var.getValueFrom();
    String ns = pod.getMetadata().getNamespace();
    if (from.getFieldRef() != null) {
      switch (from.getFieldRef().getFieldPath()) {
        case "status.podIP":
        case "status.hostIP":
          return POD_IP;
        case "metadata.name":
          return pod.getMetadata().getName();
        case "metadata.namespace":
          return ns;
        default:
          return null;
      }
    }
    if (from.getSecretKeyRef() != null) {
      Secret s = client.secrets().inNamespace(ns).withName(from.getSecretKeyRef().getName()).get();
      String b64 = s == null || s.getData() == null ? null : s.getData().get(from.getSecretKeyRef().getKey());
      return b64 == null ? null : new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }
    if (from.getConfigMapKeyRef() != null) {
      ConfigMap m = client.configMaps().inNamespace(ns).withName(from.getConfigMapKeyRef().getName()).get();
      return m == null || m.getData() == null ? null : m.getData().get(from.getConfigMapKeyRef().getKey());
    }
    return null;
  }
}
