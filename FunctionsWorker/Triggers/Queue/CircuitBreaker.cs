namespace FunctionsWorker.Triggers.Queue;

/// <summary>
/// Counts consecutive worker faults; at the threshold it opens for a while so a broken worker stops taking jobs
/// that other workers could run, instead of burning their dequeue counts.
/// </summary>
public sealed class CircuitBreaker(int threshold, TimeSpan breakDuration, TimeProvider time)
{
    private readonly object _gate = new();
    private int _consecutiveFaults;
    private DateTimeOffset? _openUntil;

    public DateTimeOffset? OpenUntil
    {
        get
        {
            lock (_gate)
            {
                if (_openUntil is { } until && time.GetUtcNow() >= until)
                {
                    _openUntil = null;
                }

                return _openUntil;
            }
        }
    }

    public void RecordSuccess()
    {
        lock (_gate)
        {
            _consecutiveFaults = 0;
        }
    }

    /// <summary>Returns true when this fault opened the circuit.</summary>
    public bool RecordFault()
    {
        lock (_gate)
        {
            if (++_consecutiveFaults < threshold)
            {
                return false;
            }

            _consecutiveFaults = 0;
            _openUntil = time.GetUtcNow() + breakDuration;
            return true;
        }
    }
}
