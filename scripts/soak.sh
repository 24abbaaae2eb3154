#!/usr/bin/env bash
# Soak and saturation runs of one real worker against Azurite:
#   scripts/soak.sh                 # 10 000 thumbnail jobs; bench/soak/README.md, samples.csv, memory.svg, throughput.svg
#   scripts/soak.sh --jobs 2000     # fewer jobs (the report still goes to bench/soak/)
#   scripts/soak.sh --saturation    # health/ready latency while every core runs jobs, and a 500-request status burst;
#                                   # bench/soak/saturation.md
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_tools
ensure_node_modules
log "dotnet build (Release)"
dotnet build bench/FunctionsWorker.Chaos -c Release -nologo -v q

harness=bench/FunctionsWorker.Chaos/bin/Release/net10.0/FunctionsWorker.Chaos.dll
if [ "${1:-}" = "--saturation" ]; then
  shift
  exec dotnet "$harness" saturation --report bench/soak/saturation.md "$@"
fi
exec dotnet "$harness" soak --output bench/soak "$@"
