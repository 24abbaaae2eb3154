namespace FunctionsWorker.Bench;

/// <summary>
/// Section 2: jobs/second through Azurite and the in-process worker, and its ratio to the pipeline alone over the same
/// job list (below 1: what the queue path costs; above 1: jobs overlapping on the cores pay for it), and jobs/second
/// against the number of jobs the worker runs at once.
/// </summary>
internal sealed record QueueReport(
    int Jobs,
    int Runs,
    int BatchSize,
    double MaxPollingIntervalMs,
    string Device,
    IReadOnlyList<QueueRunResult> Results,
    double MedianJobsPerSecond,
    double InProcessJobsPerSecond,
    double Ratio,
    IReadOnlyList<ConcurrencyResult> Concurrency);
