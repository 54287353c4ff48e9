package io.sparkstep.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sparkstep.pipeline.FailUntilFixedStep;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import io.sparkstep.testing.CliCall;
import io.sparkstep.testing.CliProcess;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pipeline on the local flavor in a fresh CLI JVM, with lineage configured only through the environment: a
 * step that succeeds and one that fails. A local HTTP receiver gets START and COMPLETE of the first, START and FAIL of
 * the second, each once, each a valid OpenLineage RunEvent with the pipeline run as parent; the file gets the same
 * events; {@code runs lineage} of the pipeline run links the failed step's input to the run that produced it.
 */
@Tag("slow")
class OpenLineageRunTest {
  @TempDir
  Path home;

  @AfterEach
  void clearHome() {
    System.clearProperty("sparkstep.home");
  }

  @Test
  void aPipelineRunSendsValidEventsForEachStepRunOnce() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/api/v1/lineage", exchange -> {
      received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(201, -1);
      exchange.close();
    });
    receiver.start();
    try {
      Path pipelineFile = home.resolve("lineage.yaml");
      Files.writeString(pipelineFile, """
          pipeline: lineage-e2e
          steps:
            - id: trips
              step: generate-trips
              params: {rows: 200, zones: 3}
              conf: {spark.sql.shuffle.partitions: "1"}
            - id: flaky
              step: %s
              params: {fixedWhen: %s}
              inputs: {in: {from: trips.trips}}
              conf: {spark.sql.shuffle.partitions: "1"}
          """.formatted(FailUntilFixedStep.class.getName(), home.resolve("never-fixed")));
      Path eventsFile = home.resolve("lineage/events.jsonl");
      CliProcess run = CliProcess.run(home, Duration.ofMinutes(4), Map.of(
          OpenLineageSettings.URL_ENV, "http://127.0.0.1:" + receiver.getAddress().getPort(),
          OpenLineageSettings.FILE_ENV, eventsFile.toString()), "pipeline", "run", pipelineFile.toString());
      assertEquals(1, run.code(), run.out() + run.err());

      List<RunRecord> steps = new RunStore(home).list();
      RunRecord trips = steps.stream().filter(r -> "trips".equals(r.pipelineStep)).findFirst().orElseThrow();
      RunRecord flaky = steps.stream().filter(r -> "flaky".equals(r.pipelineStep)).findFirst().orElseThrow();
      ObjectMapper json = new ObjectMapper();
      OpenLineageSchema schema = new OpenLineageSchema();
      for (String event : received) {
        assertEquals(List.of(), schema.problems(event), event);
      }
      List<JsonNode> events = received.stream().map(e -> read(json, e)).toList();
      assertEquals(List.of("START", "COMPLETE"), types(events, trips.runId), received.toString());
      assertEquals(List.of("START", "FAIL"), types(events, flaky.runId), received.toString());
      assertEquals(4, events.size(), "each event once: " + received);
      String parent = OpenLineageEvent.runUuid(trips.pipelineRun).toString();
      events.forEach(e -> assertEquals(parent, e.at("/run/facets/parent/run/runId").asText(), e.toString()));
      JsonNode complete = event(events, trips.runId, "COMPLETE");
      assertEquals("lineage-e2e.trips", complete.at("/job/name").asText());
      JsonNode tripsOutput = null;
      for (JsonNode output : complete.path("outputs")) {
        assertEquals(trips.runId, output.at("/facets/version/datasetVersion").asText(), output.toString());
        if (output.path("name").asText().endsWith("/trips")) {
          tripsOutput = output;
        }
      }
      assertTrue(tripsOutput != null && "file".equals(tripsOutput.path("namespace").asText()), complete.toString());
      JsonNode fail = event(events, flaky.runId, "FAIL");
      assertTrue(fail.at("/run/facets/errorMessage/message").asText().contains("flaky: not fixed yet"),
          fail.toString());
      assertEquals(tripsOutput.path("name").asText(), fail.at("/inputs/0/name").asText(), fail.toString());
      assertEquals(received.size(), Files.readAllLines(eventsFile).size(), "the file got the same events");

      System.setProperty("sparkstep.home", home.toString());
      CliCall lineage = CliCall.of("runs", "lineage", trips.pipelineRun);
      assertEquals(0, lineage.code(), lineage.all());
      assertTrue(lineage.out().contains("<- run " + trips.runId), lineage.out());
    } finally {
      receiver.stop(0);
    }
  }

  private static List<String> types(List<JsonNode> events, String runId) {
    String uuid = OpenLineageEvent.runUuid(runId).toString();
    return events.stream().filter(e -> uuid.equals(e.at("/run/runId").asText()))
        .map(e -> e.path("eventType").asText()).toList();
  }

  private static JsonNode event(List<JsonNode> events, String runId, String type) {
    String uuid = OpenLineageEvent.runUuid(runId).toString();
    return events.stream().filter(e -> uuid.equals(e.at("/run/runId").asText())
        && type.equals(e.path("eventType").asText())).findFirst().orElseThrow();
  }

  private static JsonNode read(ObjectMapper json, String text) {
    try {
      return json.readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
