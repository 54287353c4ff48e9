package io.sparkstep.flavor.azureml;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.spi.record.RunRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The flavor contract of azureml through the unpacked distribution: the operator is registered, and the success, the
 * failure and the detached run are made and followed, by its {@code bin/sparkstep} (the azureml flavor from its
 * {@code plugins/azureml}). The CLI gets the stand-in's trust and token the ways a user's machine provides them,
 * with no test class in the CLI: the JDK's trust store properties in {@code SPARKSTEP_JAVA_OPTS}, and an
 * {@code az} on the {@code PATH} that answers {@code az account get-access-token} as the Azure CLI does, chosen by
 * azure-identity's {@code AZURE_TOKEN_CREDENTIALS=AzureCliCredential}.
 */
class AzureMlDistributionContractTest extends AzureMlContractTest {
  @Override
  protected Mode mode() {
    return Mode.DISTRIBUTION;
  }

  @Override
  protected Map<String, String> cliEnvironment() {
    Path azureCli = azureCli();
    return Map.of(
        "PATH", azureCli.getParent() + java.io.File.pathSeparator + System.getenv("PATH"),
        "AZURE_TOKEN_CREDENTIALS", "AzureCliCredential",
        "SPARKSTEP_JAVA_OPTS", "-Djavax.net.ssl.trustStore=" + keyStore()
            + " -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=changeit");
  }

  /** The CLI's calls carried the token its {@code az} gave. */
  @Override
  protected void checkSucceeded(RunRecord record) throws Exception {
    super.checkSucceeded(record);
    assertTrue(standIn.authorizations.contains("Bearer " + StandInClientSetup.TOKEN),
        "the jobs API was called with the Azure CLI's token: " + standIn.authorizations);
  }

  /** An Azure CLI stand-in (written once per class): prints a token as {@code az account get-access-token} does. */
  private synchronized Path azureCli() {
    Path az = tmp.resolve("azure-cli").resolve("az");
    if (Files.exists(az)) {
      return az;
    }
    LocalDateTime expires = LocalDateTime.now().plusHours(2);
    String json = "{\"accessToken\": \"" + StandInClientSetup.TOKEN + "\", \"expiresOn\": \""
        + expires.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")) + "\", \"expires_on\": "
        + expires.atZone(java.time.ZoneId.systemDefault()).toEpochSecond()
        + ", \"subscription\": \"00000000-0000-0000-0000-000000000000\", \"tenant\": "
        + "\"00000000-0000-0000-0000-000000000000\", \"tokenType\": \"Bearer\"}";
    try {
      Files.createDirectories(az.getParent());
      Files.writeString(az, "#!/bin/sh\n# the Azure CLI's answer to: az account get-access-token --output json ...\n"
          + "echo '" + json + "'\n");
      Files.setPosixFilePermissions(az, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return az;
  }
}
