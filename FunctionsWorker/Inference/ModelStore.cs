using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Inference;

/// <summary>
/// Puts verified model files on local disk: blob sources are streamed into <c>Inference:ModelCacheDirectory</c>
/// through a temp file that is hashed on the way and renamed only once it checks out, so no partial or unverified
/// file ever carries a model's final name; file sources are verified where they lie.
/// A stamp next to each verified file lets a restart reuse it without downloading or hashing again.
/// </summary>
internal sealed class ModelStore(
    IModelSourceOpener opener,
    IOptions<InferenceOptions> options,
    IHostEnvironment environment,
    TimeProvider timeProvider,
    ILogger<ModelStore> logger)
{
    private const string ModelSuffix = ".onnx";
    private const string PartialSuffix = ".partial";
    private const string StampSuffix = ".verified.json";
    private const int BufferBytes = 1 << 20;

    public string CacheDirectory { get; } = Path.GetFullPath(options.Value.ModelCacheDirectory, environment.ContentRootPath);

    /// <summary>Returns a verified file for the model, fetching it when no good cached copy exists.</summary>
    /// <param name="onState">Told when the work moves between fetching and verifying, for the status endpoint.</param>
    /// <exception cref="ModelLoadException">The source is missing, unreachable or its content is wrong.</exception>
    public Task<StoredModel> GetAsync(
        string name, ModelSource source, string? expectedSha256, Action<ModelState> onState, CancellationToken cancellationToken) =>
        source.Kind == ModelSourceKind.File
            ? VerifyLocalFileAsync(name, source, expectedSha256, onState, cancellationToken)
            : GetRemoteAsync(name, source, expectedSha256!, onState, cancellationToken);

    /// <summary>Forgets the verified copy (or stamp) of a model, so the next <see cref="GetAsync"/> starts afresh.</summary>
    public void Evict(string name)
    {
        DeleteIfExists(CachePath(name));
        DeleteIfExists(CachePath(name) + StampSuffix);
        DeleteIfExists(FileSourceStampPath(name));
    }

    internal string CachePath(string name) => Path.Combine(CacheDirectory, name + ModelSuffix);

    private string FileSourceStampPath(string name) => Path.Combine(CacheDirectory, name + ".file" + StampSuffix);

    private async Task<StoredModel> GetRemoteAsync(
        string name, ModelSource source, string expectedSha256, Action<ModelState> onState, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(CacheDirectory);
        DeleteStalePartials(name);
        var finalPath = CachePath(name);
        if (File.Exists(finalPath))
        {
            onState(ModelState.Verifying);
            var cached = await TryReuseCachedCopyAsync(name, source, expectedSha256, finalPath, cancellationToken).ConfigureAwait(false);
            if (cached is not null)
            {
                return cached;
            }
        }

        onState(ModelState.Fetching);
        var tempPath = $"{finalPath}.{Guid.NewGuid():N}{PartialSuffix}";
        try
        {
            var (sha256, bytes) = await DownloadAsync(name, source, tempPath, cancellationToken).ConfigureAwait(false);
            onState(ModelState.Verifying);

            // Content checks first: an LFS pointer also fails the hash, but "Git LFS pointer" is the useful answer.
            var problem = await ModelFileInspector.FindProblemAsync(tempPath, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                throw new ModelLoadException("model-source-invalid", $"{source}: {problem}", retryable: false);
            }

            ThrowIfHashMismatch(name, source, expectedSha256, sha256);
            File.Move(tempPath, finalPath, overwrite: true);
            WriteStamp(finalPath + StampSuffix, new FileInfo(finalPath), source.ToString(), sha256);
            Log.ModelVerified(logger, name, sha256, bytes);
            return new StoredModel(finalPath, sha256, bytes, FromCache: false);
        }
        finally
        {
            DeleteIfExists(tempPath);
        }
    }

    private async Task<StoredModel?> TryReuseCachedCopyAsync(
        string name, ModelSource source, string expectedSha256, string path, CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        var stamp = ReadStamp(path + StampSuffix);
        if (stamp is not null && stamp.Matches(source.ToString(), expectedSha256, file))
        {
            Log.CachedCopyReused(logger, name, path);
            return new StoredModel(path, stamp.Sha256, stamp.Bytes, FromCache: true);
        }

        var problem = await ModelFileInspector.FindProblemAsync(path, cancellationToken).ConfigureAwait(false);
        if (problem is null)
        {
            var sha256 = await ModelFileInspector.ComputeSha256Async(path, cancellationToken).ConfigureAwait(false);
            if (string.Equals(sha256, expectedSha256, StringComparison.OrdinalIgnoreCase))
            {
                WriteStamp(path + StampSuffix, file, source.ToString(), sha256);
                Log.CachedCopyReused(logger, name, path);
                return new StoredModel(path, sha256, file.Length, FromCache: true);
            }

            problem = $"its SHA-256 is {sha256}, expected {expectedSha256}";
        }

        Log.CachedCopyCorrupt(logger, name, problem);
        DeleteIfExists(path + StampSuffix);
        DeleteIfExists(path);
        return null;
    }

    private async Task<(string Sha256, long Bytes)> DownloadAsync(
        string name, ModelSource source, string tempPath, CancellationToken cancellationToken)
    {
        await using var download = await opener.OpenAsync(source, cancellationToken).ConfigureAwait(false);
        Log.FetchStarted(logger, name, source.ToString(), download.DeclaredLength);
        var started = timeProvider.GetTimestamp();
        var lastProgress = started;
        var interval = options.Value.FetchProgressInterval;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        long bytes = 0;
        try
        {
            await using (var output = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await download.Content.ReadAsync(buffer.AsMemory(0, BufferBytes), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    bytes += read;
                    if (timeProvider.GetElapsedTime(lastProgress) >= interval)
                    {
                        lastProgress = timeProvider.GetTimestamp();
                        Log.FetchProgress(logger, name, bytes, download.DeclaredLength, (long)timeProvider.GetElapsedTime(started).TotalSeconds);
                    }
                }

                // On disk before the rename makes it the model: a crash must not leave a short file under the final name.
                output.Flush(flushToDisk: true);
            }
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

        Log.FetchCompleted(logger, name, bytes, (long)timeProvider.GetElapsedTime(started).TotalMilliseconds);
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), bytes);
    }

    private async Task<StoredModel> VerifyLocalFileAsync(
        string name, ModelSource source, string? expectedSha256, Action<ModelState> onState, CancellationToken cancellationToken)
    {
        onState(ModelState.Verifying);
        var path = Path.GetFullPath(source.Path, environment.ContentRootPath);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new ModelLoadException("model-source-missing", $"{source}: there is no file at {path}", retryable: true);
        }

        var stampPath = FileSourceStampPath(name);
        var stamp = ReadStamp(stampPath);
        if (stamp is not null && stamp.Matches(path, expectedSha256, file))
        {
            Log.CachedCopyReused(logger, name, path);
            return new StoredModel(path, stamp.Sha256, stamp.Bytes, FromCache: true);
        }

        var problem = await ModelFileInspector.FindProblemAsync(path, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            throw new ModelLoadException("model-source-invalid", $"{source}: {problem}", retryable: false);
        }

        var sha256 = await ModelFileInspector.ComputeSha256Async(path, cancellationToken).ConfigureAwait(false);
        if (expectedSha256 is null)
        {
            Log.Sha256NotPinned(logger, name, sha256);
        }
        else
        {
            ThrowIfHashMismatch(name, source, expectedSha256, sha256);
        }

        try
        {
            Directory.CreateDirectory(CacheDirectory);
            WriteStamp(stampPath, file, path, sha256);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The file itself is fine; without a stamp the next start only hashes it again.
            Log.StampNotWritten(logger, name, ex.Message);
        }

        Log.ModelVerified(logger, name, sha256, file.Length);
        return new StoredModel(path, sha256, file.Length, FromCache: false);
    }

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

    private void DeleteStalePartials(string name)
    {
        // Left behind only by a process that died mid-download: the cache directory belongs to this worker alone.
        foreach (var partial in Directory.EnumerateFiles(CacheDirectory, $"{name}{ModelSuffix}.*{PartialSuffix}"))
        {
            DeleteIfExists(partial);
            Log.StalePartialDeleted(logger, partial);
        }
    }

    private static ModelCacheStamp? ReadStamp(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<ModelCacheStamp>(File.ReadAllBytes(path)) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            // An unreadable stamp only costs a re-hash of the file it describes.
            return null;
        }
    }

    private static void WriteStamp(string path, FileInfo file, string source, string sha256)
    {
        file.Refresh();
        var stamp = new ModelCacheStamp(source, sha256, file.Length, file.LastWriteTimeUtc);
        var temp = path + PartialSuffix;
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(stamp));
        File.Move(temp, path, overwrite: true);
    }

    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
