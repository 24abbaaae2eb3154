using System.Globalization;

namespace FunctionsWorker.Chaos;

/// <summary>Percentiles of a set of latencies in milliseconds.</summary>
internal sealed class LatencyStats(IEnumerable<double> milliseconds)
{
    private readonly double[] _sorted = [.. milliseconds.Order()];

    public int Count => _sorted.Length;

    public double Percentile(double p) => _sorted.Length == 0 ? double.NaN : _sorted[Math.Min(_sorted.Length - 1, (int)Math.Ceiling(p / 100 * _sorted.Length) - 1 is var i && i < 0 ? 0 : (int)Math.Ceiling(p / 100 * _sorted.Length) - 1)];

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Count} | {Percentile(50):F1} | {Percentile(99):F1} | {Max:F1}");
}
