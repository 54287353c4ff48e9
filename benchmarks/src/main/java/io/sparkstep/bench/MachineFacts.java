package io.sparkstep.bench;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the figures were measured on, recorded with each run. */
public final class MachineFacts {
  private MachineFacts() {
  }

  public static Map<String, String> collect() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    long mem = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
    facts.put("memory", (mem / (1024 * 1024 * 1024)) + " GiB");
    facts.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
        + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
    facts.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    facts.put("Spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    facts.put("Comet", "org.apache.datafusion:comet-spark-spark4.1_2.13:1.2.0");
    facts.put("RAPIDS", "com.nvidia:rapids-4-spark_2.13:26.08.1" + (hasGpu() ? "" : " (not run: no GPU)"));
    facts.put("GPU", gpuModel());
    facts.put("date", java.time.Instant.now().toString());
    return facts;
  }

  public static boolean hasGpu() {
    return Files.exists(Path.of("/dev/nvidia0")) || onPath("nvidia-smi");
  }

  public static String gpuModel() {
    if (!hasGpu()) {
      return "none";
    }
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader").start();
      String name = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor() == 0 && !name.isEmpty() ? name : "present (model unknown)";
    } catch (Exception e) {
      return "present (model unknown)";
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
