using System.Text;
using FunctionsWorker.Errors;

namespace FunctionsWorker.Inference;

/// <summary>
/// Triton-style dynamic batching for one model: requests whose inputs agree except along the batch axis (dim 0) are
/// concatenated, run once and split back. There is no dispatcher thread: each caller waits for a device slot, and the
/// one that gets it while its request is still queued leads a batch (its own request, then the oldest compatible ones)
/// after waiting at most <see cref="BatchingSettings.MaxQueueDelay"/> from the oldest one's arrival for the batch to fill.
/// </summary>
internal sealed class DynamicBatcher
{
    private readonly Func<IReadOnlyDictionary<string, TensorData>, CancellationToken, Task<IReadOnlyDictionary<string, TensorData>>> _run;
    private readonly SemaphoreSlim _slots;
    private readonly BatchingSettings _settings;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly LinkedList<BatchRequest> _queue = [];
    private readonly Dictionary<int, long> _batchSizes = [];

    /// <summary>Completed (and replaced) whenever a request is queued, so a leader waiting for its batch to fill re-checks.</summary>
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="run">Runs one (concatenated) input set; called while holding one of <paramref name="slots"/>.</param>
    public DynamicBatcher(
        Func<IReadOnlyDictionary<string, TensorData>, CancellationToken, Task<IReadOnlyDictionary<string, TensorData>>> run,
        SemaphoreSlim slots,
        BatchingSettings settings,
        TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxBatchSize, 2);
        _run = run;
        _slots = slots;
        _settings = settings;
        _time = time;
    }

    /// <summary>Runs so far by the number of requests they carried (1: ran alone).</summary>
    public IReadOnlyDictionary<int, long> BatchSizes
    {
        get
        {
            lock (_gate)
            {
                return new SortedDictionary<int, long>(_batchSizes);
            }
        }
    }

    public async Task<IReadOnlyDictionary<string, TensorData>> RunAsync(IReadOnlyDictionary<string, TensorData> inputs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Key(inputs) is not { } key || inputs.Values.First().Shape[0] >= _settings.MaxBatchSize)
        {
            // Nothing to merge it with: run it as the runner always did.
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                Record(1);
                return await _run(inputs, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }

        var request = new BatchRequest(inputs, key, inputs.Values.First().Shape[0], _time.GetTimestamp(), cancellationToken);
        lock (_gate)
        {
            request.Node = _queue.AddLast(request);
            _arrived.TrySetResult();
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // A request cancelled while queued leaves the queue; one already taken into a batch just stops waiting for it.
        using var dequeueOnCancel = cancellationToken.Register(() => Withdraw(request));
        var slot = _slots.WaitAsync(request.StopWaitingForSlot.Token);
        await Task.WhenAny(slot, request.Completion.Task).ConfigureAwait(false);

        // Taken into another leader's batch (or cancelled): stop queueing for a slot; one granted meanwhile is given back.
        await request.StopWaitingForSlot.CancelAsync().ConfigureAwait(false);
        var holding = false;
        try
        {
            await slot.ConfigureAwait(false);
            holding = true;
        }
        catch (OperationCanceledException)
        {
            // Expected: the slot was not needed.
        }

        if (holding)
        {
            try
            {
                if (TakeOwn(request))
                {
                    await RunBatchAsync(await FillAsync(request).ConfigureAwait(false)).ConfigureAwait(false);
                }
            }
            finally
            {
                _slots.Release();
            }
        }

        request.StopWaitingForSlot.Dispose();
        return await request.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The batching key (names and shapes past dim 0), or null when the inputs do not share one batch size.</summary>
    private static string? Key(IReadOnlyDictionary<string, TensorData> inputs)
    {
        var key = new StringBuilder();
        int? rows = null;
        foreach (var (name, tensor) in inputs.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (tensor.Shape.Length == 0 || (rows is { } r && r != tensor.Shape[0]))
            {
                return null;
            }

            rows = tensor.Shape[0];
            key.Append(name).Append(':').AppendJoin('x', tensor.Shape.Skip(1)).Append(';');
        }

        return rows is > 0 ? key.ToString() : null;
    }

    /// <summary>Takes the leader's own request off the queue; false when another leader took it or it was cancelled.</summary>
    private bool TakeOwn(BatchRequest leader)
    {
        lock (_gate)
        {
            if (leader.Node is null)
            {
                return false;
            }

            _queue.Remove(leader.Node);
            leader.Node = null;
            return true;
        }
    }

    /// <summary>Adds queued requests of the leader's shape until the batch is full, preferred, or the oldest waited long enough.</summary>
    private async Task<List<BatchRequest>> FillAsync(BatchRequest leader)
    {
        var batch = new List<BatchRequest> { leader };
        var rows = leader.Rows;
        var oldest = leader.Enqueued;
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                for (var node = _queue.First; node is not null;)
                {
                    var next = node.Next;
                    var candidate = node.Value;
                    if (candidate.Key == leader.Key && rows + candidate.Rows <= _settings.MaxBatchSize)
                    {
                        _queue.Remove(node);
                        candidate.Node = null;
                        candidate.StopWaitingForSlot.Cancel();
                        batch.Add(candidate);
                        rows += candidate.Rows;
                        oldest = Math.Min(oldest, candidate.Enqueued);
                    }

                    node = next;
                }

                arrived = _arrived.Task;
            }

            var waited = _time.GetElapsedTime(oldest);
            if (rows >= _settings.MaxBatchSize || _settings.PreferredBatchSizes.Contains(rows) || waited >= _settings.MaxQueueDelay)
            {
                return batch;
            }

            // Bounded by MaxQueueDelay (milliseconds), so no cancellation token: the wait ends for the batch, not a caller.
            await Task.WhenAny(arrived, Task.Delay(_settings.MaxQueueDelay - waited, _time)).ConfigureAwait(false);
        }
    }

    private async Task RunBatchAsync(List<BatchRequest> batch)
    {
        // Members cancelled while the batch formed are dropped before it runs.
        batch.RemoveAll(member => member.Completion.Task.IsCompleted);
        if (batch.Count == 0)
        {
            return;
        }

        // The run stops early only once every member has given up on it.
        using var allCancelled = new CancellationTokenSource();
        var remaining = batch.Count;
        var registrations = batch.Select(member => member.CancellationToken.Register(() =>
        {
            if (Interlocked.Decrement(ref remaining) == 0)
            {
                allCancelled.Cancel();
            }
        })).ToList();
        try
        {
            Record(batch.Count);
            var outputs = await _run(Concatenate(batch), allCancelled.Token).ConfigureAwait(false);
            Split(batch, outputs);
        }
        catch (OperationCanceledException ex)
        {
            foreach (var member in batch)
            {
                member.Completion.TrySetCanceled(ex.CancellationToken);
            }
        }
        catch (Exception ex)
        {
            // Every member fails with the batch's error; the callers record it through their own job.
            foreach (var member in batch)
            {
                member.Completion.TrySetException(ex);
            }
        }
        finally
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }

    private static Dictionary<string, TensorData> Concatenate(List<BatchRequest> batch)
    {
        if (batch.Count == 1)
        {
            return new Dictionary<string, TensorData>(batch[0].Inputs);
        }

        var rows = batch.Sum(member => member.Rows);
        var inputs = new Dictionary<string, TensorData>(batch[0].Inputs.Count);
        foreach (var (name, tensor) in batch[0].Inputs)
        {
            var shape = (int[])tensor.Shape.Clone();
            shape[0] = rows;
            var combined = TensorData.Create(shape);
            var offset = 0;
            foreach (var member in batch)
            {
                var data = member.Inputs[name].Data;
                data.CopyTo(combined.Data, offset);
                offset += data.Length;
            }

            inputs[name] = combined;
        }

        return inputs;
    }

    private static void Split(List<BatchRequest> batch, IReadOnlyDictionary<string, TensorData> outputs)
    {
        if (batch.Count == 1)
        {
            batch[0].Completion.TrySetResult(outputs);
            return;
        }

        var rows = batch.Sum(member => member.Rows);
        var results = batch.Select(_ => new Dictionary<string, TensorData>(outputs.Count)).ToList();
        foreach (var (name, tensor) in outputs)
        {
            if (tensor.Shape.Length == 0 || tensor.Shape[0] != rows)
            {
                throw new WorkerFaultException("inference-failed",
                    $"Output '{name}' of a batch of {rows} has shape [{string.Join(", ", tensor.Shape)}]: its first axis is not the batch axis.");
            }

            var perRow = tensor.Data.Length / rows;
            var offset = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                var shape = (int[])tensor.Shape.Clone();
                shape[0] = batch[i].Rows;
                results[i][name] = new TensorData(tensor.Data.AsSpan(offset, perRow * batch[i].Rows).ToArray(), shape);
                offset += perRow * batch[i].Rows;
            }
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(results[i]);
        }
    }

    private void Withdraw(BatchRequest request)
    {
        lock (_gate)
        {
            if (request.Node is not null)
            {
                _queue.Remove(request.Node);
                request.Node = null;
            }
        }

        request.Completion.TrySetCanceled(request.CancellationToken);
    }

    private void Record(int requests)
    {
        lock (_gate)
        {
            _batchSizes[requests] = _batchSizes.GetValueOrDefault(requests) + 1;
        }
    }
}
