using FunctionsWorker.Storage;
using FunctionsWorker.Triggers.Queue;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// The body of <c>GET /api/poison</c>, read from storage at most four times a second whatever the request rate and shared by
/// every request in between (a listing may be up to 250 ms old), as <see cref="StatusReports"/> does for the status.
/// </summary>
public sealed class PoisonList(PoisonQueueAdmin poison, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(250);

    // Shared by many requests: the read is bounded by the storage client's own timeouts, not by one caller's cancellation.
    private readonly SharedRefresh<IReadOnlyList<PoisonedMessage>> _list = new(() => poison.ListAsync(CancellationToken.None), Freshness, time);

    public Task<IReadOnlyList<PoisonedMessage>> GetAsync(CancellationToken cancellationToken) => _list.GetAsync(cancellationToken);

    /// <summary>After a replay or delete through the API: the next listing shows it.</summary>
    public void Invalidate() => _list.Invalidate();
}
