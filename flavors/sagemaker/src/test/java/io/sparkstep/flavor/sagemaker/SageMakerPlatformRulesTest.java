package io.sparkstep.flavor.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.registry.FlavorRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Environment keys and tags CreateTrainingJob would refuse are refused at register. */
class SageMakerPlatformRulesTest {
  static List<String> fields(Map<String, String> extra) {
    Map<String, String> raw = new HashMap<>(Map.of("roleArn", "arn:aws:iam::123456789012:role/sm", "image", "x",
        "outputPath", "s3://b/out", "region", "us-east-1"));
    raw.putAll(extra);
    var flavor = new FlavorRegistry().get("sagemaker");
    return new FlavorRegistry().validate(flavor, raw).stream()
        .map(p -> p.field()).toList();
  }

  @Test
  void envKeysAndTagsOutsideTheApiPatternsAreRefused() {
    assertEquals(List.of(), fields(Map.of("env.GOOD_NAME", "1", "tag.team", "ml platform", "tag.cost", "")));
    assertEquals(List.of("env.1BAD"), fields(Map.of("env.1BAD", "x")));
    assertEquals(List.of("env.has-dash"), fields(Map.of("env.has-dash", "x")));
    assertEquals(List.of("tag.team"), fields(Map.of("tag.team", "ml;drop")));
    assertEquals(List.of("tag.aws:reserved"), fields(Map.of("tag.aws:reserved", "x")));
    assertTrue(fields(Map.of("tag.k", "v".repeat(300))).contains("tag.k"));
  }
}
