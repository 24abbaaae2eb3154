namespace FunctionsWorker.Bench;

/// <summary>OCR throughput at <see cref="JobsAtOnce"/> jobs started together, batching off and on, rounds alternating.</summary>
internal sealed record BatchingPoint(
    int JobsAtOnce, double OffMedianRoundMs, double OnMedianRoundMs, double OffJobsPerSecond, double OnJobsPerSecond, double Ratio,
    IReadOnlyList<double> OffRoundsMs, IReadOnlyList<double> OnRoundsMs);
