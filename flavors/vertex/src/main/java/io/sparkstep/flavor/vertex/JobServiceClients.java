package io.sparkstep.flavor.vertex;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.aiplatform.v1.JobServiceClient;
import com.google.cloud.aiplatform.v1.JobServiceSettings;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Builds the real {@link JobServiceClient}: the regional endpoint with Application Default Credentials in production,
 * a plaintext channel without credentials for a local stand-in. Throttling and unavailability are retried by the
 * client's own retry settings, with exponential backoff and gax's jitter; other errors are not retried.
 */
final class JobServiceClients {
  /** Backoff for UNAVAILABLE and RESOURCE_EXHAUSTED (quota, 429): 1 s doubling to 30 s, at most 6 attempts. */
  static final RetrySettings RETRY = RetrySettings.newBuilder()
      .setInitialRetryDelayDuration(Duration.ofSeconds(1))
      .setRetryDelayMultiplier(2.0)
      .setMaxRetryDelayDuration(Duration.ofSeconds(30))
      .setInitialRpcTimeoutDuration(Duration.ofSeconds(60))
      .setRpcTimeoutMultiplier(1.0)
      .setMaxRpcTimeoutDuration(Duration.ofSeconds(60))
      .setTotalTimeoutDuration(Duration.ofMinutes(5))
      .setMaxAttempts(6)
      .build();

  private JobServiceClients() {
  }

  static JobServiceClient create(VertexSettings settings) {
    try {
      JobServiceSettings.Builder builder = JobServiceSettings.newBuilder().setEndpoint(settings.endpoint);
      if (settings.plaintext) {
        builder.setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
            .setEndpoint(settings.endpoint)
            .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
            .build());
        builder.setCredentialsProvider(NoCredentialsProvider.create());
      }
      // CreateCustomJob has no retries in the generated defaults. RESOURCE_EXHAUSTED is refused before anything is
      // created, and UNAVAILABLE means the call did not reach the service, so retrying cannot start a second job.
      builder.createCustomJobSettings()
          .setRetryableCodes(StatusCode.Code.UNAVAILABLE, StatusCode.Code.RESOURCE_EXHAUSTED)
          .setRetrySettings(RETRY);
      builder.getCustomJobSettings()
          .setRetryableCodes(StatusCode.Code.UNAVAILABLE, StatusCode.Code.RESOURCE_EXHAUSTED,
              StatusCode.Code.DEADLINE_EXCEEDED)
          .setRetrySettings(RETRY);
      builder.cancelCustomJobSettings()
          .setRetryableCodes(StatusCode.Code.UNAVAILABLE, StatusCode.Code.RESOURCE_EXHAUSTED)
          .setRetrySettings(RETRY);
      return JobServiceClient.create(builder.build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Vertex AI client for " + settings.endpoint + ": "
          + e.getMessage(), e);
    }
  }
}
