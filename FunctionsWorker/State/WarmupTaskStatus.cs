namespace FunctionsWorker.State;

/// <summary>
/// Where one warm-up task stands, for health, readiness and status; <see cref="Error"/> is the last failure, kept while
/// a retry runs.
/// </summary>
public sealed record WarmupTaskStatus(string Name, string State, int Attempts, string? Error, DateTimeOffset? NextAttemptAt);
