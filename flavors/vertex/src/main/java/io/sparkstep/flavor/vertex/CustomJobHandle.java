package io.sparkstep.flavor.vertex;

import com.google.cloud.aiplatform.v1.CustomJobName;
import io.sparkstep.spi.record.PlatformHandle;
import io.sparkstep.spi.record.RunRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The vertex flavor's handle data: the run's CustomJob (its resource name and the parts of it), where its entrypoint
 * writes, and where its logs are. Stored under the keys vertex records have always had ({@code jobName},
 * {@code jobId}, {@code project}, {@code location}, {@code runDir}, {@code loggingQuery}, {@code consoleUrl}).
 */
record CustomJobHandle(String name, String jobId, String project, String location, String runDir,
    String loggingQuery, String consoleUrl) implements PlatformHandle {

  /** The job Vertex created under {@code jobName} (projects/P/locations/L/customJobs/ID). */
  static CustomJobHandle created(String jobName, String runDirUri) {
    CustomJobName parsed = CustomJobName.parse(jobName);
    String id = parsed.getCustomJob();
    return new CustomJobHandle(jobName, id, parsed.getProject(), parsed.getLocation(), runDirUri,
        "resource.type=\"ml_job\" AND resource.labels.job_id=\"" + id + "\"",
        "https://console.cloud.google.com/vertex-ai/locations/" + parsed.getLocation() + "/training/" + id
            + "/cpu?project=" + parsed.getProject());
  }

  static CustomJobHandle of(RunRecord record) {
    Map<String, String> platform = record.platform;
    return new CustomJobHandle(platform.get("jobName"), platform.get("jobId"), platform.get("project"),
        platform.get("location"), platform.get("runDir"), platform.get("loggingQuery"), platform.get("consoleUrl"));
  }

  @Override
  public Map<String, String> entries() {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("jobName", name);
    entries.put("jobId", jobId);
    entries.put("project", project);
    entries.put("location", location);
    entries.put("runDir", runDir);
    entries.put("loggingQuery", loggingQuery);
    entries.put("consoleUrl", consoleUrl);
    return entries;
  }
}
