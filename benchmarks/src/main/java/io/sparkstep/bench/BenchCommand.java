package io.sparkstep.bench;

import io.sparkstep.cli.CliExtension;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkstep bench [--quick] [--gpu] [--out DIR]}: runs the benchmarks and writes CSV, markdown and PNGs. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: engine overhead, vanilla vs Comet (vs RAPIDS on a GPU), launch latency, scaling.")
public final class BenchCommand implements Callable<Integer>, CliExtension {
  @Option(names = "--quick", description = "Tiny scale (what CI runs): checks the harness, not performance.")
  boolean quick;

  @Option(names = "--gpu", description = "Also run RAPIDS when a GPU is present.")
  boolean gpu;

  @Option(names = "--out", description = "Output directory (default: benchmarks/results/<timestamp>).")
  Path out;

  @Override
  public Object command() {
    return new BenchCommand();
  }

  @Override
  public Integer call() throws Exception {
    Path dir = out != null ? out : Path.of("benchmarks", "results",
        java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    new BenchmarkRunner(quick ? BenchmarkRunner.Settings.quick() : BenchmarkRunner.Settings.full(), dir.toAbsolutePath())
        .run(gpu);
    System.out.println("report: " + dir.resolve("report.md"));
    return 0;
  }
}
