#!/usr/bin/env bash
# Runs the benchmarks from a fresh clone: builds the CLI if needed and writes the report to benchmarks/results/<time>/.
#   benchmarks/run.sh [--quick] [--gpu] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
SPARKSTEP_HEAP="${SPARKSTEP_HEAP:-6g}" exec ./bin/sparkstep bench "$@"
