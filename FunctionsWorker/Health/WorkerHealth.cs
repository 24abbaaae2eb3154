using Microsoft.Extensions.Options;
using FunctionsWorker.Configuration;
using FunctionsWorker.State;

namespace FunctionsWorker.Health;

/// <summary>Liveness and readiness, decided from <see cref="WorkerState"/>.</summary>
public sealed class WorkerHealth(WorkerState state, IOptions<WorkerOptions> options, TimeProvider time)
{
    // Loops beat at least every heartbeatInterval; one storage call with the SDK's retries can take a while longer,
    // hence a floor (worker.stuckLoopThreshold, 2 minutes) under three missed beats.
    public TimeSpan StuckThreshold => options.Value.HeartbeatInterval * 3 > options.Value.StuckLoopThreshold
        ? options.Value.HeartbeatInterval * 3
        : options.Value.StuckLoopThreshold;

    /// <summary>
    /// The worker's phase for the fleet view: <c>warming</c> until warm-up is done, <c>starting</c> while warm but not yet
    /// taking jobs (storage, listener), <c>ready</c>, <c>circuit-open</c>, <c>draining</c> once shutdown began.
    /// </summary>
    public string Phase() =>
        state.Draining ? "draining"
        : state.CircuitOpenUntil is { } until && until > time.GetUtcNow() ? "circuit-open"
        : !state.WarmupComplete ? "warming"
        : NotReadyReasons().Count == 0 ? "ready"
        : "starting";

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
            reasons.Add(
                task.Error is null ? $"warm-up '{task.Name}' is {task.State}"
                : task.State == "Failed" ? $"warm-up '{task.Name}' failed: {task.Error}"
                : $"warm-up '{task.Name}' is {task.State} (attempt {task.Attempts}) after it failed: {task.Error}");
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
    public string Status => state.Warmup.Any(t => t.State == "Failed" || t.Error is not null) || (state.StorageError is not null && !state.StorageReachable) ? "degraded" : "healthy";
}
