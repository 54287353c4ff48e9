package io.sparkstep.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkstep.testing.CliCall;
import io.sparkstep.testing.SparkstepHomeExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input across the CLI, spec files, URIs, operators and steps, as a table: each row must be refused before
 * anything launches, with exit 2 and at most three lines of stderr naming the field, and must leave no run
 * directory, no output, no staging directory and no process behind. In this JVM (CliCall) so the table stays fast.
 */
@Tag("slow")
class BadInputTableTest {
  @RegisterExtension
  static final SparkstepHomeExtension HOME = SparkstepHomeExtension.perClass();
  @TempDir
  static Path tmp;
  static Path home;
  static Path data;
  static String in;
  static final String COPY = "io.sparkstep.testing.CopyStep";

  record Case(String name, String expected, String[] args) {
  }

  @BeforeAll
  static void setUp() throws IOException {
    home = HOME.path();
    data = tmp.resolve("data");
    Files.createDirectories(data.resolve("in"));
    Files.createDirectories(data.resolve("exists"));
    Files.createDirectories(home.resolve("runs").resolve("taken"));
    in = data.resolve("in").toString();
    assertEquals(0, CliCall.of("operator", "register", "dup", "--flavor", "local").code());
    assertEquals(0, CliCall.of("operator", "register", "envop", "--flavor", "local",
        "--set", "conf.spark.sparkstep.test=${SPARKSTEP_UNSET_VARIABLE_1}").code());
    write("malformed.json", "{\"specVersion\": 1, \"step\": ");
    write("future.json", "{\"specVersion\": 9, \"step\": \"generate-trips\"}");
    write("unknown-field.json", "{\"specVersion\": 1, \"step\": \"" + COPY + "\", \"stepp\": 1}");
    write("wrong-type.json", "{\"specVersion\": 1, \"step\": \"" + COPY + "\", \"params\": [1, 2]}");
    write("array.json", "[1, 2, 3]");
    write("empty.json", "");
    write("deep.json", "{\"specVersion\":1,\"step\":\"" + COPY + "\",\"params\":{\"p\":" + "[".repeat(5000)
        + "]".repeat(5000) + "}}");
    write("huge.json", "{\"specVersion\":1,\"step\":\"" + COPY + "\",\"labels\":{\"x\":\"" + "a".repeat(2_000_000) + "\"}}");
    StringBuilder manyParams = new StringBuilder("{\"specVersion\":1,\"step\":\"" + COPY + "\",\"params\":{");
    for (int i = 0; i < 100_000; i++) {
      manyParams.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":1");
    }
    write("many-params.json", manyParams.append("}}").toString());
    StringBuilder someParams = new StringBuilder("{\"specVersion\":1,\"step\":\"" + COPY + "\",\"params\":{");
    for (int i = 0; i < 20_000; i++) {
      someParams.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":1");
    }
    write("20000-params.json", someParams.append("}}").toString());
    StringBuilder manyConf = new StringBuilder("{\"specVersion\":1,\"step\":\"" + COPY + "\",\"sparkConf\":{");
    for (int i = 0; i < 2000; i++) {
      manyConf.append(i == 0 ? "" : ",").append("\"spark.x").append(i).append("\":\"1\"");
    }
    write("many-conf.json", manyConf.append("}}").toString());
    write("bad-mode.json", "{\"specVersion\":1,\"step\":\"" + COPY + "\",\"inputs\":{\"in\":\"" + in
        + "\"},\"outputs\":{\"out\":{\"uri\":\"" + out("m") + "\",\"mode\":\"sometimes\"}}}");
    write("input-mode.json", "{\"specVersion\":1,\"step\":\"" + COPY + "\",\"inputs\":{\"in\":{\"uri\":\"" + in
        + "\",\"mode\":\"overwrite\"}},\"outputs\":{\"out\":\"" + out("m2") + "\"}}");
    write("runid.json", "{\"specVersion\":1,\"runId\":\"../escape\",\"step\":\"" + COPY + "\",\"inputs\":{\"in\":\""
        + in + "\"},\"outputs\":{\"out\":\"" + out("r") + "\"}}");
    write("dyn.json", "{\"specVersion\":1,\"step\":\"" + COPY + "\",\"inputs\":{\"in\":\"" + in
        + "\"},\"outputs\":{\"out\":\"" + out("d") + "\"},\"resources\":{\"dynamicAllocation\":{\"enabled\":true,"
        + "\"minExecutors\":5,\"maxExecutors\":2}}}");
  }

  static void write(String name, String text) throws IOException {
    Files.writeString(tmp.resolve(name), text);
  }

  static String spec(String name) {
    return tmp.resolve(name).toString();
  }

  static String out(String name) {
    return data.resolve("out-" + name).toString();
  }

  static String[] copy(String output, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "--step", COPY, "--input", "in=" + in, "--output", "out=" + output));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  static String[] trips(String trips, String zones, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "--step", "generate-trips", "--output", "trips=" + trips,
        "--output", "zones=" + zones));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  static Case c(String name, String expected, String... args) {
    return new Case(name, expected, args);
  }

  static List<Case> cases() {
    String o = out("o");
    return List.of(
        // paths: outputs disjoint from inputs and each other
        c("output equals input", "outputs.out.uri: is the same path as input in", copy(in)),
        c("output inside input", "outputs.out.uri: is inside input in", copy(in + "/sub")),
        c("output contains input", "outputs.out.uri", copy(data.toString())),
        c("output equals input with trailing slash", "is the same path as input", copy(in + "/")),
        c("output equals input via ..", "is the same path as input", copy(data + "/x/../in")),
        c("output equals input as file:/// URI", "is the same path as input", copy("file://" + in)),
        c("two outputs same URI", "outputs.zones.uri: is the same path as output trips", trips(out("t"), out("t"))),
        c("output inside another output", "outputs.zones.uri: is inside output trips", trips(out("t"), out("t") + "/z")),
        c("output exists", "output already exists", copy(data.resolve("exists").toString())),
        c("input missing", "inputs.in.uri: input path does not exist", "run", "--step", COPY,
            "--input", "in=" + data.resolve("missing"), "--output", "out=" + o),
        // URIs
        c("relative file: URI", "outputs.trips.uri: 'file:relative/x' has no absolute path",
            trips("file:relative/x", out("z"))),
        c("unsupported scheme ftp", "unsupported scheme 'ftp'", copy("ftp://host/x")),
        c("unsupported input scheme http", "inputs.in.uri: unsupported scheme 'http'", "run", "--step", COPY,
            "--input", "in=http://example.com/x", "--output", "out=" + o),
        c("s3a without bucket", "names no bucket", copy("s3a:///x")),
        c("gs without bucket", "names no bucket", copy("gs:/x")),
        c("root of a file system", "outputs.out.uri", copy("file:/")),
        c("invalid URI", "is not a valid URI", copy("s3a://bucket/a b%zz")),
        c("unknown format", "unsupported format 'xlsx'", copy(o + "@xlsx")),
        c("bad output mode", "outputs.out.mode", "run", "--spec", spec("bad-mode.json")),
        c("mode on an input", "inputs.in.mode: applies to outputs only", "run", "--spec", spec("input-mode.json")),
        // run ids
        c("run id escaping runs/", "runId: '../../x' is not a safe run id", copy(o, "--run-id", "../../x")),
        c("run id absolute path", "runId", copy(o, "--run-id", "/tmp/abs")),
        c("run id with a space", "runId", copy(o, "--run-id", "a b")),
        c("run id hidden", "runId", copy(o, "--run-id", ".hidden")),
        c("run id too long", "runId", copy(o, "--run-id", "x".repeat(101))),
        c("run id reused", "runId: run id 'taken' is already used", copy(o, "--run-id", "taken")),
        c("run id escaping in a spec file", "runId", "run", "--spec", spec("runid.json")),
        // environment references
        c("unset ${VAR} in --conf", "sparkConf.spark.x: environment variable SPARKSTEP_UNSET_VARIABLE_2 is not set",
            copy(o, "--conf", "spark.x=${SPARKSTEP_UNSET_VARIABLE_2}")),
        c("unset ${VAR} in a secret --conf", "sparkConf.spark.hadoop.fs.s3a.secret.key",
            copy(o, "--conf", "spark.hadoop.fs.s3a.secret.key=${SPARKSTEP_UNSET_VARIABLE_3}")),
        c("unclosed ${ in --conf", "sparkConf.spark.x: has a '${'", copy(o, "--conf", "spark.x=${BROKEN")),
        c("unset ${VAR} in operator conf", "conf.spark.sparkstep.test: environment variable SPARKSTEP_UNSET_VARIABLE_1",
            copy(o, "--operator", "envop")),
        // sizes and resources
        c("memory=lots", "resources.memory: 'lots' is not a memory size", copy(o, "--resources", "memory=lots")),
        c("fractional memory", "resources.memory: '1.5g'", copy(o, "--resources", "memory=1.5g")),
        c("executor memory garbage", "resources.executorMemory", copy(o, "--resources", "executorMemory=x")),
        c("memory overhead garbage", "resources.memoryOverhead", copy(o, "--resources", "memoryOverhead=-1g")),
        c("cpu not a number", "--resources cpu", copy(o, "--resources", "cpu=abc")),
        c("negative cpu", "resources.cpu", copy(o, "--resources", "cpu=-1")),
        c("unknown resource", "unknown resource 'cores'", copy(o, "--resources", "cores=2")),
        c("resource without value", "--resources", copy(o, "--resources", "memory")),
        c("GPUs in local mode", "GPUs cannot be requested in local mode", copy(o, "--resources", "gpus=1")),
        c("executors in local mode", "resources.executors", copy(o, "--resources", "executors=2")),
        c("dynamic allocation min > max", "resources.dynamicAllocation", "run", "--spec", spec("dyn.json")),
        c("huge cpu", "resources.cpu", copy(o, "--resources", "cpu=100000")),
        // spec files and limits
        c("spec nested 5000 deep", "spec: nests deeper than", "run", "--spec", spec("deep.json")),
        c("spec of 2 MB", "spec: is", "run", "--spec", spec("huge.json")),
        c("spec with 100000 params (1 MB)", "spec: is", "run", "--spec", spec("many-params.json")),
        c("spec with 20000 params", "params: has 20000 entries", "run", "--spec", spec("20000-params.json")),
        c("spec with 2000 conf entries", "sparkConf: has 2000 entries", "run", "--spec", spec("many-conf.json")),
        c("malformed JSON", "malformed JSON", "run", "--spec", spec("malformed.json")),
        c("future spec version", "unknown spec version 9", "run", "--spec", spec("future.json")),
        c("unknown spec field", "unknown field 'stepp'", "run", "--spec", spec("unknown-field.json")),
        c("params of the wrong type", "params", "run", "--spec", spec("wrong-type.json")),
        c("spec not an object", "spec: is not a JSON object", "run", "--spec", spec("array.json")),
        c("empty spec", "spec", "run", "--spec", spec("empty.json")),
        c("spec file missing", "--spec: cannot read", "run", "--spec", spec("nope.json")),
        // steps and parameters
        c("step constructor throws", "step: the constructor of io.sparkstep.testing.ThrowingConstructorStep failed",
            "run", "--step", "io.sparkstep.testing.ThrowingConstructorStep"),
        c("step describe throws", "step: io.sparkstep.testing.ThrowingDescribeStep.describe() failed",
            "run", "--step", "io.sparkstep.testing.ThrowingDescribeStep"),
        c("not a step", "does not implement io.sparkstep.api.Step", "run", "--step", "java.lang.String"),
        c("unknown step", "unknown step 'no-such-step'", "run", "--step", "no-such-step"),
        c("no step", "--step: is missing", "run", "--output", "out=" + o),
        c("param without =", "--param", copy(o, "--param", "foo")),
        c("unknown param", "params.nope: unknown parameter", copy(o, "--param", "nope=1")),
        c("param of the wrong type", "params.rows: 'many' is not a long", trips(out("t"), out("z"), "--param", "rows=many")),
        c("param below its minimum", "params.rows: 0 is below the minimum 1", trips(out("t"), out("z"), "--param", "rows=0")),
        c("missing output", "outputs.zones: is missing", "run", "--step", "generate-trips", "--output", "trips=" + o),
        c("undeclared input", "inputs.extra", copy(o, "--input", "extra=" + in)),
        c("unknown accelerator", "accelerator: unknown accelerator 'warp'", copy(o, "--accelerator", "warp")),
        c("zero attempts", "retry.maxAttempts", copy(o, "--retries", "0")),
        c("conf not spark.", "sparkConf.foo.bar: is not a Spark setting", copy(o, "--conf", "foo.bar=1")),
        c("conf without =", "--conf", copy(o, "--conf", "spark.x")),
        c("unknown option", "Unknown option", copy(o, "--bogus")),
        c("bad timeout", "--timeout", copy(o, "--timeout", "soon")),
        c("unknown operator", "unknown operator 'nope'", copy(o, "--operator", "nope")),
        // operators
        c("operator name with a space", "name: invalid operator name", "operator", "register", "bad name", "--flavor", "local"),
        c("operator name path", "name: invalid operator name", "operator", "register", "../x", "--flavor", "local"),
        c("unknown flavor", "unknown flavor 'warp-drive'", "operator", "register", "x", "--flavor", "warp-drive"),
        c("local driverMemory=lots", "driverMemory: 'lots' is not a memory size",
            "operator", "register", "x", "--flavor", "local", "--set", "driverMemory=lots"),
        c("local isolation unknown", "isolation: unknown isolation", "operator", "register", "x", "--flavor", "local",
            "--set", "isolation=thread"),
        c("operator conf not spark.", "conf.foo: is not a Spark conf key", "operator", "register", "x", "--flavor", "local",
            "--set", "conf.foo=1"),
        c("literal secret in operator", "must not be stored", "operator", "register", "x", "--flavor", "local",
            "--set", "conf.spark.hadoop.fs.s3a.secret.key=abcd1234"),
        c("literal DB_PASS in operator", "conf.spark.jdbc.DB_PASS: looks like a secret", "operator", "register", "x",
            "--flavor", "local", "--set", "conf.spark.jdbc.DB_PASS=hunter2hunter2"),
        c("unknown operator setting", "nope: unknown setting for flavor local", "operator", "register", "x",
            "--flavor", "local", "--set", "nope=1"),
        c("operator exists", "operator 'dup' already exists", "operator", "register", "dup", "--flavor", "local"),
        c("setting without =", "--set", "operator", "register", "x", "--flavor", "local", "--set", "isolation"),
        c("register without flavor", "--flavor", "operator", "register", "x"),
        c("describe unknown operator", "unknown operator 'nope'", "operator", "describe", "nope"),
        c("delete unknown operator", "no operator named 'nope'", "operator", "delete", "nope"),
        // runs
        c("status of an unknown run", "no run with id nope", "runs", "status", "nope"),
        c("status with a path as id", "is not a run id", "runs", "status", "../../etc"),
        c("logs of an unknown run", "no run with id nope", "runs", "logs", "nope"),
        c("cancel of an unknown run", "no run with id nope", "runs", "cancel", "nope"),
        c("describe unknown step", "unknown step 'nope'", "steps", "nope"),
        c("unknown command", "Unmatched argument", "warp"));
  }

  @Test
  void everyBadInputIsRefusedCleanlyBeforeAnythingLaunches() throws IOException {
    Set<Long> childrenBefore = children();
    List<String> failures = new ArrayList<>();
    int refusedCleanly = 0;
    List<Case> cases = cases();
    for (Case c : cases) {
      CliCall result = CliCall.of(c.args());
      List<String> problems = new ArrayList<>();
      if (result.code() != 2) {
        problems.add("exit " + result.code());
      }
      if (!result.err().contains(c.expected())) {
        problems.add("stderr does not name '" + c.expected() + "'");
      }
      if (result.err().lines().count() > 3) {
        problems.add(result.err().lines().count() + " lines of stderr");
      }
      if (result.err().contains("\tat ") || result.err().contains("Caused by") || result.err().contains("Exception in")) {
        problems.add("a stack trace or exception text");
      }
      List<String> runs = runDirs();
      if (!runs.equals(List.of("taken"))) {
        problems.add("run directories " + runs);
      }
      List<String> written = written();
      if (!written.isEmpty()) {
        problems.add("wrote " + written);
      }
      Set<Long> started = children();
      started.removeAll(childrenBefore);
      // Left behind means still alive: the embedded Hadoop of earlier tests in this JVM runs short shell commands.
      long deadline = System.currentTimeMillis() + 5000;
      while (!started.isEmpty() && System.currentTimeMillis() < deadline) {
        started.removeIf(pid -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        sleepBriefly();
      }
      if (!started.isEmpty()) {
        problems.add("left processes " + started.stream().map(pid -> pid + " " + ProcessHandle.of(pid)
            .flatMap(h -> h.info().commandLine()).orElse("")).toList());
      }
      if (problems.isEmpty()) {
        refusedCleanly++;
      } else {
        failures.add(c.name() + ": " + problems + "\n    " + result.err().replace("\n", "\n    "));
      }
    }
    System.out.println("bad inputs tested: " + cases.size() + ", refused cleanly: " + refusedCleanly);
    assertTrue(cases.size() >= 60, "at least 60 bad inputs");
    assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " not refused cleanly:\n"
        + String.join("\n", failures));
    assertEquals(List.of("dup", "envop", "local"), operatorNames(), "no operator registered by a bad call");
  }

  static void sleepBriefly() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Set<Long> children() {
    return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toCollection(java.util.HashSet::new));
  }

  static List<String> runDirs() throws IOException {
    try (Stream<Path> dirs = Files.list(home.resolve("runs"))) {
      return dirs.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Anything under the data directory besides the fixtures: outputs, staging, replaced copies. */
  static List<String> written() throws IOException {
    try (Stream<Path> files = Files.walk(data)) {
      return files.map(p -> data.relativize(p).toString())
          .filter(p -> !p.isEmpty() && !p.equals("in") && !p.equals("exists")).toList();
    }
  }

  static List<String> operatorNames() {
    CliCall list = CliCall.of("operator", "list");
    return list.out().lines().map(l -> l.split("\\s+")[0]).sorted().toList();
  }
}
