package io.sparkstep.flavor.azureml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;

/**
 * The body of {@code PUT .../jobs/{name}} for a command job: the image's entrypoint on one instance of the compute
 * target, with the spec (or its URI) in the environment.
 */
final class CommandJobRequest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CommandJobRequest() {
  }

  static ObjectNode build(String displayName, String experiment, String computeId, String environmentId, String command,
                          Map<String, String> environment, String instanceType, long timeoutSeconds,
                          Map<String, String> tags) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode properties = body.putObject("properties");
    properties.put("jobType", "Command");
    properties.put("displayName", displayName);
    properties.put("experimentName", experiment);
    properties.put("computeId", computeId);
    properties.put("environmentId", environmentId);
    properties.put("command", command);
    ObjectNode env = properties.putObject("environmentVariables");
    environment.forEach(env::put);
    ObjectNode resources = properties.putObject("resources");
    // One instance: the step runs Spark inside the container; N instances would each run the whole step.
    resources.put("instanceCount", 1);
    if (instanceType != null) {
      resources.put("instanceType", instanceType);
    }
    if (timeoutSeconds > 0) {
      ObjectNode limits = properties.putObject("limits");
      limits.put("jobLimitsType", "Command");
      limits.put("timeout", Duration.ofSeconds(timeoutSeconds).toString());
    }
    ObjectNode tagNode = properties.putObject("tags");
    tags.forEach(tagNode::put);
    return body;
  }
}
