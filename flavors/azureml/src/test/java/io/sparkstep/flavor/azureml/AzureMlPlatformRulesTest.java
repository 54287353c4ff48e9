package io.sparkstep.flavor.azureml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkstep.registry.FlavorRegistry;
import io.sparkstep.spi.OperatorConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Environment references and staging URIs the ARM jobs API cannot use are refused at register. */
class AzureMlPlatformRulesTest {
  static List<String> fields(Map<String, String> extra) {
    Map<String, String> raw = new HashMap<>(Map.of("endpoint", "https://management.azure.com", "subscriptionId", "s",
        "resourceGroup", "rg", "workspace", "wsx", "compute", "c", "environment", "azureml:sparkstep:1",
        "stagingUri", "abfss://runs@acct.dfs.core.windows.net/sparkstep"));
    raw.putAll(extra);
    var flavor = new FlavorRegistry().get("azureml");
    return new FlavorRegistry().validate(flavor, raw).stream()
        .map(p -> p.field()).toList();
  }

  @Test
  void environmentAndStagingUriFollowTheApi() {
    assertEquals(List.of(), fields(Map.of()));
    assertEquals(List.of(), fields(Map.of("environment", "/subscriptions/s/resourceGroups/rg/providers/"
        + "Microsoft.MachineLearningServices/workspaces/wsx/environments/sparkstep/versions/3")));
    assertEquals(List.of("stagingUri"), fields(Map.of("stagingUri", "gs://bucket/x")));
    assertEquals(List.of("environment"), fields(Map.of("environment", "azureml:sparkstep")));
    assertEquals(List.of("environment"), fields(Map.of("environment", "sparkstep:1")));
  }

  @Test
  void shortEnvironmentBecomesAnArmId() {
    assertEquals("/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/wsx"
        + "/environments/sparkstep/versions/1", AzureMlFlavor.environmentId("azureml:sparkstep:1",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/wsx"));
  }
}
