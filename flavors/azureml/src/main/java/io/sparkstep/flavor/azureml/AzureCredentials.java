package io.sparkstep.flavor.azureml;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;

/**
 * The credential the jobs API calls are made with: azure-identity's DefaultAzureCredential chain (environment,
 * workload identity, managed identity, Azure CLI, ...). An application embedding Sparkstep may supply its own.
 */
public final class AzureCredentials {
  private static volatile TokenCredential supplied;

  private AzureCredentials() {
  }

  /** Use this credential instead of the default chain in this JVM (e.g. a service principal the app holds). */
  public static void use(TokenCredential credential) {
    supplied = credential;
  }

  static TokenCredential current() {
    TokenCredential credential = supplied;
    return credential != null ? credential : new DefaultAzureCredentialBuilder().build();
  }
}
