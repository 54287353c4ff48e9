package io.sparkstep.flavor.sagemaker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fake AWS credentials the SageMaker stand-in sees the SDK sign with, given where the SDK's default chain looks:
 * system properties in this JVM (restored on close), environment variables for a fresh CLI process. The flavor never
 * sees them as settings.
 */
final class StandInCredentials implements AutoCloseable {
  static final String ACCESS_KEY = "AKIASTANDINFAKE12345";
  static final String SECRET_KEY = "standInSecretKey/NeverInAnyFile+0123456789";
  private final Map<String, String> previous = new LinkedHashMap<>();

  private StandInCredentials() {
  }

  /** Sets the system properties the default chain reads first. */
  static StandInCredentials install() {
    StandInCredentials credentials = new StandInCredentials();
    credentials.set("aws.accessKeyId", ACCESS_KEY);
    credentials.set("aws.secretAccessKey", SECRET_KEY);
    return credentials;
  }

  /** What a user's shell exports for a new process. */
  static Map<String, String> environment() {
    return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
  }

  private void set(String key, String value) {
    previous.put(key, System.getProperty(key));
    System.setProperty(key, value);
  }

  @Override
  public void close() {
    previous.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
  }
}
