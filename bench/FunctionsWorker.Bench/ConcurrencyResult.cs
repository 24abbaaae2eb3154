namespace FunctionsWorker.Bench;

/// <summary>One batch through the queue with the worker limited to <see cref="JobsAtOnce"/> concurrent jobs.</summary>
internal sealed record ConcurrencyResult(int JobsAtOnce, int Jobs, double Seconds, double JobsPerSecond, double MedianJobDurationMs);
