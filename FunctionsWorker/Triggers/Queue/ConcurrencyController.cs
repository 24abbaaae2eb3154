namespace FunctionsWorker.Triggers.Queue;

/// <summary>
/// Learns how many jobs this worker should run at once, as Functions' dynamic concurrency does, made aware of what a
/// GPU worker can actually start: it starts at one, adds one while the worker is saturated and each step still raises
/// throughput, steps back when a step only lengthened jobs (a model runner that is already full) or when the thread
/// pool is starving, and never exceeds <c>maximumFunctionConcurrency</c>. The queue trigger holds at most
/// <see cref="Limit"/> plus <see cref="Prefetch"/> messages, so other replicas get the rest of the backlog.
/// </summary>
public sealed class ConcurrencyController(int maximum, TimeProvider time)
{
    /// <summary>Messages held beyond the running ones, so the next job is in memory when a slot frees.</summary>
    public const int Prefetch = 1;

    private static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxWindow = TimeSpan.FromSeconds(10);
    private const int MinCompletions = 3;

    // A step up must bring this much more throughput to be kept; a step that lengthens jobs this much is undone.
    private const double Gain = 1.1;
    private const double Slowdown = 1.3;

    // After a step was undone, wait this many windows before trying the same level again.
    private const int Cooldown = 5;

    private readonly object _gate = new();
    private DateTimeOffset _windowStart = time.GetUtcNow();
    private int _completions;
    private double _durationSum;
    private int _peakInFlight;
    private Window? _previous;
    private bool _steppedUp;
    private int _cooldown;

    public int Limit { get; private set; } = 1;

    /// <summary>How many messages the trigger may hold now: the limit plus the prefetch.</summary>
    public int Capacity => Limit + Prefetch;

    public void JobStarted(int inFlight)
    {
        lock (_gate)
        {
            _peakInFlight = Math.Max(_peakInFlight, inFlight);
        }
    }

    public void JobCompleted(TimeSpan duration)
    {
        lock (_gate)
        {
            _completions++;
            _durationSum += duration.TotalMilliseconds;
        }
    }

    /// <summary>Closes the measuring window when it is long enough and moves the limit; <paramref name="throttled"/>: the thread pool is starving.</summary>
    public void Adjust(bool throttled)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var elapsed = now - _windowStart;
            if (elapsed < MinWindow || (_completions < MinCompletions && elapsed < MaxWindow))
            {
                return;
            }

            var window = new Window(_completions / elapsed.TotalSeconds, _completions == 0 ? 0 : _durationSum / _completions, _peakInFlight >= Limit);
            Decide(window, throttled);
            _previous = window;
            _windowStart = now;
            _completions = 0;
            _durationSum = 0;
            _peakInFlight = 0;
        }
    }

    private void Decide(Window window, bool throttled)
    {
        if (_cooldown > 0)
        {
            _cooldown--;
        }

        if (throttled)
        {
            Limit = Math.Max(1, Limit - 1);
            _steppedUp = false;
            return;
        }

        if (_steppedUp && _previous is { } before && window.Throughput < before.Throughput * Gain && window.MeanMs > before.MeanMs * Slowdown)
        {
            // The last step only made jobs wait longer: the worker was already at what it can start.
            Limit = Math.Max(1, Limit - 1);
            _steppedUp = false;
            _cooldown = Cooldown;
            return;
        }

        _steppedUp = false;
        if (window.Saturated && _cooldown == 0 && Limit < maximum)
        {
            Limit++;
            _steppedUp = true;
        }
    }

    private readonly record struct Window(double Throughput, double MeanMs, bool Saturated);
}
