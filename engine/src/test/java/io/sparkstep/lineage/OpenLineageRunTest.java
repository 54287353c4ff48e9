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
import java.util.ArrayList;
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
 * the second, each once, each a valid OpenLineage RunEvent with the pipeline run as parent, between the pipeline run's
 * own START and FAIL; the file gets the same events. Resumed with the step fixed, the pipeline run sends no second
 * START, and its COMPLETE after the step's. {@code runs lineage} of the pipeline run links the failed step's input to
 * the run that produced it.
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
      Map<String, String> lineageEnv = Map.of(
          OpenLineageSettings.URL_ENV, "http://127.0.0.1:" + receiver.getAddress().getPort(),
          OpenLineageSettings.FILE_ENV, eventsFile.toString());
      CliProcess run = CliProcess.run(home, Duration.ofMinutes(4), lineageEnv, "pipeline", "run",
          pipelineFile.toString());
      assertEquals(1, run.code(), run.out() + run.err());

      List<RunRecord> steps = new RunStore(home).list();
      RunRecord trips = steps.stream().filter(r -> "trips".equals(r.pipelineStep)).findFirst().orElseThrow();
      RunRecord flaky = steps.stream().filter(r -> "flaky".equals(r.pipelineStep)).findFirst().orElseThrow();
      String pipelineRun = trips.pipelineRun;
      ObjectMapper json = new ObjectMapper();
      OpenLineageSchema schema = new OpenLineageSchema();
      for (String event : received) {
        assertEquals(List.of(), schema.problems(event), event);
      }
      List<JsonNode> events = received.stream().map(e -> read(json, e)).toList();
      assertEquals(List.of("START", "COMPLETE"), types(events, trips.runId), received.toString());
      assertEquals(List.of("START", "FAIL"), types(events, flaky.runId), received.toString());
      assertEquals(List.of("START", "FAIL"), types(events, pipelineRun), received.toString());
      assertEquals(6, events.size(), "each event once: " + received);
      assertEquals(List.of(pipelineRun, trips.runId, trips.runId, flaky.runId, flaky.runId, pipelineRun),
          sparkstepRunIds(events), "the pipeline starts before its first step and ends after its last");
      String parent = OpenLineageEvent.runUuid(pipelineRun).toString();
      events.subList(1, 5).forEach(e -> assertEquals(parent, e.at("/run/facets/parent/run/runId").asText(),
          e.toString()));
      JsonNode pipelineFail = event(events, pipelineRun, "FAIL");
      assertEquals("lineage-e2e", pipelineFail.at("/job/name").asText(), pipelineFail.toString());
      assertTrue(pipelineFail.at("/run/facets/errorMessage/message").asText().contains("step 'flaky' failed"),
          pipelineFail.toString());
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

      // Resumed, the same OpenLineage run goes on: no second START; its end comes after the resumed step's.
      Files.createFile(home.resolve("never-fixed"));
      CliProcess resume = CliProcess.run(home, Duration.ofMinutes(4), lineageEnv, "pipeline", "resume", pipelineRun);
      assertEquals(0, resume.code(), resume.out() + resume.err());
      List<JsonNode> resumed = received.subList(6, received.size()).stream().map(e -> read(json, e)).toList();
      String flakyAgain = sparkstepRunIds(resumed).get(0);
      assertEquals(List.of(flakyAgain, flakyAgain, pipelineRun), sparkstepRunIds(resumed), received.toString());
      assertEquals(List.of("START", "COMPLETE", "COMPLETE"), resumed.stream().map(e -> e.path("eventType").asText())
          .toList(), received.toString());
      JsonNode pipelineComplete = resumed.get(2);
      assertEquals(List.of(), schema.problems(pipelineComplete.toString()), pipelineComplete.toString());
      List<String> finalOutputs = new ArrayList<>();
      pipelineComplete.path("outputs").forEach(output -> finalOutputs.add(output.path("name").asText()));
      assertTrue(finalOutputs.stream().anyMatch(name -> name.endsWith("/out")), finalOutputs.toString());
      assertTrue(finalOutputs.stream().noneMatch(name -> name.endsWith("/trips")), "read by a step: not final "
          + finalOutputs);

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

  /** The Sparkstep run id of each event: a step run's, or the pipeline run's for the pipeline's own events. */
  private static List<String> sparkstepRunIds(List<JsonNode> events) {
    return events.stream().map(e -> e.at("/run/facets/sparkstep").has("runId")
        ? e.at("/run/facets/sparkstep/runId").asText() : e.at("/run/facets/sparkstep/pipelineRun").asText()).toList();
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
