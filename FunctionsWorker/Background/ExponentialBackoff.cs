namespace FunctionsWorker.Background;

/// <summary>
/// Doubling delays from a minimum up to a maximum with ±20% jitter, as the WebJobs queue listener backs off
/// empty polls; <see cref="Reset"/> after a success starts again from the minimum.
/// </summary>
public sealed class ExponentialBackoff(TimeSpan minimum, TimeSpan maximum, Random? random = null)
{
    private const double Jitter = 0.2;

    private readonly Random _random = random ?? Random.Shared;
    private TimeSpan _current = TimeSpan.Zero;

    public TimeSpan Minimum { get; } = minimum;

    public TimeSpan Maximum { get; } = maximum;

    /// <summary>The next delay: the minimum first, then doubled each call, capped, each jittered by ±20%.</summary>
    public TimeSpan Next()
    {
        _current = _current == TimeSpan.Zero ? Minimum : TimeSpan.FromTicks(Math.Min(_current.Ticks * 2, Maximum.Ticks));
        var factor = 1 + ((_random.NextDouble() * 2) - 1) * Jitter;
        var jittered = TimeSpan.FromTicks((long)(_current.Ticks * factor));
        return jittered > Maximum ? Maximum : jittered;
    }

    public void Reset() => _current = TimeSpan.Zero;
}
