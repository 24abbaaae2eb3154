#!/usr/bin/env bash
# Installs what the tests need on a fresh machine (Chromium for the dashboard tests, a C toolchain for the native AOT
# link too), builds, publishes the native AOT worker, builds the GPU flavour, runs every test (unit, Azurite
# integration, end-to-end) on the JIT build, then the end-to-end tests of trait NativeAot=true again against the native
# binary and those of trait Gpu=true against the GPU flavour's worker.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_chromium
prepare
publish_aot
build_gpu

log "dotnet test"
out="${TMPDIR:-/tmp}/functions-worker-test.log"
set +e
dotnet test Functions.Tests/Functions.Tests.csproj -c Release --no-build -nologo --filter "Gpu!=true" --logger "console;verbosity=normal" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e

log "dotnet test against the native AOT binary (NativeAot=true)"
aot_out="${TMPDIR:-/tmp}/functions-worker-test-aot.log"
set +e
run_aot_tests 2>&1 | tee "$aot_out"
aot_status=${PIPESTATUS[0]}
set -e

log "dotnet test against the GPU flavour (Gpu=true)"
gpu_out="${TMPDIR:-/tmp}/functions-worker-test-gpu.log"
set +e
run_gpu_tests 2>&1 | tee "$gpu_out"
gpu_status=${PIPESTATUS[0]}
set -e

# One closing line in the plain 'N passed, N failed' form, from the three runs' console logger totals.
logs=("$out" "$aot_out" "$gpu_out")
total() { { grep -E "^ +$1: +[0-9]+" "$2" || true; } | tail -n 1 | sed -E 's/[^0-9]*([0-9]+).*/\1/'; }
sum() { local n=0 one; for log_file in "${logs[@]}"; do one=$(total "$1" "$log_file"); n=$(( n + ${one:-0} )); done; echo "$n"; }
if [ "$(sum Passed)$(sum Failed)" != "00" ]; then
  echo "tests: $(sum Passed) passed, $(sum Failed) failed, $(sum Skipped) skipped"
fi
for run_status in "$status" "$aot_status" "$gpu_status"; do
  if [ "$run_status" -ne 0 ]; then exit "$run_status"; fi
done
