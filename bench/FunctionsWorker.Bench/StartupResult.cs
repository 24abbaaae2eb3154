namespace FunctionsWorker.Bench;

/// <summary>Process start to the first 200 from <c>/api/health</c>, for one worker configuration, in milliseconds.</summary>
internal sealed record StartupResult(string Configuration, IReadOnlyList<double> RunsMs, double MedianMs, double MinMs, double MaxMs);
