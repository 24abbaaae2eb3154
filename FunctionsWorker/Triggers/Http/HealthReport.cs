using FunctionsWorker.State;



namespace FunctionsWorker.Triggers.Http;

/// <summary>The body of <c>GET /api/health</c>.</summary>
public sealed record HealthReport(
    string Status,
    string WorkerId,
    long UptimeMs,
    bool Ready,
    IReadOnlyCollection<WarmupTaskStatus> Warmup,
    string? StorageError,
    IReadOnlyList<string> StuckLoops);
