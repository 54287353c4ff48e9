package io.sparkstep.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OpenLineage spec's own JSON schemas (test data under {@code openlineage/}, see its SOURCE.md), each {@code $id}
 * mapped to its copy so no network is needed. An event is checked against the RunEvent schema, and each facet it
 * carries against that facet's schema; formats (uuid, uri, date-time) are asserted.
 */
final class OpenLineageSchema {
  private static final String SPEC = "https://openlineage.io/spec/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
      builder -> builder
          .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
          .schemaIdResolvers(ids -> ids.mappings(Map.of(
              SPEC + "2-0-2/OpenLineage.json", "classpath:openlineage/OpenLineage.json",
              SPEC + "facets/1-0-1/DatasetVersionDatasetFacet.json",
              "classpath:openlineage/DatasetVersionDatasetFacet.json",
              SPEC + "facets/1-2-0/ParentRunFacet.json", "classpath:openlineage/ParentRunFacet.json",
              SPEC + "facets/1-0-1/ErrorMessageRunFacet.json", "classpath:openlineage/ErrorMessageRunFacet.json"))));
  private final Schema event = schema("2-0-2/OpenLineage.json");
  private final Schema version = schema("facets/1-0-1/DatasetVersionDatasetFacet.json");
  private final Schema parent = schema("facets/1-2-0/ParentRunFacet.json");
  private final Schema error = schema("facets/1-0-1/ErrorMessageRunFacet.json");

  private Schema schema(String path) {
    return registry.getSchema(SchemaLocation.of(SPEC + path));
  }

  /** Every way the event breaks the spec; empty when it is a valid RunEvent with valid facets. */
  List<String> problems(String eventJson) throws IOException {
    JsonNode node = JSON.readTree(eventJson);
    List<String> problems = new ArrayList<>(messages("event", event.validate(node)));
    JsonNode runFacets = node.path("run").path("facets");
    if (runFacets.has("parent")) {
      problems.addAll(messages("parent facet", parent.validate(runFacets)));
    }
    if (runFacets.has("errorMessage")) {
      problems.addAll(messages("errorMessage facet", error.validate(runFacets)));
    }
    for (String side : new String[] {"inputs", "outputs"}) {
      for (JsonNode dataset : node.path(side)) {
        if (dataset.path("facets").has("version")) {
          problems.addAll(messages(side + " version facet", version.validate(dataset.path("facets"))));
        }
      }
    }
    return problems;
  }

  private static List<String> messages(String what, List<Error> errors) {
    return errors.stream().map(e -> what + ": " + e.getMessage()).toList();
  }
}
