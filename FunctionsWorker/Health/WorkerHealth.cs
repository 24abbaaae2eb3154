using Microsoft.Extensions.Options;
using FunctionsWorker.Configuration;

namespace FunctionsWorker.Health;

/// <summary>Liveness and readiness, decided from <see cref="WorkerState"/>.</summary>
public sealed class WorkerHealth(WorkerState state, IOptions<WorkerOptions> options, TimeProvider time)
{
    // Loops beat at least every heartbeatInterval; one storage call with the SDK's retries can take a while longer.
    private static readonly TimeSpan MinStuckThreshold = TimeSpan.FromMinutes(2);

    public TimeSpan StuckThreshold => options.Value.HeartbeatInterval * 3 > MinStuckThreshold ? options.Value.HeartbeatInterval * 3 : MinStuckThreshold;

    /// <summary>Loops whose last beat is older than <see cref="StuckThreshold"/>: the only reason for a 503 on health.</summary>
    public IReadOnlyList<string> StuckLoops()
    {
        var now = time.GetUtcNow();
        return state.Heartbeats.Where(beat => now - beat.Value > StuckThreshold).Select(beat => beat.Key).ToArray();
    }

    /// <summary>What keeps the worker from taking jobs; empty when ready. <paramref name="stuckLoops"/> when the caller has them already.</summary>
    public IReadOnlyList<string> NotReadyReasons(IReadOnlyList<string>? stuckLoops = null)
    {
        var reasons = new List<string>();
        foreach (var task in state.Warmup.Where(t => t.State != "Ready"))
        {
            reasons.Add(task.Error is null ? $"warm-up '{task.Name}' is {task.State}" : $"warm-up '{task.Name}' failed: {task.Error}");
        }

        if (!state.WarmupComplete && reasons.Count == 0)
        {
            reasons.Add("warm-up has not finished");
        }

        if (!state.StorageReachable)
        {
            reasons.Add(state.StorageError is null ? "storage not yet reached" : $"storage unreachable: {state.StorageError}");
        }

        if (!state.ListenerRunning)
        {
            reasons.Add("queue listener not running");
        }

        if (state.CircuitOpenUntil is { } until && until > time.GetUtcNow())
        {
            reasons.Add($"circuit open after repeated worker faults until {until:O}");
        }

        reasons.AddRange((stuckLoops ?? StuckLoops()).Select(loop => $"loop '{loop}' is not responding"));
        return reasons;
    }

    /// <summary><c>healthy</c>, or <c>degraded</c> when something failed that the worker keeps retrying.</summary>
    public string Status => state.Warmup.Any(t => t.State == "Failed") || (state.StorageError is not null && !state.StorageReachable) ? "degraded" : "healthy";
}
