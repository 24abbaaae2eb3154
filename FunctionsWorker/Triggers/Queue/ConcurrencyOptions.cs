namespace FunctionsWorker.Triggers.Queue;

/// <summary>
/// host.json <c>concurrency</c>, with Functions' names and meaning. Dynamic concurrency is on by default here (off in
/// Functions): a GPU replica that fetches a fixed batch holds messages its single model runner cannot start, while
/// the replicas KEDA adds for that very backlog sit idle. <c>dynamicConcurrencyEnabled: false</c> gives the static
/// <c>batchSize</c>/<c>newBatchThreshold</c> semantics exactly.
/// </summary>
public sealed class ConcurrencyOptions
{
    public const string SectionName = "AzureFunctionsJobHost:concurrency";

    public bool DynamicConcurrencyEnabled { get; set; } = true;

    /// <summary>Upper bound of the learned concurrency (Functions' default, 500).</summary>
    public int MaximumFunctionConcurrency { get; set; } = 500;

    /// <summary>
    /// Accepted for compatibility; snapshots are not persisted. A replica learns its level within seconds from its own
    /// throughput, and a level learned on one node would be wrong on a node with another GPU.
    /// </summary>
    public bool SnapshotPersistenceEnabled { get; set; }
}
