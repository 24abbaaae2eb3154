using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Inference;

/// <summary>
/// Puts verified model files in <c>Inference:ModelCacheDirectory</c>, which several worker processes may share: each
/// model is fetched under an exclusive <c>&lt;name&gt;.lock</c> (the others wait, then verify and reuse the file),
/// streamed into a temp file named after its owner process, hashed on the way and renamed only once it checks out, so
/// no partial or unverified file ever carries a model's final name. A cached copy is hashed again before every use
/// and fetched afresh when it no longer matches.
/// </summary>
internal sealed class ModelStore
{
    private const string PartialSuffix = ".partial";
    private const string LockSuffix = ".lock";
    private const int BufferBytes = 1 << 20;

    private readonly Dictionary<string, IModelSourceOpener> _openers;
    private readonly InferenceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ModelStore> _logger;

    public ModelStore(
        IEnumerable<IModelSourceOpener> openers,
        IOptions<InferenceOptions> options,
        IHostEnvironment environment,
        TimeProvider timeProvider,
        ILogger<ModelStore> logger)
    {
        // Last registration wins per scheme, so a host (or a test) can replace one opener without touching the others.
        _openers = new Dictionary<string, IModelSourceOpener>(StringComparer.OrdinalIgnoreCase);
        foreach (var opener in openers)
        {
            _openers[opener.Scheme] = opener;
        }

        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        CacheDirectory = Path.GetFullPath(_options.ModelCacheDirectory, environment.ContentRootPath);
    }

    public string CacheDirectory { get; }

    /// <summary>Returns a verified local copy of the model, fetching it when no good cached copy exists.</summary>
    /// <param name="expectedBytes">The catalog's <c>Bytes</c>: the size cap when set, else <c>Inference:MaxModelBytes</c>.</param>
    /// <param name="onState">Told when the work moves between fetching and verifying, for the status endpoint.</param>
    /// <exception cref="ModelLoadException">The source is missing, unreachable or its content is wrong.</exception>
    public async Task<StoredModel> GetAsync(
        string name,
        ModelSource source,
        ModelKind kind,
        string? expectedSha256,
        long? expectedBytes,
        Action<ModelState> onState,
        CancellationToken cancellationToken)
    {
        if (!_openers.TryGetValue(source.Scheme, out var opener))
        {
            throw new ModelLoadException(
                "model-source-unsupported",
                $"{source}: no source opener is registered for {source.Scheme}:// (registered: {string.Join(", ", _openers.Keys.Order(StringComparer.Ordinal))})",
                retryable: false);
        }

        Directory.CreateDirectory(CacheDirectory);
        var finalPath = CachePath(name, source, kind);
        onState(ModelState.Fetching);
        await using var held = await LockAsync(name, cancellationToken).ConfigureAwait(false);
        DeleteStalePartials(finalPath);

        var healed = false;
        if (expectedSha256 is not null && File.Exists(finalPath))
        {
            onState(ModelState.Verifying);
            var cached = await VerifyCachedCopyAsync(name, kind, expectedSha256, finalPath, cancellationToken).ConfigureAwait(false);
            if (cached is not null)
            {
                return cached;
            }

            healed = true;
        }

        onState(ModelState.Fetching);
        var tempPath = $"{finalPath}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}{PartialSuffix}";
        try
        {
            var (sha256, bytes) = await DownloadAsync(opener, name, source, tempPath, SizeCap(name, expectedBytes), cancellationToken).ConfigureAwait(false);
            onState(ModelState.Verifying);
            var verifyStarted = _timeProvider.GetTimestamp();

            // Content checks first: an LFS pointer also fails the hash, but "Git LFS pointer" is the useful answer.
            var problem = await ModelFileInspector.FindProblemAsync(tempPath, kind, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                throw new ModelLoadException("model-source-invalid", $"{source}: {problem}", retryable: false);
            }

            if (expectedSha256 is null)
            {
                Log.Sha256NotPinned(_logger, name, sha256);
            }
            else
            {
                ThrowIfHashMismatch(name, source, expectedSha256, sha256);
            }

            File.Move(tempPath, finalPath, overwrite: true);
            Log.ModelVerified(_logger, name, sha256, bytes);
            return new StoredModel(finalPath, sha256, bytes, FromCache: false, healed, ElapsedMs(verifyStarted));
        }
        finally
        {
            DeleteIfExists(tempPath);
        }
    }

    /// <summary>The model's file in the cache: <c>&lt;name&gt;.onnx</c>, or a file asset under its source's extension.</summary>
    internal string CachePath(string name, ModelSource source, ModelKind kind) =>
        Path.Combine(CacheDirectory, name + (kind == ModelKind.Onnx ? ".onnx" : source.Extension));

    private async Task<StoredModel?> VerifyCachedCopyAsync(
        string name, ModelKind kind, string expectedSha256, string path, CancellationToken cancellationToken)
    {
        // Hashed on every start: size and modification time say nothing about a flipped block in the middle.
        var started = _timeProvider.GetTimestamp();
        var problem = await ModelFileInspector.FindProblemAsync(path, kind, cancellationToken).ConfigureAwait(false);
        if (problem is null)
        {
            var sha256 = await ModelFileInspector.ComputeSha256Async(path, cancellationToken).ConfigureAwait(false);
            if (string.Equals(sha256, expectedSha256, StringComparison.OrdinalIgnoreCase))
            {
                var verifyMs = ElapsedMs(started);
                var bytes = new FileInfo(path).Length;
                Log.CachedCopyVerified(_logger, name, path, bytes, verifyMs);
                return new StoredModel(path, sha256, bytes, FromCache: true, Healed: false, verifyMs);
            }

            problem = $"its SHA-256 is {sha256}, expected {expectedSha256.ToLowerInvariant()}";
        }

        Log.CachedCopyCorrupt(_logger, name, problem);
        DeleteIfExists(path);
        return null;
    }

    /// <summary>
    /// Takes the model's lock file exclusively (an OS file lock: a process that dies releases it), polling while
    /// another process holds it; that process is fetching or verifying the same model, whose file this one then reuses.
    /// </summary>
    private async Task<FileStream> LockAsync(string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(CacheDirectory, name + LockSuffix);
        var waitStarted = _timeProvider.GetTimestamp();
        var waiting = false;
        while (true)
        {
            try
            {
                var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                if (waiting)
                {
                    Log.CacheLockAcquired(_logger, name, ElapsedMs(waitStarted));
                }

                return held;
            }
            catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
            {
                // Held by another process (or another store in this one); anything else would fail again the same way.
                if (!waiting)
                {
                    waiting = true;
                    Log.WaitingForCacheLock(_logger, name, path);
                }
            }

            await Task.Delay(_options.CacheLockPollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The most bytes a model's download may bring, and the setting that says so (for the error).</summary>
    private (long Bytes, string Setting) SizeCap(string name, long? expectedBytes) =>
        expectedBytes is { } declared ? (declared, $"Models:{name}:Bytes") : (_options.MaxModelBytes, "Inference:MaxModelBytes");

    /// <summary>
    /// Streams the source into <paramref name="tempPath"/>, hashing on the way; fails a source larger than
    /// <paramref name="cap"/> (as declared, or as sent) and one that sends nothing for <c>ModelDownloadIdleTimeout</c>.
    /// </summary>
    private async Task<(string Sha256, long Bytes)> DownloadAsync(
        IModelSourceOpener opener, string name, ModelSource source, string tempPath, (long Bytes, string Setting) cap, CancellationToken cancellationToken)
    {
        await using var download = await opener.OpenAsync(source, cancellationToken).ConfigureAwait(false);
        if (download.DeclaredLength > cap.Bytes)
        {
            throw TooLarge(source, $"it declares {download.DeclaredLength} bytes", cap);
        }

        Log.FetchStarted(_logger, name, source.ToString(), download.DeclaredLength);
        var started = _timeProvider.GetTimestamp();
        var lastProgress = started;
        var interval = _options.FetchProgressInterval;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        long bytes = 0;
        // Restarted before every read, on the injected clock: it fires only when the source stops sending.
        var idleTimeout = _options.ModelDownloadIdleTimeout;
        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        try
        {
            await using (var output = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                int read;
                while (true)
                {
                    idle.CancelAfter(idleTimeout);
                    read = await download.Content.ReadAsync(buffer.AsMemory(0, BufferBytes), reading.Token).ConfigureAwait(false);
                    idle.CancelAfter(Timeout.InfiniteTimeSpan);
                    if (read == 0)
                    {
                        break;
                    }

                    if (bytes + read > cap.Bytes)
                    {
                        throw TooLarge(source, $"it sent more than {cap.Bytes} bytes", cap);
                    }

                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    bytes += read;
                    if (_timeProvider.GetElapsedTime(lastProgress) >= interval)
                    {
                        lastProgress = _timeProvider.GetTimestamp();
                        Log.FetchProgress(_logger, name, bytes, download.DeclaredLength, (long)_timeProvider.GetElapsedTime(started).TotalSeconds);
                    }
                }

                // On disk before the rename makes it the model: a crash must not leave a short file under the final name.
                output.Flush(flushToDisk: true);
            }
        }
        catch (Exception ex) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            throw new ModelLoadException(
                "model-fetch-stalled",
                $"download of {source} stalled: no byte for {idleTimeout} after {bytes} bytes (Inference:ModelDownloadIdleTimeout)",
                retryable: true,
                ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or RequestFailedException)
        {
            throw new ModelLoadException(
                "model-fetch-failed",
                $"download of {source} failed after {bytes} bytes: {Describe(ex)}",
                retryable: true,
                ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (download.DeclaredLength is { } declared && bytes < declared)
        {
            throw new ModelLoadException(
                "model-source-truncated",
                $"download of {source} is truncated: received {bytes} of the {declared} bytes the source declares",
                retryable: true);
        }

        Log.FetchCompleted(_logger, name, bytes, (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds);
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), bytes);
    }

    // Not retried: the same source is as large next time; a new file or setting is what fixes it.
    private static ModelLoadException TooLarge(ModelSource source, string what, (long Bytes, string Setting) cap) =>
        new("model-too-large", $"{source} is too large: {what}, the cap is {cap.Bytes} ({cap.Setting})", retryable: false);

    private static void ThrowIfHashMismatch(string name, ModelSource source, string expectedSha256, string actualSha256)
    {
        if (!string.Equals(expectedSha256, actualSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException(
                "model-hash-mismatch",
                $"{source}: SHA-256 mismatch: the file's SHA-256 is {actualSha256}, but 'Models:{name}:Sha256' expects {expectedSha256.ToLowerInvariant()}",
                retryable: false);
        }
    }

    // Status and code only for storage errors: the SDK's full message carries request details meant for debugging.
    private static string Describe(Exception ex) => ex is RequestFailedException storage
        ? $"storage answered {storage.Status} {storage.ErrorCode}"
        : $"{ex.GetType().Name}: {ex.Message}";

    /// <summary>
    /// Called with the model's lock held, so no live process of this host is downloading it: a temp file whose owner
    /// process is gone (or is this one, or unnamed) is left by a crash. One whose owner still runs is kept unless it
    /// has not been written for <see cref="InferenceOptions.StalePartialAge"/>: a process id seen from another
    /// container on a shared volume may belong to an unrelated process.
    /// </summary>
    private void DeleteStalePartials(string finalPath)
    {
        var prefix = Path.GetFileName(finalPath) + ".";
        foreach (var partial in Directory.EnumerateFiles(CacheDirectory, prefix + "*" + PartialSuffix))
        {
            var owner = Path.GetFileName(partial)[prefix.Length..^PartialSuffix.Length];
            var dash = owner.IndexOf('-', StringComparison.Ordinal);
            var ownerAlive = dash > 0
                && int.TryParse(owner.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId
                && IsRunning(pid);
            var idle = _timeProvider.GetUtcNow().UtcDateTime - File.GetLastWriteTimeUtc(partial);
            if (!ownerAlive || idle > _options.StalePartialAge)
            {
                DeleteIfExists(partial);
                Log.StalePartialDeleted(_logger, partial);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private long ElapsedMs(long started) => (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds;

    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
