namespace FunctionsWorker.Health;

/// <summary>Where one warm-up task stands, for health, readiness and status.</summary>
public sealed record WarmupTaskStatus(string Name, string State, int Attempts, string? Error, DateTimeOffset? NextAttemptAt);
