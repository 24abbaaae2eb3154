using Azure;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Storage;

/// <summary>
/// The approximate lengths of the jobs queue and its poison queue for <c>/api/status</c>, asked at most once a second
/// (<see cref="SharedRefresh{T}"/>); null when storage does not answer in time.
/// </summary>
public sealed class QueueLengths
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly StorageClients _clients;
    private readonly StorageOptions _storage;
    private readonly TimeProvider _time;
    private readonly SharedRefresh<(int? Jobs, int? Poison)> _lengths;

    public QueueLengths(StorageClients clients, IOptions<StorageOptions> storage, TimeProvider time)
    {
        _clients = clients;
        _storage = storage.Value;
        _time = time;
        _lengths = new SharedRefresh<(int?, int?)>(AskAsync, TimeSpan.FromSeconds(1), time);
    }

    public Task<(int? Jobs, int? Poison)> GetAsync(CancellationToken cancellationToken) => _lengths.GetAsync(cancellationToken);

    private async Task<(int?, int?)> AskAsync()
    {
        var jobs = LengthAsync(_storage.JobsQueueName);
        var poison = _storage.PoisonQueueName is { } name ? LengthAsync(name) : Task.FromResult<int?>(null);
        return (await jobs.ConfigureAwait(false), await poison.ConfigureAwait(false));
    }

    private async Task<int?> LengthAsync(string name)
    {
        // Shared by many requests: bounded by its own timeout, never by one caller's cancellation.
        using var timeout = new CancellationTokenSource(Timeout, _time);
        try
        {
            var properties = await _clients.Queues.GetQueueClient(name).GetPropertiesAsync(timeout.Token).ConfigureAwait(false);
            return properties.Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.IsNotFound())
        {
            return 0;
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            return null;
        }
    }
}
