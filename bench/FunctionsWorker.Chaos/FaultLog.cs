using System.Diagnostics;

namespace FunctionsWorker.Chaos;

/// <summary>Every fault the harness injected, with its time since the start of the run, and counts by kind.</summary>
internal sealed class FaultLog
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(TimeSpan At, string Kind, string Detail)> _entries = [];
    private readonly SortedDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Add(string kind, string detail)
    {
        lock (_entries)
        {
            _entries.Add((_clock.Elapsed, kind, detail));
            _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
        }

        Console.WriteLine($"  [{_clock.Elapsed:mm\\:ss}] {kind}: {detail}");
    }

    public IReadOnlyDictionary<string, int> Counts
    {
        get
        {
            lock (_entries)
            {
                return new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);
            }
        }
    }

    public IReadOnlyList<(TimeSpan At, string Kind, string Detail)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }
}
