namespace FunctionsWorker.Bench;

/// <summary>One side of the batching comparison: round times, throughput, and per model the runs by requests merged.</summary>
internal sealed record BatchingResult(
    bool Batching, double MedianRoundMs, IReadOnlyList<double> RoundsMs, double JobsPerSecond,
    IReadOnlyDictionary<string, Dictionary<int, long>> BatchSizes);
