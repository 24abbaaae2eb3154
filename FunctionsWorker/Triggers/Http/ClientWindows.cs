using System.Collections.Concurrent;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// Counts per client address in fixed one-minute windows on the injected clock: a client over <c>limit</c> waits for
/// its window to end. Windows that ended are dropped once many clients are tracked, so a scan from many addresses
/// cannot grow the table without bound.
/// </summary>
internal sealed class ClientWindows(int limit, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, ClientCount> _counters = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="client"/> must wait, or null when it is under the limit.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        var now = time.GetUtcNow();
        if (!_counters.TryGetValue(client, out var counter))
        {
            return null;
        }

        lock (counter)
        {
            return now < counter.Start + Window && counter.Count >= limit ? counter.Start + Window - now : null;
        }
    }

    /// <summary>Counts one event of <paramref name="client"/>; returns how long it must wait when this one is over the limit.</summary>
    public TimeSpan? Take(string client)
    {
        var now = time.GetUtcNow();
        if (_counters.Count > PruneAbove)
        {
            Prune(now);
        }

        var counter = _counters.GetOrAdd(client, _ => new ClientCount { Start = now });
        lock (counter)
        {
            if (now >= counter.Start + Window)
            {
                counter.Start = now;
                counter.Count = 0;
            }

            if (counter.Count >= limit)
            {
                return counter.Start + Window - now;
            }

            counter.Count++;
            return null;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (client, counter) in _counters)
        {
            if (now >= counter.Start + Window)
            {
                _counters.TryRemove(client, out _);
            }
        }
    }

    private sealed class ClientCount
    {
        public DateTimeOffset Start { get; set; }

        public int Count { get; set; }
    }
}
