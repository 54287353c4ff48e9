package io.sparkstep.flavor.sagemaker;

import io.sparkstep.spi.OperatorConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/**
 * The AWS clients of one operator, created on first use. Credentials come from the SDK's default chain (environment,
 * system properties, profile, container and instance roles), never from operator settings. Retries use the SDK's
 * standard mode: throttling and 5xx are retried with exponential backoff and full jitter; other 4xx are not.
 */
final class AwsClients implements AutoCloseable {
  private final OperatorConfig config;
  private SageMakerClient sageMaker;
  private CloudWatchLogsClient logs;
  private S3Client s3;

  AwsClients(OperatorConfig config) {
    this.config = config;
  }

  synchronized SageMakerClient sageMaker() {
    if (sageMaker == null) {
      sageMaker = configure(SageMakerClient.builder(), config.get(SageMakerSettings.ENDPOINT))
          .httpClientBuilder(httpClient()).build();
    }
    return sageMaker;
  }

  synchronized CloudWatchLogsClient logs() {
    if (logs == null) {
      String endpoint = config.get(SageMakerSettings.LOGS_ENDPOINT) != null
          ? config.get(SageMakerSettings.LOGS_ENDPOINT) : config.get(SageMakerSettings.ENDPOINT);
      logs = configure(CloudWatchLogsClient.builder(), endpoint).httpClientBuilder(httpClient()).build();
    }
    return logs;
  }

  synchronized S3Client s3() {
    if (s3 == null) {
      String endpoint = config.get(SageMakerSettings.S3_ENDPOINT);
      // Checksums only where S3 requires them: a plain body also suits S3-compatible endpoints and VPC proxies.
      s3 = configure(S3Client.builder(), endpoint).httpClientBuilder(httpClient())
          .forcePathStyle(endpoint != null && !endpoint.isBlank())
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
    }
    return s3;
  }

  private static UrlConnectionHttpClient.Builder httpClient() {
    return UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
        .socketTimeout(Duration.ofSeconds(60));
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(B builder, String endpoint) {
    builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    String region = config.get(SageMakerSettings.REGION);
    if (region != null && !region.isBlank()) {
      builder.region(Region.of(region));
    }
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    int sdkAttempts = config.getInt(SageMakerSettings.SDK_ATTEMPTS);
    builder.overrideConfiguration(ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(sdkAttempts).build())
        .build());
    return builder;
  }

  /** The region the clients use, for console links. */
  String region() {
    return sageMaker().serviceClientConfiguration().region().id();
  }

  @Override
  public synchronized void close() {
    if (sageMaker != null) {
      sageMaker.close();
    }
    if (logs != null) {
      logs.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }
}
