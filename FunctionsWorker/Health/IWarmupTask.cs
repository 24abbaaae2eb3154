namespace FunctionsWorker.Health;

/// <summary>
/// Something that must be warm before the queue listener fetches: run by the warm-up service after the HTTP server
/// listens, retried with back-off while it throws.
/// </summary>
public interface IWarmupTask
{
    string Name { get; }

    Task WarmAsync(CancellationToken cancellationToken);
}
