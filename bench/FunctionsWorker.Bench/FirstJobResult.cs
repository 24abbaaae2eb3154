namespace FunctionsWorker.Bench;

/// <summary>
/// One image's first job on a freshly warmed composition against the median of the runs that follow it (ms);
/// <see cref="Ratio"/> is first / median, the goal is at most 1.5.
/// </summary>
internal sealed record FirstJobResult(string Image, double WarmupMs, double FirstMs, double MedianAfterMs, double Ratio, IReadOnlyList<double> AfterMs);
