using Microsoft.Extensions.Logging;

namespace FunctionsWorker.Inference;

/// <summary>Log lines of the model cache; sources are logged without their query (a SAS), never with credentials.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Inference device: requested {Requested}, effective {Effective} ({Reason})")]
    public static partial void DeviceSelected(ILogger logger, InferenceDevice requested, string effective, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Model {Model}: fetching {Source} ({DeclaredBytes} bytes declared)")]
    public static partial void FetchStarted(ILogger logger, string model, string source, long? declaredBytes);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Model {Model}: fetched {Bytes} of {DeclaredBytes} bytes after {Seconds} s")]
    public static partial void FetchProgress(ILogger logger, string model, long bytes, long? declaredBytes, long seconds);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Model {Model}: fetched {Bytes} bytes in {ElapsedMs} ms")]
    public static partial void FetchCompleted(ILogger logger, string model, long bytes, long elapsedMs);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Model {Model}: verified, SHA-256 {Sha256}, {Bytes} bytes")]
    public static partial void ModelVerified(ILogger logger, string model, string sha256, long bytes);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Model {Model}: reused from cache, {Path} verified ({Bytes} bytes hashed in {VerifyMs} ms)")]
    public static partial void CachedCopyVerified(ILogger logger, string model, string path, long bytes, long verifyMs);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Model {Model}: the cached copy is corrupt ({Problem}); deleting it and fetching once more from the source")]
    public static partial void CachedCopyCorrupt(ILogger logger, string model, string problem);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Deleted {Path}, left by an interrupted download")]
    public static partial void StalePartialDeleted(ILogger logger, string path);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Model {Model}: no Sha256 configured; the file's SHA-256 is {Sha256} (set Models:{Model}:Sha256 to pin it)")]
    public static partial void Sha256NotPinned(ILogger logger, string model, string sha256);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Model {Model} ready on {Device} (from cache: {FromCache}; fetch {FetchMs} ms, load {LoadMs} ms, warm-up {WarmupMs} ms)")]
    public static partial void ModelReady(ILogger logger, string model, InferenceDevice device, bool fromCache, long fetchMs, long loadMs, long warmupMs);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "Model {Model} failed (retryable: {Retryable}): {Reason}")]
    public static partial void ModelFailed(ILogger logger, Exception exception, string model, bool retryable, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Model {Model}: another process holds {LockPath}; waiting for its download")]
    public static partial void WaitingForCacheLock(ILogger logger, string model, string lockPath);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Model {Model}: cache lock acquired after waiting {WaitedMs} ms")]
    public static partial void CacheLockAcquired(ILogger logger, string model, long waitedMs);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Information, Message = "File {Model} ready at {Path} (from cache: {FromCache}; fetch {FetchMs} ms)")]
    public static partial void FileReady(ILogger logger, string model, string path, bool fromCache, long fetchMs);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Information, Message = "Model {Model} warmed on its most common shape: {Runs} runs until it settled, {WarmupMs} ms; {BackgroundShapes} more shape(s) warm in the background while it is idle")]
    public static partial void ModelWarmedUp(ILogger logger, string model, int runs, int backgroundShapes, long warmupMs);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Information, Message = "Model {Model}: graph folded before loading: {ConvAffine} scale-and-shift into convolutions, {HardSwish} hard-swish, {PointwiseAffine} scale-and-shift into 1x1 convolutions, {DepthwiseAffine} scale-and-shift as depthwise convolutions ({ElapsedMs} ms)")]
    public static partial void GraphFolded(ILogger logger, string model, int convAffine, int hardSwish, int pointwiseAffine, int depthwiseAffine, long elapsedMs);

    [LoggerMessage(EventId = 3050, Level = LogLevel.Information, Message = "Model {Model} warmed every declared shape in the background")]
    public static partial void ModelWarmedInBackground(ILogger logger, string model);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Warning, Message = "Model {Model}: a background warm-up run failed and its shape is skipped: {Reason}")]
    public static partial void BackgroundWarmupRunFailed(ILogger logger, Exception exception, string model, string reason);
}
