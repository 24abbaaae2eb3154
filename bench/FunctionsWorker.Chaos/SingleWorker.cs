using System.Globalization;
using System.Net;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using SkiaSharp;

namespace FunctionsWorker.Chaos;

/// <summary>One worker process against its own in-memory Azurite, with small inputs uploaded: the soak and saturation setup.</summary>
internal sealed class SingleWorker : IAsyncDisposable
{
    private SingleWorker(AzuriteServer azurite, WorkerSlot slot, QueueClient queue, string directory)
    {
        Azurite = azurite;
        Slot = slot;
        Queue = queue;
        Directory = directory;
    }

    public AzuriteServer Azurite { get; }

    public WorkerSlot Slot { get; }

    public QueueClient Queue { get; }

    public string Directory { get; }

    public int Pid => Slot.Current!.Process.Id;

    public static async Task<SingleWorker> StartAsync(string name, IReadOnlyDictionary<string, string> extra, IEnumerable<(string Name, byte[] Content)> inputs)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"fw-{name}-").FullName;
        var azurite = new AzuriteServer(Path.Combine(directory, "azurite"), inMemory: true);
        await azurite.StartAsync().ConfigureAwait(false);
        var queue = new QueueClient(azurite.ConnectionString, "jobs");
        await queue.CreateIfNotExistsAsync().ConfigureAwait(false);
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("inputs");
        await container.CreateIfNotExistsAsync().ConfigureAwait(false);
        foreach (var (blob, content) in inputs)
        {
            await container.GetBlobClient(blob).UploadAsync(new BinaryData(content), overwrite: true).ConfigureAwait(false);
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["JobsQueueName"] = "jobs",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var slot = new WorkerSlot(1, settings, directory);
        await slot.StartAsync().ConfigureAwait(false);
        var worker = new SingleWorker(azurite, slot, queue, directory);
        await worker.WaitReadyAsync().ConfigureAwait(false);
        return worker;
    }

    public static IEnumerable<(string Name, byte[] Content)> SmallImages() =>
    [
        ("soak/a.png", InputImages.Encode(64, 48, SKEncodedImageFormat.Png)),
        ("soak/b.jpg", InputImages.Encode(120, 90, SKEncodedImageFormat.Jpeg)),
        ("soak/c.webp", InputImages.Encode(100, 100, SKEncodedImageFormat.Webp)),
    ];

    public static string ThumbnailJob(string jobId, string blob, int maxSide) =>
        MessageFactory.Base64(string.Create(CultureInfo.InvariantCulture,
            $"{{\"jobId\":\"{jobId}\",\"pipeline\":\"thumbnail\",\"input\":{{\"container\":\"inputs\",\"blob\":\"{blob}\"}},\"parameters\":{{\"maxSide\":{maxSide}}}}}"));

    public async ValueTask DisposeAsync()
    {
        await Slot.TerminateAndRestartAsync(TimeSpan.FromSeconds(45), restart: false).ConfigureAwait(false);
        await Slot.DisposeAsync().ConfigureAwait(false);
        await Azurite.DisposeAsync().ConfigureAwait(false);
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                if ((await Slot.Http.GetAsync(new Uri("/api/ready", UriKind.Relative)).ConfigureAwait(false)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException($"the worker was not ready in 60 s; see {Slot.Incarnations[^1].Process.LogPath}");
    }
}
