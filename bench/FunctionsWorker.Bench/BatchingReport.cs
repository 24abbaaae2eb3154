namespace FunctionsWorker.Bench;

/// <summary>
/// Section 4: OCR throughput against jobs at once with dynamic batching off and on (<see cref="Points"/>), the
/// on side's runs by requests merged at the most jobs at once, and each OCR model's cost per row by batch size.
/// </summary>
internal sealed record BatchingReport(
    int Rounds, IReadOnlyList<BatchingPoint> Points, IReadOnlyDictionary<string, Dictionary<int, long>> BatchSizes,
    IReadOnlyList<BatchScalingPoint> Scaling);
