using FunctionsWorker.Fleet;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Triggers.Http;

/// <summary>The fleet as table <c>workers</c> shows it, read at most once a second for status and job records.</summary>
public sealed class FleetView
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly WorkerRegistry _registry;
    private readonly TimeProvider _time;
    private readonly SharedRefresh<IReadOnlyList<WorkerRow>?> _rows;

    public FleetView(WorkerRegistry registry, TimeProvider time)
    {
        _registry = registry;
        _time = time;
        _rows = new SharedRefresh<IReadOnlyList<WorkerRow>?>(ReadAsync, TimeSpan.FromSeconds(1), time);
    }

    /// <summary>Every worker, newest beat first; null when storage does not answer in time.</summary>
    public Task<IReadOnlyList<WorkerRow>?> GetAsync(CancellationToken cancellationToken) => _rows.GetAsync(cancellationToken);

    private async Task<IReadOnlyList<WorkerRow>?> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout, _time);
        try
        {
            return await _registry.ListAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            return null;
        }
    }
}
