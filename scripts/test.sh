#!/usr/bin/env bash
# Installs what the tests need on a fresh machine (Chromium for the dashboard tests, a C toolchain for the native AOT
# link too), builds, publishes the native AOT worker, runs every test (unit, Azurite integration, end-to-end) on the
# JIT build, then the end-to-end tests of trait NativeAot=true again against the native binary.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_chromium
prepare
publish_aot

log "dotnet test"
out="${TMPDIR:-/tmp}/functions-worker-test.log"
set +e
dotnet test Functions.Tests/Functions.Tests.csproj -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e

log "dotnet test against the native AOT binary (NativeAot=true)"
aot_out="${TMPDIR:-/tmp}/functions-worker-test-aot.log"
set +e
run_aot_tests 2>&1 | tee "$aot_out"
aot_status=${PIPESTATUS[0]}
set -e

# One closing line in the plain 'N passed, N failed' form, from both runs' console logger totals.
total() { { grep -E "^ +$1: +[0-9]+" "$2" || true; } | tail -n 1 | sed -E 's/[^0-9]*([0-9]+).*/\1/'; }
sum() { local jit aot; jit=$(total "$1" "$out"); aot=$(total "$1" "$aot_out"); echo $(( ${jit:-0} + ${aot:-0} )); }
if [ -n "$(total Passed "$out")$(total Failed "$out")$(total Passed "$aot_out")$(total Failed "$aot_out")" ]; then
  echo "tests: $(sum Passed) passed, $(sum Failed) failed, $(sum Skipped) skipped"
fi
if [ "$status" -ne 0 ]; then exit "$status"; fi
exit "$aot_status"
