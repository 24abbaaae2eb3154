namespace FunctionsWorker.Bench;

/// <summary>One image set through the batching comparison: throughput by jobs at once, and the on side's merges at the most.</summary>
internal sealed record BatchingWorkload(
    string Name, string Images, IReadOnlyList<BatchingPoint> Points, IReadOnlyDictionary<string, Dictionary<int, long>> BatchSizes);
