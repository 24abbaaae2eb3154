using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace FunctionsWorker.Chaos;

/// <summary>
/// Watches <c>outputs/*/result.json</c> during the run: the ETag and SHA-256 of each when first seen, and every later
/// sighting with another ETag, so a result rewritten by a second run is caught even if it is rewritten identically.
/// </summary>
internal sealed class ResultWatcher(BlobContainerClient outputs, Func<bool> paused)
{
    public ConcurrentDictionary<string, (string ETag, string Sha256, DateTimeOffset FirstSeen)> FirstSeen { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, string> Changed { get; } = new(StringComparer.Ordinal);

    public async Task RunAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!paused())
                {
                    await ScanAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Azurite is being restarted or cut: the next scan catches up.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped in the middle of a scan: the run's final scan follows.
                return;
            }

            try
            {
                await Task.Delay(every, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task ScanAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var blob in outputs.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!blob.Name.EndsWith("/result.json", StringComparison.Ordinal))
            {
                continue;
            }

            var jobId = blob.Name[..^"/result.json".Length];
            var etag = Normalize(blob.Properties.ETag?.ToString());
            if (FirstSeen.TryGetValue(jobId, out var first))
            {
                if (first.ETag != etag)
                {
                    Changed.TryAdd(jobId, $"ETag {first.ETag} first seen, then {etag}");
                }

                continue;
            }

            var (downloadedETag, sha) = await HashAsync(jobId, cancellationToken).ConfigureAwait(false);
            FirstSeen.TryAdd(jobId, (downloadedETag, sha, DateTimeOffset.UtcNow));
        }
    }

    public async Task<(string ETag, string Sha256)> HashAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var content = await DownloadAsync(jobId, cancellationToken).ConfigureAwait(false);
        return (Normalize(content.Details.ETag.ToString()), Convert.ToHexString(SHA256.HashData(content.Content.ToMemory().Span)));
    }

    public async Task<BlobDownloadResult> DownloadAsync(string jobId, CancellationToken cancellationToken = default) =>
        (await outputs.GetBlobClient(jobId + "/result.json").DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;

    // A listing gives the ETag quoted, a download unquoted: the same value either way.
    private static string Normalize(string? etag) => etag?.Trim('"') ?? string.Empty;
}
