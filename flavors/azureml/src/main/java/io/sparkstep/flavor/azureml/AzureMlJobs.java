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
 * The three calls Sparkstep makes to the Azure ML jobs API, through one azure-core pipeline: user agent, retry
 * (429 and 5xx, exponential backoff honouring Retry-After), and the bearer-token policy, which also refuses to send a
 * token over plain http. Other 4xx answers are not retried: they come back as one readable line.
 */
final class AzureMlJobs {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpPipeline pipeline;
  private final String workspaceUrl;
  private final String apiVersion;

  AzureMlJobs(String endpoint, String subscription, String resourceGroup, String workspace, String apiVersion,
              int maxRetries, TokenCredential credential) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    this.workspaceUrl = base + "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
        + "/providers/Microsoft.MachineLearningServices/workspaces/" + workspace;
    this.apiVersion = apiVersion;
    this.pipeline = new HttpPipelineBuilder()
        .policies(new UserAgentPolicy("sparkstep-azureml"),
            new RetryPolicy(new ExponentialBackoff(maxRetries, Duration.ofMillis(500), Duration.ofSeconds(30))),
            new BearerTokenAuthenticationPolicy(credential, base + "/.default"))
        .httpClient(HttpClient.createDefault())
        .build();
  }

  String workspaceId() {
    return workspaceUrl.substring(workspaceUrl.indexOf("/subscriptions/"));
  }

  /** PUT .../jobs/{name}: creates the job. */
  JsonNode create(String name, JsonNode body) throws PlatformException {
    return send(HttpMethod.PUT, jobUrl(name), body.toString(), "create the job " + name);
  }

  /** GET .../jobs/{name}. */
  JsonNode get(String name) throws PlatformException {
    return send(HttpMethod.GET, jobUrl(name), null, "read the job " + name);
  }

  /** POST .../jobs/{name}/cancel. */
  void cancel(String name) throws PlatformException {
    send(HttpMethod.POST, workspaceUrl + "/jobs/" + name + "/cancel?api-version=" + apiVersion, "", "cancel the job " + name);
  }

  private String jobUrl(String name) {
    return workspaceUrl + "/jobs/" + name + "?api-version=" + apiVersion;
  }

  private JsonNode send(HttpMethod method, String url, String body, String what) throws PlatformException {
    HttpRequest request = new HttpRequest(method, url);
    if (body != null) {
      request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
      request.setBody(body);
    }
    try (HttpResponse response = pipeline.sendSync(request, Context.NONE)) {
      int status = response.getStatusCode();
      String text = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
      if (status >= 200 && status < 300) {
        return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
      }
      String message = errorMessage(text);
      // 4xx other than throttling is the caller's mistake: not retried, and said in one line.
      boolean retryable = status == 429 || status >= 500;
      throw new AzureMlApiException("Azure ML refused to " + what + ": HTTP " + status + " " + message, status, retryable);
    } catch (IOException e) {
      throw new PlatformException("cannot reach Azure ML to " + what + ": " + e.getMessage(), e, true);
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
