namespace FunctionsWorker.Bench;

/// <summary>Per-image latency of the whole pipeline call over the measured runs, nearest-rank percentiles (ms).</summary>
internal sealed record LatencyPercentiles(double P50, double P90, double P99)
{
    public static LatencyPercentiles Of(IReadOnlyCollection<double> values) => new(
        Statistics.Percentile(values, 50), Statistics.Percentile(values, 90), Statistics.Percentile(values, 99));
}
