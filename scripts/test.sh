#!/usr/bin/env bash
# Installs what the tests need on a fresh machine, builds, and runs every test (unit, Azurite integration, end-to-end).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_tools
ensure_node_modules
ensure_fonts

log "dotnet build (Release)"
dotnet build FunctionsWorker.sln -c Release -nologo -v q

log "dotnet test"
out="${TMPDIR:-/tmp}/functions-worker-test.log"
set +e
dotnet test Functions.Tests/Functions.Tests.csproj -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e

# One closing line in the plain 'N passed, N failed' form.
summary=$(grep -E 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$out" | tail -n 1 || true)
if [ -n "$summary" ]; then
  failed=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary")
  passed=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
  skipped=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")
  echo "tests: $passed passed, $failed failed, $skipped skipped"
fi
exit "$status"
