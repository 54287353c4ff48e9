#!/usr/bin/env bash
# Builds the Sparkstep step images from this checkout.
#
#   docker/build.sh [cpu|gpu|all] [--registry REGISTRY] [--push]
#
# 1. Maven assembles the build context in docker/target/context (engine and flavor jars, spark-conf/, the GPU
#    discovery script) and writes versions.env from the root pom.xml, the one source of truth for versions.
# 2. docker build gets every line of versions.env as a --build-arg. The images download the accelerator jars from
#    Maven Central and check them against the pom's sha256.
# Images: REGISTRY/sparkstep:VERSION (CPU, Comet) and REGISTRY/sparkstep-gpu:VERSION (CUDA, RAPIDS).
set -euo pipefail

cd "$(dirname "$0")/.."
which="all"
registry=""
push=false
while [ $# -gt 0 ]; do
  case "$1" in
    cpu|gpu|all) which="$1" ;;
    --registry) registry="${2:?--registry needs a value}/"; shift ;;
    --push) push=true ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

command -v docker >/dev/null 2>&1 || { echo "build.sh: docker is not installed" >&2; exit 1; }

./mvnw -B -q -DskipTests package -pl docker -am
context=docker/target/context
build_args=()
while IFS='=' read -r key value; do
  case "$key" in ''|'#'*) continue ;; esac
  build_args+=(--build-arg "$key=$value")
done < "$context/versions.env"
version=$(sed -n 's/^SPARKSTEP_VERSION=//p' "$context/versions.env")

build() { # NAME DOCKERFILE
  local tag="${registry}$1:${version}"
  docker build "${build_args[@]}" -f "$2" -t "$tag" "$context"
  if $push; then docker push "$tag"; fi
  echo "built $tag"
}

case "$which" in
  cpu) build sparkstep docker/Dockerfile ;;
  gpu) build sparkstep-gpu docker/Dockerfile.gpu ;;
  all) build sparkstep docker/Dockerfile; build sparkstep-gpu docker/Dockerfile.gpu ;;
esac
