#!/usr/bin/env bash
# GPU discovery script for Spark's resource scheduling (spark.{driver,executor}.resource.gpu.discoveryScript).
# Spark runs it when an executor starts and reads one JSON object from stdout: the resource name and the addresses
# of the GPUs this container may use, e.g. {"name": "gpu", "addresses": ["0", "1"]}.
#
# Inside a Kubernetes pod the NVIDIA device plugin exposes only the GPUs granted to the container, so listing what
# nvidia-smi sees is the right answer. Addresses are GPU indexes, which is what the RAPIDS Accelerator expects.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "getGpusResources.sh: nvidia-smi not found; is this a GPU image (docker/Dockerfile.gpu) on a GPU node?" >&2
  exit 1
fi

indexes=$(nvidia-smi --query-gpu=index --format=csv,noheader)
if [ -z "$indexes" ]; then
  echo "getGpusResources.sh: nvidia-smi lists no GPU" >&2
  exit 1
fi

addresses=$(echo "$indexes" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e 's/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
