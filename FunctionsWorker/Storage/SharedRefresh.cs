namespace FunctionsWorker.Storage;

/// <summary>
/// A value read from storage at most once per <c>freshness</c> whatever the request rate, every caller sharing the one
/// read in flight, so a burst of requests neither queues hundreds of storage calls nor slows the jobs.
/// </summary>
public sealed class SharedRefresh<T>(Func<Task<T>> read, TimeSpan freshness, TimeProvider time)
{
    private readonly object _gate = new();
    private Task<T>? _current;
    private DateTimeOffset _readAt;

    public Task<T> GetAsync(CancellationToken cancellationToken)
    {
        Task<T> current;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_current is null || (_current.IsCompleted && now - _readAt >= freshness))
            {
                _readAt = now;
                _current = read();
            }

            current = _current;
        }

        return current.WaitAsync(cancellationToken);
    }

    /// <summary>The next <see cref="GetAsync"/> reads again: for a caller that just changed what is read.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _current = null;
        }
    }
}
