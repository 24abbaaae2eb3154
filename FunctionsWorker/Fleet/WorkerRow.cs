namespace FunctionsWorker.Fleet;

/// <summary>
/// One worker process in table <c>workers</c>, as its heartbeat last wrote it; <see cref="Stale"/> is decided on read:
/// silent for more than three of its own heartbeat intervals (and not stopped cleanly).
/// </summary>
public sealed record WorkerRow
{
    public required string WorkerId { get; init; }

    public string? Host { get; init; }

    public string? Version { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? LastBeatAt { get; init; }

    /// <summary><c>starting</c>, <c>warming</c>, <c>ready</c>, <c>draining</c>, <c>circuit-open</c> or <c>stopped</c>.</summary>
    public required string State { get; init; }

    public int InFlight { get; init; }

    public int Concurrency { get; init; }

    public long Processed { get; init; }

    public long Failed { get; init; }

    public string? Device { get; init; }

    public IReadOnlyList<WorkerModel> Models { get; init; } = [];

    public long HeartbeatIntervalMs { get; init; }

    public bool Stale { get; init; }
}
