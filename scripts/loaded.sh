#!/usr/bin/env bash
# The whole test suite (scripts/test.sh: JIT, native AOT and GPU-flavour passes) several times in a row while
# stress-ng keeps every core busy, to show the tests hold no wall-clock assumptions:
#   scripts/loaded.sh              # 3 runs; bench/loaded/README.md (counts per run) and run-N.log
#   scripts/loaded.sh --runs 1
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

runs=3
if [ "${1:-}" = "--runs" ]; then runs=$2; fi
command -v stress-ng >/dev/null || { log "installing stress-ng"; apt_install stress-ng; }
out=bench/loaded
mkdir -p "$out"

cores=$(nproc)
stress-ng --cpu "$cores" --cpu-method matrixprod --quiet &
stress=$!
trap 'kill "$stress" 2>/dev/null || true' EXIT

report=$out/README.md
{
  echo "# The suite on a loaded machine"
  echo
  echo "- Commit: $(git rev-parse --short HEAD); $(date -u '+%Y-%m-%d %H:%M UTC'); $cores cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
  echo "- Load: \`stress-ng --cpu $cores --cpu-method matrixprod\` (one busy process per core) for the whole time"
  echo "- Command: \`scripts/loaded.sh --runs $runs\`, each run \`bash scripts/test.sh\` (the README's test command)"
  echo
  echo "| run | exit | passed | failed | skipped | minutes | load average after (1 min) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
} > "$report"

failed_runs=0
for run in $(seq 1 "$runs"); do
  log "run $run of $runs under stress-ng"
  started=$(date +%s)
  status=0
  bash scripts/test.sh > "$out/run-$run.log" 2>&1 || status=$?
  minutes=$(awk -v s="$(( $(date +%s) - started ))" 'BEGIN { printf "%.1f", s / 60 }')
  counts=$(grep -E '^tests: ' "$out/run-$run.log" | tail -n 1 || true)
  passed=$(sed -E 's/^tests: ([0-9]+) passed.*/\1/' <<< "$counts")
  failed=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<< "$counts")
  skipped=$(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<< "$counts")
  echo "| $run | $status | ${passed:-?} | ${failed:-?} | ${skipped:-?} | $minutes | $(cut -d' ' -f1 /proc/loadavg) |" >> "$report"
  # Keep only what a reader needs from the log: the failures with their messages, if any, and the closing line.
  grep -E -A12 '^\s+Failed ' "$out/run-$run.log" > "$out/run-$run.txt" || true
  grep -E '^tests: ' "$out/run-$run.log" >> "$out/run-$run.txt" || true
  rm "$out/run-$run.log"
  if [ "$status" -ne 0 ]; then failed_runs=$((failed_runs + 1)); fi
done

echo >> "$report"
echo "Per run, the failed tests (none when empty) and the closing line: run-N.txt." >> "$report"
cat "$report"
exit "$failed_runs"
