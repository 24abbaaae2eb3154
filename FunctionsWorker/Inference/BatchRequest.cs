namespace FunctionsWorker.Inference;

/// <summary>One caller's run waiting in a <see cref="DynamicBatcher"/>: its inputs, where it sits, how it completes.</summary>
internal sealed class BatchRequest(
    IReadOnlyDictionary<string, TensorData> inputs, string key, int rows, long enqueued, CancellationToken cancellationToken)
{
    public IReadOnlyDictionary<string, TensorData> Inputs { get; } = inputs;

    /// <summary>Input names and shapes past the batch axis: only requests with equal keys are concatenated.</summary>
    public string Key { get; } = key;

    /// <summary>Its size along the batch axis.</summary>
    public int Rows { get; } = rows;

    /// <summary>Timestamp (of the batcher's <see cref="TimeProvider"/>) when it was queued.</summary>
    public long Enqueued { get; } = enqueued;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Its place in the queue; null once a batch took it or it was withdrawn. Guarded by the batcher's lock.</summary>
    public LinkedListNode<BatchRequest>? Node { get; set; }

    /// <summary>Cancelled when another caller's batch takes this request, so its caller stops waiting for a slot.</summary>
    public CancellationTokenSource StopWaitingForSlot { get; } = new();

    public TaskCompletionSource<IReadOnlyDictionary<string, TensorData>> Completion { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
