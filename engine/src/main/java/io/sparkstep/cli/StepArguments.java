package io.sparkstep.cli;

import io.sparkstep.spi.spec.ArtifactSpec;
import io.sparkstep.spi.spec.InvalidSpecException;
import io.sparkstep.spi.spec.ResourceSpec;
import io.sparkstep.spi.spec.StepSpec;
import io.sparkstep.spi.spec.StepSpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The arguments that describe one step run, shared by {@code run} and {@code explain} (a picocli mixin). Flags
 * override what a {@code --spec} file says.
 */
final class StepArguments {
  @Option(names = "--spec", paramLabel = "FILE", description = "Start from a step spec JSON file; flags override it.")
  Path specFile;

  @Option(names = "--step", paramLabel = "CLASS_OR_ALIAS", description = "Step class name or alias (see: sparkstep steps).")
  String step;

  @Option(names = "--jars", paramLabel = "JAR[,JAR]", split = ",", description = "Jars with your steps "
      + "(repeatable); also read from SPARKSTEP_CLASSPATH, the operator's jars and $SPARKSTEP_HOME/plugins.")
  List<String> jars = List.of();

  @Option(names = "--param", paramLabel = "NAME=VALUE", description = "Step parameter (repeatable).")
  List<String> params = List.of();

  @Option(names = "--input", paramLabel = "NAME=URI", description = "Input URI (repeatable); NAME=URI@format for csv/json/orc.")
  List<String> inputs = List.of();

  @Option(names = "--output", paramLabel = "NAME=URI", description = "Output URI (repeatable); NAME=URI@format for csv/json/orc.")
  List<String> outputs = List.of();

  @Option(names = "--overwrite", description = "Replace existing outputs (atomically, at commit). Default: refuse.")
  boolean overwrite;

  @Option(names = "--resources", paramLabel = "K=V[,K=V]", description = "e.g. cpu=4,memory=16g,gpus=1,executors=2,"
      + "executorCpu=2,executorMemory=4g,memoryOverhead=1g,instanceType=...,diskGb=100,maxRuntimeSeconds=3600")
  String resources;

  @Option(names = "--conf", paramLabel = "spark.K=V", description = "Spark conf for this run (repeatable); ${ENV} is resolved where the step runs.")
  List<String> conf = List.of();

  @Option(names = "--accelerator", paramLabel = "none|comet|rapids", description = "Accelerator for this run.")
  String accelerator;

  @Option(names = "--retries", paramLabel = "N", description = "Attempts for retryable failures (default 1: no retry).")
  Integer maxAttempts;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run id (default: generated).")
  String runId;

  /** Builds the spec from {@code --spec} and the flags; bad flags raise {@link InvalidSpecException}. */
  public StepSpec toSpec() {
    StepSpec spec;
    if (specFile != null) {
      try {
        spec = StepSpecJson.read(Files.readString(specFile));
      } catch (IOException e) {
        throw new InvalidSpecException("--spec", "cannot read " + specFile + ": " + e.getMessage(), "check the path");
      }
    } else {
      spec = new StepSpec();
    }
    if (step != null) {
      spec.step = step;
    }
    spec.jars.addAll(jars);
    for (String param : params) {
      String[] kv = keyValue("--param", param);
      spec.params.put(kv[0], kv[1]);
    }
    inputs.forEach(input -> spec.inputs.put(keyValue("--input", input)[0], artifact("--input", input)));
    outputs.forEach(output -> spec.outputs.put(keyValue("--output", output)[0], artifact("--output", output)));
    if (overwrite) {
      spec.outputs.values().forEach(o -> o.mode = "overwrite");
    }
    if (resources != null) {
      spec.resources = parseResources(resources, spec.resources == null ? new ResourceSpec() : spec.resources);
    }
    for (String entry : conf) {
      String[] kv = keyValue("--conf", entry);
      spec.sparkConf.put(kv[0], kv[1]);
    }
    if (accelerator != null) {
      spec.accelerator = accelerator;
    }
    if (maxAttempts != null) {
      spec.retry = new StepSpec.RetrySpec(maxAttempts, 2000);
    }
    if (runId != null) {
      spec.runId = runId;
    }
    if (spec.step == null) {
      throw new InvalidSpecException("--step", "is missing", "name a step class or alias, e.g. --step generate-trips");
    }
    return spec;
  }

  static String[] keyValue(String flag, String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new InvalidSpecException(flag, "'" + text + "' is not NAME=VALUE", "write " + flag + " name=value");
    }
    return new String[] {text.substring(0, eq).trim(), text.substring(eq + 1)};
  }

  private static ArtifactSpec artifact(String flag, String text) {
    String value = keyValue(flag, text)[1];
    int at = value.lastIndexOf('@');
    if (at > 0 && !value.substring(at + 1).contains("/")) {
      return new ArtifactSpec(value.substring(0, at), value.substring(at + 1), null);
    }
    return ArtifactSpec.ofUri(value);
  }

  /** Parses {@code cpu=4,memory=16g,...}; unknown keys are refused, never dropped. */
  static ResourceSpec parseResources(String text, ResourceSpec into) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        String[] kv = keyValue("--resources", part.trim());
        values.put(kv[0], kv[1].trim());
      }
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      try {
        switch (key) {
          case "cpu": into.cpu = Integer.parseInt(value); break;
          case "memory": into.memory = value; break;
          case "gpus": into.gpus = Integer.parseInt(value); break;
          case "gpuVendor": into.gpuVendor = value; break;
          case "executors": into.executors = Integer.parseInt(value); break;
          case "executorCpu": into.executorCpu = Integer.parseInt(value); break;
          case "executorMemory": into.executorMemory = value; break;
          case "memoryOverhead": into.memoryOverhead = value; break;
          case "instanceType": into.instanceType = value; break;
          case "diskGb": into.diskGb = Integer.parseInt(value); break;
          case "maxRuntimeSeconds": into.maxRuntimeSeconds = Long.parseLong(value); break;
          case "dynamicAllocation":
            into.dynamicAllocation = dynamic(into);
            into.dynamicAllocation.enabled = Boolean.parseBoolean(value);
            break;
          case "minExecutors": dynamic(into).minExecutors = Integer.parseInt(value); break;
          case "maxExecutors": dynamic(into).maxExecutors = Integer.parseInt(value); break;
          default:
            throw new InvalidSpecException("--resources " + key, "unknown resource '" + key + "'",
                "known: cpu, memory, gpus, gpuVendor, executors, executorCpu, executorMemory, memoryOverhead, "
                    + "dynamicAllocation, minExecutors, maxExecutors, instanceType, diskGb, maxRuntimeSeconds");
        }
      } catch (NumberFormatException nfe) {
        throw new InvalidSpecException("--resources " + key, "'" + value + "' is not a whole number", "e.g. " + key + "=2");
      }
    }
    return into;
  }

  private static ResourceSpec.DynamicAllocation dynamic(ResourceSpec spec) {
    if (spec.dynamicAllocation == null) {
      spec.dynamicAllocation = new ResourceSpec.DynamicAllocation();
    }
    return spec.dynamicAllocation;
  }
}
