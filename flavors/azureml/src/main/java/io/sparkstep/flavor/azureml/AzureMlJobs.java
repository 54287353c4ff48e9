package io.sparkstep.flavor.azureml;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.util.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkstep.spi.PlatformException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The calls Sparkstep makes to Azure ML, through azure-core pipelines: user agent, retry (429 and 5xx, exponential
 * backoff honouring Retry-After), and for the jobs and run-history APIs the bearer-token policy, which also refuses to
 * send a token over plain http. Other 4xx answers are not retried: they come back as one readable line.
 *
 * <p>The container's log is what the azure-ai-ml SDK streams: the run-history details of the job name its
 * {@code user_logs/std_log.txt} by a SAS URL, which is read whole on each poll with no bearer token (the SAS is the
 * grant; the ARM token is not for storage, and the URL itself is never logged or stored).
 */
final class AzureMlJobs {
  /** The log of a single-node command job's process, as Azure ML names it in the job's outputs and logs. */
  static final String USER_LOG = "user_logs/std_log.txt";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpPipeline pipeline;
  /** Reads SAS URLs: same retry, no credential. */
  private final HttpPipeline sasPipeline;
  private final String workspaceUrl;
  private final String workspacePath;
  private final String apiVersion;

  AzureMlJobs(String endpoint, String subscription, String resourceGroup, String workspace, String apiVersion,
              int maxRetries, TokenCredential credential) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    this.workspacePath = "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
        + "/providers/Microsoft.MachineLearningServices/workspaces/" + workspace;
    this.workspaceUrl = base + workspacePath;
    this.apiVersion = apiVersion;
    HttpClient client = HttpClient.createDefault();
    this.pipeline = new HttpPipelineBuilder()
        .policies(new UserAgentPolicy("sparkstep-azureml"), retry(maxRetries),
            new BearerTokenAuthenticationPolicy(credential, base + "/.default"))
        .httpClient(client)
        .build();
    this.sasPipeline = new HttpPipelineBuilder()
        .policies(new UserAgentPolicy("sparkstep-azureml"), retry(maxRetries))
        .httpClient(client)
        .build();
  }

  private static RetryPolicy retry(int maxRetries) {
    return new RetryPolicy(new ExponentialBackoff(maxRetries, Duration.ofMillis(500), Duration.ofSeconds(30)));
  }

  String workspaceId() {
    return workspacePath;
  }

  /**
   * The run-history host of the job's region, from the job's Tracking service endpoint
   * ({@code azureml://eastus.api.azureml.ms/mlflow/v1.0/...}), or null while the job has none.
   */
  static String runHistoryHost(JsonNode job) {
    String tracking = job.path("properties").path("services").path("Tracking").path("endpoint").asText(null);
    if (tracking == null || !tracking.startsWith("azureml://")) {
      return null;
    }
    String authority = tracking.substring("azureml://".length()).split("/", 2)[0];
    return authority.isEmpty() ? null : "https://" + authority;
  }

  /** The whole current text of the job's {@link #USER_LOG}, or null while Azure ML has none. */
  String userLog(String runHistoryHost, String name) throws PlatformException {
    JsonNode details = send(pipeline, HttpMethod.GET, runHistoryHost + "/history/v1.0" + workspacePath + "/runs/"
        + name + "/details", null, "read the run details of the job " + name);
    String sasUrl = details.path("logFiles").path(USER_LOG).asText(null);
    return sasUrl == null ? null
        : sendText(sasPipeline, HttpMethod.GET, sasUrl, null, "read " + USER_LOG + " of the job " + name);
  }

  /** PUT .../jobs/{name}: creates the job. */
  JsonNode create(String name, JsonNode body) throws PlatformException {
    return send(pipeline, HttpMethod.PUT, jobUrl(name), body.toString(), "create the job " + name);
  }

  /** GET .../jobs/{name}. */
  JsonNode get(String name) throws PlatformException {
    return send(pipeline, HttpMethod.GET, jobUrl(name), null, "read the job " + name);
  }

  /** POST .../jobs/{name}/cancel. */
  void cancel(String name) throws PlatformException {
    send(pipeline, HttpMethod.POST, workspaceUrl + "/jobs/" + name + "/cancel?api-version=" + apiVersion, "", "cancel the job " + name);
  }

  private String jobUrl(String name) {
    return workspaceUrl + "/jobs/" + name + "?api-version=" + apiVersion;
  }

  private static JsonNode send(HttpPipeline pipeline, HttpMethod method, String url, String body, String what)
      throws PlatformException {
    String text = sendText(pipeline, method, url, body, what);
    try {
      return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    } catch (IOException e) {
      throw new PlatformException("Azure ML answered " + what + " with no JSON: " + e.getMessage(), e, true);
    }
  }

  private static String sendText(HttpPipeline pipeline, HttpMethod method, String url, String body, String what)
      throws PlatformException {
    HttpRequest request = new HttpRequest(method, url);
    if (body != null) {
      request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
      request.setBody(body);
    }
    try (HttpResponse response = pipeline.sendSync(request, Context.NONE)) {
      int status = response.getStatusCode();
      String text = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
      if (status >= 200 && status < 300) {
        return text;
      }
      String message = errorMessage(text);
      // 4xx other than throttling is the caller's mistake: not retried, and said in one line.
      boolean retryable = status == 429 || status >= 500;
      throw new AzureMlApiException("Azure ML refused to " + what + ": HTTP " + status + " " + message, status, retryable);
    } catch (UncheckedIOException | IllegalStateException e) {
      throw new PlatformException("cannot reach Azure ML to " + what + ": " + e.getMessage(), e, true);
    }
  }

  private static String errorMessage(String text) {
    try {
      JsonNode error = JSON.readTree(text).path("error");
      if (!error.isMissingNode()) {
        return error.path("code").asText() + ": " + error.path("message").asText();
      }
    } catch (IOException | RuntimeException ignored) {
      // not JSON: the text itself is the best message
    }
    return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
