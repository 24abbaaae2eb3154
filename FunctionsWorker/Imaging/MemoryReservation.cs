namespace FunctionsWorker.Imaging;

/// <summary>Bytes held in the <see cref="MemoryBudget"/> until disposed (disposing twice releases once).</summary>
public sealed class MemoryReservation : IDisposable
{
    private MemoryBudget? _budget;

    internal MemoryReservation(MemoryBudget budget, long bytes)
    {
        _budget = budget;
        Bytes = bytes;
    }

    /// <summary>The bytes this reservation holds.</summary>
    public long Bytes { get; }

    public void Dispose() => Interlocked.Exchange(ref _budget, null)?.Release(Bytes);
}
