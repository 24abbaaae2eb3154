#!/usr/bin/env bash
# Installs what the tests need on a fresh machine (Chromium for the dashboard tests too), builds, and runs every test
# (unit, Azurite integration, end-to-end).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_chromium
prepare

log "dotnet test"
out="${TMPDIR:-/tmp}/functions-worker-test.log"
set +e
dotnet test Functions.Tests/Functions.Tests.csproj -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e

# One closing line in the plain 'N passed, N failed' form, from the console logger's totals.
total() { { grep -E "^ +$1: +[0-9]+" "$out" || true; } | tail -n 1 | sed -E 's/[^0-9]*([0-9]+).*/\1/'; }
passed=$(total Passed); failed=$(total Failed); skipped=$(total Skipped)
if [ -n "$passed$failed" ]; then
  echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
fi
exit "$status"
