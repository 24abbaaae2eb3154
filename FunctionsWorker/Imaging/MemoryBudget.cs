namespace FunctionsWorker.Imaging;

/// <summary>
/// The process-wide budget of bytes that decoded images and their working buffers may hold at once
/// (<c>Imaging:MemoryBudgetBytes</c>). A decode reserves what its header says it will need before any pixel is
/// allocated, so a burst of large inputs waits its turn instead of exhausting the node. Waiters are admitted strictly
/// first in, first out; a request larger than the whole budget is admitted alone, when nothing else is held, so it is
/// slow but never deadlocked.
/// </summary>
public sealed class MemoryBudget
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _queue = new();
    private long _reserved;

    public MemoryBudget(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        CapacityBytes = capacityBytes;
    }

    /// <summary>The budget, in bytes.</summary>
    public long CapacityBytes { get; }

    /// <summary>Bytes held by reservations now (may exceed the budget only while one oversized request runs alone).</summary>
    public long ReservedBytes
    {
        get
        {
            lock (_lock)
            {
                return _reserved;
            }
        }
    }

    /// <summary>Requests waiting for memory now.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="bytes"/> fit (after every earlier request) and holds them until the returned
    /// reservation is disposed. A cancelled wait holds nothing.
    /// </summary>
    public Task<MemoryReservation> ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_lock)
        {
            if (_queue.Count == 0 && Fits(bytes))
            {
                _reserved += bytes;
                return Task.FromResult(new MemoryReservation(this, bytes));
            }

            waiter = new Waiter(this, bytes, cancellationToken);
            waiter.Node = _queue.AddLast(waiter);
        }

        // Registered outside the lock: a token cancelled meanwhile runs Cancel at once, which takes the lock.
        var registration = cancellationToken.Register(static state => ((Waiter)state!).Cancel(), waiter);
        lock (_lock)
        {
            if (waiter.Node is not null)
            {
                waiter.Registration = registration;
                return waiter.Completion.Task;
            }
        }

        // Admitted or cancelled before the registration was stored.
        registration.Unregister();
        return waiter.Completion.Task;
    }

    internal void Release(long bytes)
    {
        List<Waiter> admitted;
        lock (_lock)
        {
            _reserved -= bytes;
            admitted = AdmitLocked();
        }

        Complete(admitted);
    }

    private void Cancel(Waiter waiter)
    {
        List<Waiter> admitted;
        lock (_lock)
        {
            if (waiter.Node?.List is null)
            {
                // Already admitted: the caller owns the reservation and disposes it.
                return;
            }

            _queue.Remove(waiter.Node);
            waiter.Node = null;
            // A cancelled head may have been the only thing holding back smaller requests behind it.
            admitted = AdmitLocked();
        }

        waiter.Completion.TrySetCanceled(waiter.Token);
        Complete(admitted);
    }

    private bool Fits(long bytes) => _reserved == 0 || bytes <= CapacityBytes - _reserved;

    private List<Waiter> AdmitLocked()
    {
        var admitted = new List<Waiter>();
        while (_queue.First is { } head && Fits(head.Value.Bytes))
        {
            _queue.RemoveFirst();
            head.Value.Node = null;
            _reserved += head.Value.Bytes;
            admitted.Add(head.Value);
        }

        return admitted;
    }

    // Completed outside the lock: continuations run asynchronously anyway, and unregistering must not wait on it.
    private void Complete(List<Waiter> admitted)
    {
        foreach (var waiter in admitted)
        {
            waiter.Registration.Unregister();
            waiter.Completion.TrySetResult(new MemoryReservation(this, waiter.Bytes));
        }
    }

    private sealed class Waiter(MemoryBudget budget, long bytes, CancellationToken token)
    {
        public long Bytes { get; } = bytes;

        public CancellationToken Token { get; } = token;

        public TaskCompletionSource<MemoryReservation> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public void Cancel() => budget.Cancel(this);
    }
}
