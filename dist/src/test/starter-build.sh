#!/usr/bin/env bash
# The step starter as a user gets it: examples/step-starter copied out of the repository into a temp dir, HOME
# elsewhere, built with `mvn package` (README: Writing a step) by Maven 3.8 and by Maven 3.9, each fetched by the Maven
# wrapper (the starter's own test runs under the first). The sparkstep artifacts it depends on are the ones this build made, put into a fresh local repository as
# `mvn install` would; everything else comes from the build's own local repository, read as a file:// repository (so
# it is never written to), or from Maven Central where that lacks a file.
# Usage: starter-build.sh STARTER_DIR ENGINE_JAR REPOSITORY_ROOT BUILD_LOCAL_REPO DISTS_CACHE MAVEN_VERSION...
#   (run by the dist module's verify; prints timings)
set -euo pipefail
STARTER="$(readlink -f "$1")"; ENGINE_JAR="$(readlink -f "$2")"; ROOT="$(readlink -f "$3")"
BUILD_REPO="$(readlink -f "$4")"; mkdir -p "$5"; DISTS="$(readlink -f "$5")"; shift 5
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home"; mkdir -p "$HOME"
# the outer build's Maven settings must not leak into the user's build
unset MAVEN_ARGS MAVEN_OPTS MAVEN_CONFIG MAVEN_HOME M2_HOME
fail() { echo "starter-build: FAILED: $*" >&2; exit 1; }

VERSION="$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$ROOT/pom.xml" | head -1)"
[ -n "$VERSION" ] || fail "no project version in $ROOT/pom.xml"
grep -q "<sparkstep.version>$VERSION</sparkstep.version>" "$STARTER/pom.xml" \
  || fail "the starter's sparkstep.version is not this build's $VERSION"
REPO="$WORK/repository"
install_pom() { # GROUP_PATH ARTIFACT POM
  mkdir -p "$REPO/$1/$2/$VERSION"; cp "$3" "$REPO/$1/$2/$VERSION/$2-$VERSION.pom"
}
install_pom io/sparkstep sparkstep-parent "$ROOT/pom.xml"
# The starter compiles against sparkstep-api; its test runs the step through the engine, which brings the SPI.
for MODULE in api spi; do
  install_pom io/sparkstep "sparkstep-$MODULE" "$ROOT/$MODULE/pom.xml"
  cp "$ROOT/$MODULE/target/sparkstep-$MODULE-$VERSION.jar" "$REPO/io/sparkstep/sparkstep-$MODULE/$VERSION/"
done
install_pom io/sparkstep sparkstep-engine "$ROOT/engine/pom.xml"
cp "$ENGINE_JAR" "$REPO/io/sparkstep/sparkstep-engine/$VERSION/sparkstep-engine-$VERSION.jar"
cat > "$WORK/settings.xml" <<XML
<settings>
  <profiles>
    <profile>
      <id>build-repository-first</id>
      <!-- before Maven Central, which serves what this build never needed (Maven 3.8 reads more POMs than 3.9) -->
      <repositories><repository><id>build-repository</id><url>file://$BUILD_REPO</url></repository></repositories>
      <pluginRepositories>
        <pluginRepository><id>build-repository</id><url>file://$BUILD_REPO</url></pluginRepository>
      </pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles><activeProfile>build-repository-first</activeProfile></activeProfiles>
</settings>
XML

FIRST="$1"
WRAPPER_URL="$(sed -n 's|^distributionUrl=||p' "$ROOT/.mvn/wrapper/maven-wrapper.properties")"
for MAVEN in "$@"; do
  PROJECT="$WORK/step-starter-$MAVEN"
  cp -r "$STARTER" "$PROJECT"; rm -rf "$PROJECT/target"
  mkdir -p "$PROJECT/.mvn/wrapper"; cp "$ROOT/mvnw" "$PROJECT/"
  grep -v '^distributionUrl=' "$ROOT/.mvn/wrapper/maven-wrapper.properties" > "$PROJECT/.mvn/wrapper/maven-wrapper.properties"
  echo "distributionUrl=$(echo "$WRAPPER_URL" | sed "s|/apache-maven/[^/]*/apache-maven-[^/]*-bin.zip|/apache-maven/$MAVEN/apache-maven-$MAVEN-bin.zip|")" \
    >> "$PROJECT/.mvn/wrapper/maven-wrapper.properties"
  # The starter's own test (a step on embedded Spark) runs with the first Maven only: it checks the step, not Maven,
  # and is most of a build's time.
  TESTS=(); [ "$MAVEN" = "$FIRST" ] || TESTS=(-DskipTests)
  START=$(date +%s)
  if ! (cd "$PROJECT" && MAVEN_USER_HOME="$DISTS" ./mvnw -B -ntp -s "$WORK/settings.xml" -Dmaven.repo.local="$REPO" \
        "${TESTS[@]}" package > "$WORK/build-$MAVEN.log" 2>&1); then
    tail -40 "$WORK/build-$MAVEN.log" >&2
    fail "mvn package with Maven $MAVEN"
  fi
  grep -q "Apache Maven $MAVEN" "$WORK/build-$MAVEN.log" || (cd "$PROJECT" && MAVEN_USER_HOME="$DISTS" ./mvnw -v) \
    | grep -q "Apache Maven $MAVEN" || fail "the wrapper did not run Maven $MAVEN"
  JAR="$PROJECT/target/step-starter-1.0.jar"
  [ -f "$JAR" ] || fail "Maven $MAVEN built no $JAR"
  unzip -l "$JAR" > "$WORK/jar-$MAVEN.txt"
  grep -q "com/example/steps/DedupeStep.class" "$WORK/jar-$MAVEN.txt" || fail "the step class is not in the jar"
  grep -q "META-INF/services/io.sparkstep.api.Step" "$WORK/jar-$MAVEN.txt" || fail "the step's service entry is not in the jar"
  # class file major version 61: compiled for Java 17 (maven.compiler.release), not for the plugin's default
  (cd "$WORK" && unzip -o -q "$JAR" com/example/steps/DedupeStep.class -d "classes-$MAVEN")
  MAJOR=$(od -An -j6 -N2 -tu1 "$WORK/classes-$MAVEN/com/example/steps/DedupeStep.class" | awk '{print $1 * 256 + $2}')
  [ "$MAJOR" = 61 ] || fail "Maven $MAVEN compiled for class version $MAJOR, not 61 (Java 17)"
  if [ "$MAVEN" = "$FIRST" ]; then
    grep -q "Tests run: 1, Failures: 0, Errors: 0" "$WORK/build-$MAVEN.log" || fail "the starter's test did not run and pass"
  fi
  echo "starter-build: Maven $MAVEN: mvn package of the copied-out starter OK in $(( $(date +%s) - START )) s"
done
