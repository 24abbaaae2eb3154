using FunctionsWorker.Inference;

namespace FunctionsWorker.Triggers.Queue;

/// <summary>
/// Learns how many jobs this worker should run at once from what each slot adds to throughput, not from how long jobs
/// take (a job's duration says as much about its kind as about crowding). It climbs one slot at a time while the
/// worker is saturated and each new slot adds at least half of what an average slot brings; it steps back when a new
/// slot adds less, descends while removing a slot costs less than that, and probes one slot either way every few
/// windows. A throughput fall of a quarter (slower jobs arrived) halves the limit as soon as a few jobs show it, and
/// the descent goes on by halving while the slots taken away did nothing; model runners with callers queued (<see cref="IInferenceLoad"/>), a starving thread pool and
/// <c>maximumFunctionConcurrency</c> stop any rise. The queue trigger holds at most <see cref="Capacity"/> messages
/// and starts at most <see cref="Limit"/> of them, so other replicas get the rest of the backlog.
/// </summary>
public sealed class ConcurrencyController(int maximum, TimeProvider time, IInferenceLoad? inference = null)
{
    /// <summary>Messages held beyond the running ones, so the next job is in memory when a slot frees.</summary>
    public const int Prefetch = 1;

    private static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(2);

    // An idle worker's window is dropped after this; a saturated one waits for its completions.
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(10);
    private const int MinCompletions = 6;

    // A window counts this many completions per slot, so its throughput is not one job's luck: one slot's share of
    // the throughput shrinks as slots grow, and so must the noise.
    private const int CompletionsPerSlot = 4;

    // A slot is worth keeping when it adds at least this share of an average slot's throughput.
    private const double Keep = 0.5;

    // At an unchanged level, throughput below this share of the last window's means the jobs got slower.
    private const double Slower = 0.75;

    // A probe up starts only from a window at least this close to the last one: not while the mix is changing.
    private const double Stable = 0.9;

    // Windows at one level before probing a neighbour.
    private const int HoldWindows = 3;

    // Saturated: on average at least this share of the limit was running (the backlog kept every slot busy).
    private const double Busy = 0.75;

    private readonly object _gate = new();
    private DateTimeOffset _windowStart = time.GetUtcNow();
    private DateTimeOffset _settledAt = time.GetUtcNow();
    private DateTimeOffset _runningSince = time.GetUtcNow();
    private int _running;
    private double _runningArea;
    private int _completions;
    private double _durationSum;
    private int _samples;
    private int _runnersFull;
    private Sample? _last;
    private int _held;
    private bool _probeUp;
    private bool _descend;
    private bool _halving;

    public int Limit { get; private set; } = 1;

    /// <summary>How many messages the trigger may hold now: the limit plus the prefetch.</summary>
    public int Capacity => Limit + Prefetch;

    /// <param name="running">Jobs running now, this one included.</param>
    public void JobStarted(int running)
    {
        lock (_gate)
        {
            Integrate();
            _running = running;
        }
    }

    public void JobCompleted(TimeSpan duration)
    {
        lock (_gate)
        {
            Integrate();
            _running = Math.Max(0, _running - 1);
            _completions++;
            _durationSum += duration.TotalMilliseconds;
        }
    }

    /// <summary>Closes the measuring window when it is long enough and moves the limit; <paramref name="throttled"/>: the thread pool is starving.</summary>
    public void Adjust(bool throttled)
    {
        lock (_gate)
        {
            _samples++;
            _runnersFull += inference?.Saturated == true ? 1 : 0;
            var now = time.GetUtcNow();
            Integrate();
            if (!throttled && (now < _settledAt || _running > Limit))
            {
                // Still moving to the new level (jobs above a lowered limit finishing, a new slot's first job running):
                // counting this time would credit one level with the other's completions.
                Restart(now);
                return;
            }

            var elapsed = now - _windowStart;
            if (elapsed < MinWindow)
            {
                return;
            }

            var meanRunning = _runningArea / elapsed.TotalMilliseconds;
            var saturated = meanRunning >= Limit * Busy;
            // Throughput by Little's law (jobs running over their mean time in the worker), not completions over the
            // window: a count is off by up to one job per slot at each end of the window, which at eight slots is as
            // large as one slot's share, the very thing a comparison weighs.
            var throughput = _completions == 0 ? 0 : meanRunning / (_durationSum / _completions / 1000);
            var longEnough = _completions >= Math.Max(MinCompletions, CompletionsPerSlot * Limit);
            // A fall this large at the same level or above needs no long window to be seen: slower jobs held at a fast
            // kind's level would otherwise keep every slot for CompletionsPerSlot of their own durations before the
            // descent even starts. (A step down is expected to lose a slot's share.)
            var dropped = saturated && _completions >= MinCompletions && _last is { } last && Limit >= last.Level
                && throughput < last.Throughput * Slower;
            if (!throttled && !longEnough && !dropped && (saturated || elapsed < IdleWindow))
            {
                return;
            }

            var level = Limit;
            Decide(new Window(throughput, saturated && (longEnough || dropped), dropped, _runnersFull * 2 > _samples), throttled);
            if (Limit != level && _completions > 0)
            {
                _settledAt = now + TimeSpan.FromMilliseconds(_durationSum / _completions);
            }

            Restart(now);
        }
    }

    private void Restart(DateTimeOffset now)
    {
        _windowStart = now;
        _runningArea = 0;
        _completions = 0;
        _durationSum = 0;
        _samples = 0;
        _runnersFull = 0;
    }

    private void Decide(Window window, bool throttled)
    {
        if (throttled || !window.Saturated)
        {
            // A starving pool sheds a slot; a worker below its limit teaches nothing about the limit. Either way the
            // last measurement is no base for the next comparison.
            Limit = throttled ? Math.Max(1, Limit - 1) : Limit;
            _last = null;
            _held = 0;
            return;
        }

        if (window.Dropped && Limit > 1)
        {
            // Slower jobs arrived (or a step up thrashed): the level that suited the last window may be far above what
            // these can use. Halve now; the first window at the new level is the base the descent goes on from.
            _last = null;
            _held = 0;
            _descend = true;
            Halve();
            return;
        }

        var current = new Sample(Limit, window.Throughput);
        if (_last is not { } last)
        {
            // A first measurement at this level: climb from it, or go on down after slower jobs arrived.
            _last = current;
            if (!_descend)
            {
                Rise(window);
            }
            else
            {
                _halving = true;
                Halve();
            }

            _descend = false;
            return;
        }

        if (last.Level == Limit)
        {
            AtSameLevel(last, current, window);
            return;
        }

        // One level against its neighbour, measured back to back: what did the slots between them add, per slot?
        var (lower, upper) = last.Level < Limit ? (last, current) : (current, last);
        var perSlotAdded = (upper.Throughput - lower.Throughput) / (upper.Level - lower.Level);
        var useful = perSlotAdded >= Keep * lower.Throughput / lower.Level;
        var wentUp = last.Level < Limit;
        if (wentUp != useful)
        {
            // A slot added nothing (or the slot taken away was working): back to the other level, then hold there.
            _last = last;
            Limit = last.Level;
            _held = 0;
            _probeUp = !wentUp;
            _halving = false;
            return;
        }

        _last = current;
        if (wentUp)
        {
            Rise(window);
        }
        else if (_halving)
        {
            Halve();
        }
        else
        {
            Limit = Math.Max(1, Limit - 1);
        }
    }

    /// <summary>
    /// After slower jobs arrived the descent halves: far above what they can use, one slot is too little to measure
    /// (its share of the throughput drowns in the noise), while half the slots doing nothing is plain; a halving that
    /// went too far is undone by the next comparison.
    /// </summary>
    private void Halve() => Limit = (Limit + 1) / 2;

    /// <summary>A window at the level of the last one: probe a neighbour every few windows.</summary>
    private void AtSameLevel(Sample last, Sample current, Window window)
    {
        _last = current;

        if (++_held < HoldWindows || current.Throughput < last.Throughput * Stable)
        {
            return;
        }

        _held = 0;
        var up = _probeUp && CanRise(window);
        _probeUp = !_probeUp;
        if (up)
        {
            Limit++;
        }
        else if (Limit > 1)
        {
            Limit--;
        }
        else
        {
            Rise(window);
        }
    }

    private void Rise(Window window)
    {
        if (CanRise(window))
        {
            Limit++;
        }
    }

    /// <summary>No rise past the maximum, nor while the model runners already have callers queued: a new job would only queue too.</summary>
    private bool CanRise(Window window) => Limit < maximum && !window.RunnersFull;

    private void Integrate()
    {
        var now = time.GetUtcNow();
        _runningArea += _running * (now - _runningSince).TotalMilliseconds;
        _runningSince = now;
    }

    private readonly record struct Window(double Throughput, bool Saturated, bool Dropped, bool RunnersFull);

    private readonly record struct Sample(int Level, double Throughput);
}
