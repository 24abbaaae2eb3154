using Azure;
using FunctionsWorker.Storage;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// The approximate lengths of the jobs queue and its poison queue for <c>/api/status</c>: asked of storage at most
/// once a second whatever the request rate, every caller sharing the one call in flight, so a burst of status
/// requests neither queues hundreds of storage calls nor slows the jobs. Null when storage does not answer in time.
/// </summary>
public sealed class QueueLengths(StorageClients clients, IOptions<StorageOptions> storage, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly object _gate = new();
    private Task<(int? Jobs, int? Poison)>? _current;
    private DateTimeOffset _askedAt;

    public Task<(int? Jobs, int? Poison)> GetAsync(CancellationToken cancellationToken)
    {
        Task<(int? Jobs, int? Poison)> current;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_current is null || (_current.IsCompleted && now - _askedAt >= Freshness))
            {
                _askedAt = now;
                _current = AskAsync();
            }

            current = _current;
        }

        return current.WaitAsync(cancellationToken);
    }

    private async Task<(int? Jobs, int? Poison)> AskAsync()
    {
        var jobs = LengthAsync(storage.Value.JobsQueueName);
        var poison = storage.Value.PoisonQueueName is { } name ? LengthAsync(name) : Task.FromResult<int?>(null);
        return (await jobs.ConfigureAwait(false), await poison.ConfigureAwait(false));
    }

    private async Task<int?> LengthAsync(string name)
    {
        // Shared by many requests: bounded by its own timeout, never by one caller's cancellation.
        using var timeout = new CancellationTokenSource(Timeout, time);
        try
        {
            var properties = await clients.Queues.GetQueueClient(name).GetPropertiesAsync(timeout.Token).ConfigureAwait(false);
            return properties.Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.IsNotFound())
        {
            return 0;
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) || ex is OperationCanceledException)
        {
            return null;
        }
    }
}
