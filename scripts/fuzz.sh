#!/usr/bin/env bash
# The long fuzz run: every property in Functions.Tests/Fuzz with FUZZ_ITERATIONS inputs per target (default 1,000,000;
# the decoder and file-backed targets scale it down in their tests' own terms), one line per target appended to
# FUZZ_REPORT. A failure prints the CsCheck seed; replay it with FUZZ_SEED=<seed> and FUZZ_ITERATIONS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_ITERATIONS="${FUZZ_ITERATIONS:-1000000}"
export FUZZ_THREADS="${FUZZ_THREADS:-$(nproc)}"
export FUZZ_REPORT="${FUZZ_REPORT:-$PWD/bench/fuzz/last-run.tsv}"
mkdir -p "$(dirname "$FUZZ_REPORT")"
: > "$FUZZ_REPORT"
dotnet build Functions.Tests -c Release
dotnet test Functions.Tests -c Release --no-build --filter "FullyQualifiedName~Functions.Tests.Fuzz" --blame-hang-timeout 30m -- xUnit.ParallelizeTestCollections=false
printf 'target\texecutions\tseconds\toutcomes\n'
cat "$FUZZ_REPORT"
