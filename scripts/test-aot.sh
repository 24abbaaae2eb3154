#!/usr/bin/env bash
# The end-to-end tests of trait NativeAot=true against the native AOT worker: builds, publishes it into artifacts/aot
# and runs them with FUNCTIONS_WORKER_AOT pointing at the binary (scripts/test.sh does this after every other test).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

prepare
publish_aot
log "dotnet test against the native AOT binary (NativeAot=true)"
run_aot_tests
