package io.sparkstep.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkstep.api.RunState;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.record.RunStore;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each event of a run is sent once, whichever and however many processes observe it; a final state observed without
 * a START sends START first; a lineage backend that cannot be reached costs the run nothing.
 */
class RunEventPublisherTest {
  @TempDir
  Path home;

  @Test
  void twoObserversOfOneRunSendEachEventOnceInOrder() throws Exception {
    RunStore runs = new RunStore(home);
    RunRecord record = OpenLineageEventTest.pipelineStepRun();
    runs.reserve(record.runId);
    runs.saveSpec(OpenLineageEventTest.specOf(record));
    record = record.toBuilder().state(RunState.RUNNING).build();
    runs.save(record);
    Path events = home.resolve("events.jsonl");
    // An endpoint nobody listens on: its failure is logged, the file still gets every event, nothing throws.
    OpenLineageSettings settings = new OpenLineageSettings(URI.create("http://127.0.0.1:" + freePort()
        + "/api/v1/lineage"), events, "sparkstep", null);
    RunEventPublisher first = new RunEventPublisher(runs, settings);
    RunEventPublisher second = new RunEventPublisher(runs, settings);
    first.publish(record.runId);
    second.publish(record.runId);
    record = record.toBuilder().state(RunState.SUCCEEDED).build();
    runs.save(record);
    second.publish(record.runId);
    first.publish(record.runId);

    List<String> lines = Files.readAllLines(events);
    assertEquals(List.of("START", "COMPLETE"), lines.stream().map(RunEventPublisherTest::type).toList(),
        String.join("\n", lines));
    OpenLineageSchema schema = new OpenLineageSchema();
    for (String line : lines) {
      assertEquals(List.of(), schema.problems(line), line);
    }
  }

  @Test
  void aPipelineRunsEventsGoOnceAcrossObserversAndAResumedRunSendsNoSecondStart() throws Exception {
    Path runDir = home.resolve("pipelines/pipe-1");
    Path events = home.resolve("events.jsonl");
    OpenLineageSettings settings = new OpenLineageSettings(null, events, "sparkstep", null);
    PipelineRunFacts failed = OpenLineageEventTest.pipelineRun();
    PipelineRunFacts running = new PipelineRunFacts(failed.runId(), failed.pipeline(), RunState.RUNNING,
        failed.operator(), failed.startedAt(), null, null, failed.inputs(), List.of());
    PipelineRunFacts succeeded = new PipelineRunFacts(failed.runId(), failed.pipeline(), RunState.SUCCEEDED,
        failed.operator(), failed.startedAt(), Instant.now(), null, failed.inputs(), failed.outputs());
    PipelineEventPublisher.publish(running, runDir, settings);
    PipelineEventPublisher.publish(running, runDir, settings);
    PipelineEventPublisher.publish(failed, runDir, settings);
    PipelineEventPublisher.publish(failed, runDir, settings);
    PipelineEventPublisher.resumed(runDir, failed.runId());
    PipelineEventPublisher.publish(running, runDir, settings);
    PipelineEventPublisher.publish(succeeded, runDir, settings);
    PipelineEventPublisher.publish(succeeded, runDir, settings);

    List<String> lines = Files.readAllLines(events);
    assertEquals(List.of("START", "FAIL", "COMPLETE"), lines.stream().map(RunEventPublisherTest::type).toList(),
        String.join("\n", lines));
    OpenLineageSchema schema = new OpenLineageSchema();
    for (String line : lines) {
      assertEquals(List.of(), schema.problems(line), line);
    }
  }

  @Test
  void aRunSeenOnlyOnceEndedGetsItsStartFirst() throws Exception {
    RunStore runs = new RunStore(home);
    RunRecord record = new RunRecord("run-x", "test-failing", "local", "local");
    runs.reserve(record.runId);
    record = record.failed(RunRecord.ErrorInfo.of("java.lang.IllegalStateException", "boom"))
        .moved(RunState.FAILED);
    runs.save(record);
    Path events = home.resolve("events.jsonl");
    new RunEventPublisher(runs, new OpenLineageSettings(null, events, "sparkstep", null)).publish(record.runId);
    assertEquals(List.of("START", "FAIL"), Files.readAllLines(events).stream().map(RunEventPublisherTest::type)
        .toList());
    assertTrue(EventClaims.due(RunState.SUBMITTED).isEmpty());
    assertEquals(List.of(OpenLineageEvent.Type.START, OpenLineageEvent.Type.ABORT),
        EventClaims.due(RunState.CANCELLED));
  }

  @Test
  void anOperatorsSettingWinsOverTheEnvironmentAndABareUrlGetsTheLineagePath() {
    OpenLineageSettings fromEnv = OpenLineageSettings.of(null, java.util.Map.of(
        OpenLineageSettings.URL_ENV, "http://lineage:5000", OpenLineageSettings.NAMESPACE_ENV, "team"));
    assertEquals(URI.create("http://lineage:5000/api/v1/lineage"), fromEnv.endpoint());
    assertEquals("team", fromEnv.namespace());
    io.sparkstep.spi.OperatorConfig operator = new io.sparkstep.spi.OperatorConfig("nightly", "local",
        java.util.Map.of(OpenLineageSettings.URL_SETTING, "https://marquez.example/api/v2/events"), List.of());
    assertEquals(URI.create("https://marquez.example/api/v2/events"),
        OpenLineageSettings.of(operator, java.util.Map.of(OpenLineageSettings.URL_ENV, "http://lineage:5000"))
            .endpoint());
    assertTrue(!OpenLineageSettings.of(null, java.util.Map.of()).enabled(), "off unless configured");
  }

  @Test
  void everyFlavorsOperatorTakesTheLineageSettings() {
    System.setProperty("sparkstep.home", home.toString());
    try {
      io.sparkstep.testing.CliCall register = io.sparkstep.testing.CliCall.of("operator", "register", "nightly",
          "--flavor", "local", "--set", OpenLineageSettings.URL_SETTING + "=http://lineage:5000",
          "--set", OpenLineageSettings.FILE_SETTING + "=" + home.resolve("events.jsonl"));
      assertEquals(0, register.code(), register.all());
    } finally {
      System.clearProperty("sparkstep.home");
    }
  }

  private static String type(String line) {
    try {
      return new ObjectMapper().readTree(line).path("eventType").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
