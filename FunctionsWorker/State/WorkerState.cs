using System.Collections.Concurrent;
namespace FunctionsWorker.State;

/// <summary>
/// The worker's live state, shared by its loops and read by the HTTP triggers: warm-up, storage reachability,
/// listener, in-flight jobs, counts, recent errors and loop heartbeats.
/// </summary>
public sealed class WorkerState(TimeProvider time)
{
    private const int MaxRecentErrors = 10;

    private readonly ConcurrentDictionary<string, WarmupTaskStatus> _warmup = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _heartbeats = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecentError> _recentErrors = new();
    private readonly ConcurrentDictionary<string, long> _outcomes = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _warm = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string WorkerId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>The worker's informational version, without the source revision.</summary>
    public static string Version { get; } =
        System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(typeof(WorkerState).Assembly)?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public bool WarmupComplete => _warm.Task.IsCompleted;

    /// <summary>Completes when every warm-up task has succeeded; the listener awaits it before fetching.</summary>
    public Task WhenWarmAsync(CancellationToken cancellationToken) => _warm.Task.WaitAsync(cancellationToken);

    public bool StorageReachable { get; private set; }

    public string? StorageError { get; private set; }

    public bool ListenerRunning { get; private set; }

    /// <summary>Set while the circuit breaker holds fetching after repeated worker faults.</summary>
    public DateTimeOffset? CircuitOpenUntil { get; private set; }

    /// <summary>The jobs running in this process.</summary>
    public InFlightJobs Jobs { get; } = new();

    public int InFlight => Jobs.Count;

    public IReadOnlyCollection<WarmupTaskStatus> Warmup => _warmup.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray();

    /// <summary>Jobs by the state their attempt ended in (Succeeded, Retrying, Released, Poisoned).</summary>
    public IReadOnlyDictionary<string, long> Outcomes => _outcomes.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public IReadOnlyCollection<RecentError> RecentErrors => _recentErrors.ToArray();

    public IReadOnlyDictionary<string, DateTimeOffset> Heartbeats => _heartbeats.ToDictionary(p => p.Key, p => p.Value);

    /// <summary>How many jobs the queue trigger lets run at once now (its dynamic concurrency, or its static batch).</summary>
    public int Concurrency { get; private set; }

    /// <summary>Set once shutdown begins: no more fetching, in-flight jobs finish or are released.</summary>
    public bool Draining { get; private set; }

    /// <summary>Completes at the next change of warm-up, listener, circuit or draining: the fleet heartbeat writes then.</summary>
    public Task Changed
    {
        get { lock (_gate) { return _changed.Task; } }
    }

    public void SetWarmup(WarmupTaskStatus status) => _warmup[status.Name] = status;

    public void MarkWarm()
    {
        _warm.TrySetResult();
        Signal();
    }

    public void SetConcurrency(int concurrency) => Concurrency = concurrency;

    public void SetDraining()
    {
        Draining = true;
        Signal();
    }

    public void SetStorage(bool reachable, string? error)
    {
        StorageReachable = reachable;
        StorageError = error;
    }

    public void SetListenerRunning(bool running)
    {
        var changed = ListenerRunning != running;
        ListenerRunning = running;
        if (changed)
        {
            Signal();
        }
    }

    public void SetCircuitOpenUntil(DateTimeOffset? until)
    {
        var changed = CircuitOpenUntil != until;
        CircuitOpenUntil = until;
        if (changed)
        {
            Signal();
        }
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public void Beat(string loop) => _heartbeats[loop] = time.GetUtcNow();

    public void CountOutcome(string state) => _outcomes.AddOrUpdate(state, 1, (_, count) => count + 1);

    public void RecordError(string source, string errorType, string message)
    {
        _recentErrors.Enqueue(new RecentError(time.GetUtcNow(), source, errorType, message));
        while (_recentErrors.Count > MaxRecentErrors && _recentErrors.TryDequeue(out _))
        {
        }
    }
}
