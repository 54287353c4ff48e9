package io.sparkstep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the RAPIDS Accelerator would run on a GPU, per workload, from a real explain-only run (the RAPIDS plugin
 * plans the step on the CPU and says, per operator, whether it would run on the GPU): the row of eligibility.csv.
 */
record GpuEligibility(String workload, long rows, int operatorsOnGpu, int operatorsTotal, String notOnGpu) {
  static final String HEADER = "workload,rows,operators_on_gpu,operators_total,not_on_gpu";

  String csv() {
    return String.join(",", workload, Long.toString(rows), Integer.toString(operatorsOnGpu),
        Integer.toString(operatorsTotal), '"' + notOnGpu.replace("\"", "'") + '"');
  }

  static GpuEligibility parse(String line) {
    String[] f = line.split(",", 5);
    if (f.length != 5) {
      throw new IllegalArgumentException("not an eligibility.csv row: " + line);
    }
    String reasons = f[4].startsWith("\"") && f[4].endsWith("\"") ? f[4].substring(1, f[4].length() - 1) : f[4];
    return new GpuEligibility(f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), reasons);
  }

  static void write(Path file, List<GpuEligibility> rows) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    rows.forEach(r -> lines.add(r.csv()));
    Files.write(file, lines);
  }

  static List<GpuEligibility> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    return Files.readAllLines(file).stream().skip(1).filter(l -> !l.isBlank()).map(GpuEligibility::parse).toList();
  }
}
