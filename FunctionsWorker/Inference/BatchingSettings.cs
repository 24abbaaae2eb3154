namespace FunctionsWorker.Inference;

/// <summary>How a model's runner merges concurrent requests (from <see cref="ModelOptions"/>); 1 as the size turns it off.</summary>
/// <param name="MaxBatchSize">The most rows (along the batch axis) one merged run may carry.</param>
/// <param name="MaxQueueDelay">How long the oldest queued request may wait for others once a device slot is free.</param>
/// <param name="PreferredBatchSizes">Row counts at which a batch runs at once, without waiting out the delay.</param>
public sealed record BatchingSettings(int MaxBatchSize, TimeSpan MaxQueueDelay, IReadOnlySet<int> PreferredBatchSizes)
{
    public static BatchingSettings Off { get; } = new(1, TimeSpan.Zero, new HashSet<int>());
}
