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

logs=()
statuses=()
# One test pass: its console output shown and kept for the closing line, its exit status kept for the script's.
run_pass() {
  local log_file="${TMPDIR:-/tmp}/functions-worker-test$1.log" status=0
  shift
  "$@" 2>&1 | tee "$log_file" || status=${PIPESTATUS[0]}
  logs+=("$log_file")
  statuses+=("$status")
}

log "dotnet test"
run_pass "" dotnet test Functions.Tests/Functions.Tests.csproj -c Release --no-build -nologo --filter "Gpu!=true" --logger "console;verbosity=normal"
log "dotnet test against the native AOT binary (NativeAot=true)"
run_pass -aot run_aot_tests
log "dotnet test against the GPU flavour (Gpu=true)"
run_pass -gpu run_gpu_tests

# One closing line in the plain 'N passed, N failed' form, from the three passes' console logger totals.
total() { { grep -E "^ +$1: +[0-9]+" "$2" || true; } | tail -n 1 | sed -E 's/[^0-9]*([0-9]+).*/\1/'; }
sum() { local n=0 one; for log_file in "${logs[@]}"; do one=$(total "$1" "$log_file"); n=$(( n + ${one:-0} )); done; echo "$n"; }
if [ "$(sum Passed)$(sum Failed)" != "00" ]; then
  echo "tests: $(sum Passed) passed, $(sum Failed) failed, $(sum Skipped) skipped"
fi
for status in "${statuses[@]}"; do
  if [ "$status" -ne 0 ]; then exit "$status"; fi
done
