#!/usr/bin/env bash
# The binary distribution as a user gets it: unpacked into a temp dir, HOME elsewhere (no ~/.m2, no repo), a step jar
# compiled with javac + jar against lib/ only, then:
#   1. sparkstep --version
#   2. sparkstep run with the jar on SPARKSTEP_CLASSPATH (embedded default)  -> expected rows
#   3. plain spark-submit (Spark's jars only, from lib/) with the runtime jar and --jars  -> expected rows
# Usage: tarball-smoke.sh TARBALL RUNTIME_JAR   (run by the dist module's verify; prints timings)
set -euo pipefail
TARBALL="$(readlink -f "$1")"; RUNTIME_JAR="$(readlink -f "$2")"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home"; mkdir -p "$HOME"; unset SPARKSTEP_CLASSPATH SPARK_HOME
# Java's user.home comes from the passwd entry, not $HOME: name the home, or runs land in the real ~/.sparkstep.
export SPARKSTEP_HOME="$HOME/.sparkstep"
cd "$WORK"
tar xzf "$TARBALL"
DIST="$(echo "$WORK"/sparkstep-*)"
JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}"
fail() { echo "tarball-smoke: FAILED: $*" >&2; exit 1; }

mkdir -p src/com/example classes/META-INF/services
cat > src/com/example/Squares.java <<'JAVA'
package com.example;
import io.sparkstep.api.*;
import static org.apache.spark.sql.functions.col;
public class Squares implements Step {
  public StepDescriptor describe() {
    return StepDescriptor.builder("squares").param(ParamDef.longParam("n").defaultValue(3L))
        .output("out", "id, square").build();
  }
  public void run(StepContext ctx) {
    ctx.output("out", ctx.spark().range(ctx.params().getLong("n")).toDF("id")
        .withColumn("square", col("id").multiply(col("id"))));
  }
}
JAVA
"${JAVA_BIN}javac" --release 17 -d classes -cp "$DIST/lib/*" src/com/example/Squares.java
echo com.example.Squares > classes/META-INF/services/io.sparkstep.api.Step
"${JAVA_BIN}jar" cf squares.jar -C classes .

start=$(date +%s.%N)
"$DIST/bin/sparkstep" --version | grep -q "sparkstep" || fail "--version"
echo "tarball-smoke: sparkstep --version $(echo "$(date +%s.%N) - $start" | bc) s"

start=$(date +%s.%N)
SPARKSTEP_CLASSPATH="$WORK/squares.jar" "$DIST/bin/sparkstep" run --step squares --param n=1 \
  --output out=json-out@json > run.txt 2>&1 || { cat run.txt; fail "sparkstep run"; }
echo "tarball-smoke: one-row run $(echo "$(date +%s.%N) - $start" | bc) s"
grep -q "(1 rows, json)" run.txt || { cat run.txt; fail "the run did not report 1 row"; }
grep -h '"square"' json-out/*.json | grep -q '"id":0,"square":0' || fail "row of the CLI run"
[ ! -e "$HOME/.m2" ] || fail "the distribution touched ~/.m2"

# The first run saved a class-data archive (bin/sparkstep, AppCDS); the next command checks it, moves it into place
# and maps it: the CLI's own classes then come from the archive, not from lib/.
ls "$HOME"/.cache/sparkstep/cds/*.jsa.tmp-* > /dev/null 2>&1 || fail "the first run saved no class-data archive"
start=$(date +%s.%N)
SPARKSTEP_JAVA_OPTS="-Xlog:class+load:file=$WORK/classload.log" SPARKSTEP_CLASSPATH="$WORK/squares.jar" \
  "$DIST/bin/sparkstep" run --step squares --param n=2 --output out=json-out2@json > run2.txt 2>&1 \
  || { cat run2.txt; fail "second sparkstep run"; }
echo "tarball-smoke: one-row run with the class-data archive $(echo "$(date +%s.%N) - $start" | bc) s"
grep -q "(2 rows, json)" run2.txt || { cat run2.txt; fail "the second run did not report 2 rows"; }
ls "$HOME"/.cache/sparkstep/cds/*.jsa > /dev/null 2>&1 || fail "the class-data archive was not moved into place"
grep -q "io.sparkstep.cli.SparkstepCli source: shared objects file" "$WORK/classload.log" \
  || fail "the second run did not map the class-data archive"
# A child JVM of the same class path is given the archive too (JavaCommand.classDataArchiveFlags).
"$DIST/bin/sparkstep" operator register proc --flavor local --set isolation=process > /dev/null
start=$(date +%s.%N)
SPARKSTEP_CLASSPATH="$WORK/squares.jar" "$DIST/bin/sparkstep" run --operator proc --step squares --param n=3 \
  --output out=json-out3@json > run3.txt 2>&1 || { cat run3.txt; fail "sparkstep run in a child JVM"; }
echo "tarball-smoke: one-row run in a child JVM with the class-data archive $(echo "$(date +%s.%N) - $start" | bc) s"
grep -q "(3 rows, json)" run3.txt || { cat run3.txt; fail "the child JVM run did not report 3 rows"; }

# Plain spark-submit: a class path of Spark's own jars (names from the spark-submit flavor's list), no Sparkstep jar.
unzip -p "$DIST"/lib/sparkstep-flavor-spark-submit-*.jar io/sparkstep/flavor/sparksubmit/spark-jars.txt \
  | tr ':' '\n' | sed 's#^spark/##' | grep . > spark-jars.txt
SPARK_CP="$(sed "s#^#$DIST/lib/#" spark-jars.txt | paste -sd:)"
SPEC='{"specVersion":1,"runId":"smoke-submit","step":"squares","params":{"n":4},"outputs":{"out":{"uri":"file:'"$WORK"'/submit-out","format":"json"}}}'
"${JAVA_BIN}java" --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
  -cp "$SPARK_CP" org.apache.spark.deploy.SparkSubmit --master 'local[1]' --conf spark.ui.enabled=false \
  --class io.sparkstep.runtime.StepEntrypoint --jars "$WORK/squares.jar" "$RUNTIME_JAR" --spec-json "$SPEC" \
  > submit.txt 2>&1 || { tail -40 submit.txt; fail "spark-submit with the runtime jar"; }
[ "$(cat submit-out/*.json | wc -l)" = 4 ] || fail "rows of the spark-submit run"
grep -h . submit-out/*.json | grep -q '"id":3,"square":9' || fail "row of the spark-submit run"
echo "tarball-smoke: OK (tarball $(du -m "$TARBALL" | cut -f1) MB)"
