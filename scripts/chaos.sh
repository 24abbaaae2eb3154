#!/usr/bin/env bash
# Chaos run: several real workers against Azurite on disk, behind a fault-injecting proxy, under a mixed load with bad
# messages and twins, with kill -9, SIGTERM, storage cuts/hangs/resets/latency and Azurite restarts; checks at the end.
# Default: 10 minutes of faults, report in bench/chaos/README.md. Arguments go to the harness, e.g.:
#   scripts/chaos.sh --duration 00:20:00 --workers 4 --rate 5
#   scripts/chaos.sh --short            # the CI variant (about a minute), report printed only
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_tools
ensure_node_modules
log "dotnet build (Release)"
dotnet build bench/FunctionsWorker.Chaos -c Release -nologo -v q

report=(--report bench/chaos/README.md)
for arg in "$@"; do
  case "$arg" in --short|--report) report=() ;; esac
done
# The report names the command as run here, beside the harness's own arguments.
CHAOS_COMMAND="scripts/chaos.sh${*:+ $*}" exec dotnet bench/FunctionsWorker.Chaos/bin/Release/net10.0/FunctionsWorker.Chaos.dll chaos "${report[@]}" "$@"
