using Microsoft.ML.OnnxRuntime;
using FunctionsWorker.Errors;
using FunctionsWorker.Telemetry;

namespace FunctionsWorker.Inference;

/// <summary>
/// The only way to run a model: one per loaded model, it bounds concurrent runs on the device and queues the rest,
/// and, where the model has a dynamic batch axis, merges concurrent requests of the same shape into one run
/// (<see cref="DynamicBatcher"/>) without pipelines knowing.
/// </summary>
public sealed class ModelRunner : IDisposable
{
    /// <summary>How long disposal waits for runs in flight before releasing the session anyway.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    private readonly InferenceSession _session;
    private readonly SemaphoreSlim _slots;
    private readonly int _maxConcurrency;
    private readonly DynamicBatcher? _batcher;
    private readonly int _requestsPerSlot = 1;
    private int _callers;
    private int _disposed;

    // The idle run a job's arrival stops (jobs inside RunAsync, waiting or running, are _callers).
    private CancellationTokenSource? _idleRun;

    public ModelRunner(string name, InferenceSession session, int maxConcurrency)
        : this(name, session, maxConcurrency, BatchingSettings.Off, TimeProvider.System)
    {
    }

    /// <param name="batching">Applied only when every input and output has a dynamic first axis; otherwise runs stay single.</param>
    public ModelRunner(string name, InferenceSession session, int maxConcurrency, BatchingSettings batching, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        Name = name;
        _session = session;
        _maxConcurrency = maxConcurrency;
        _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        Inputs = session.InputMetadata.ToDictionary(p => p.Key, p => p.Value.Dimensions);
        Outputs = session.OutputMetadata.Keys.ToArray();
        var batchAxis = Inputs.Values.Concat(session.OutputMetadata.Values.Select(o => o.Dimensions)).All(d => d is [-1, ..]);
        if (batching.MaxBatchSize > 1 && batchAxis)
        {
            _batcher = new DynamicBatcher(RunOnSlotAsync, _slots, batching, timeProvider);
            _requestsPerSlot = batching.MaxBatchSize;
        }
    }

    public string Name { get; }

    /// <summary>Declared input shapes; -1 marks a dynamic dimension.</summary>
    public IReadOnlyDictionary<string, int[]> Inputs { get; }

    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Whether concurrent requests of one shape are merged into one run.</summary>
    public bool Batching => _batcher is not null;

    /// <summary>Whether a <see cref="TryRunWhenIdleAsync"/> run holds the device now.</summary>
    internal bool IdleRunInFlight => Volatile.Read(ref _idleRun) is not null && _slots.CurrentCount < _maxConcurrency && Volatile.Read(ref _callers) == 0;

    /// <summary>Runs so far by the number of requests merged into each (1: ran alone); empty when batching is off.</summary>
    public IReadOnlyDictionary<int, long> BatchSizes => _batcher?.BatchSizes ?? new Dictionary<int, long>();

    /// <summary>
    /// More callers are in <see cref="RunAsync"/> than the device runs at once (slots times the batch size, Triton's
    /// instance count times max batch): at least one waits, and another job that needs this model would only wait too.
    /// </summary>
    public bool Saturated => Volatile.Read(ref _callers) > _maxConcurrency * _requestsPerSlot;

    public async Task<IReadOnlyDictionary<string, TensorData>> RunAsync(
        IReadOnlyDictionary<string, TensorData> inputs, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        using var span = WorkerTelemetry.StartSpan("model " + Name);
        Interlocked.Increment(ref _callers);
        try
        {
            // A background warm-up run gives way: it stops at once instead of holding the device for its whole run.
            Volatile.Read(ref _idleRun)?.Cancel();
            if (_batcher is not null)
            {
                return await _batcher.RunAsync(inputs, cancellationToken).ConfigureAwait(false);
            }

            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await RunOnSlotAsync(inputs, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _callers);
        }
    }

    /// <summary>
    /// Runs <paramref name="inputs"/> at a priority below every job: only when no job is running or waiting for this
    /// model, and stopped (ONNX Runtime's terminate flag) as soon as one arrives, so a job waits at most for the stop.
    /// Returns false when the model was busy or the run gave way; the caller tries again later.
    /// </summary>
    public async Task<bool> TryRunWhenIdleAsync(IReadOnlyDictionary<string, TensorData> inputs, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        // Not disposed: a job may still call Cancel on it after this run ends, and it owns no timer or wait handle.
        var idleRun = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Published before the checks, so a job arriving meanwhile either is counted below or sees it and stops it.
        Interlocked.Exchange(ref _idleRun, idleRun);
        try
        {
            if (Volatile.Read(ref _callers) > 0 || _slots.CurrentCount < _maxConcurrency || !_slots.Wait(0, CancellationToken.None))
            {
                return false;
            }

            try
            {
                await RunOnSlotAsync(inputs, idleRun.Token).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            finally
            {
                _slots.Release();
            }
        }
        finally
        {
            Interlocked.CompareExchange(ref _idleRun, null, idleRun);
        }
    }

    /// <summary>One run; the caller holds a slot.</summary>
    private async Task<IReadOnlyDictionary<string, TensorData>> RunOnSlotAsync(
        IReadOnlyDictionary<string, TensorData> inputs, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();

        // ONNX Runtime's Run is synchronous and CPU/GPU bound: keep it off the caller's context.
        return await Task.Run(() => Run(inputs, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private Dictionary<string, TensorData> Run(IReadOnlyDictionary<string, TensorData> inputs, CancellationToken cancellationToken)
    {
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            var names = new List<string>(inputs.Count);
            foreach (var (name, tensor) in inputs)
            {
                names.Add(name);
                values.Add(OrtValue.CreateTensorValueFromMemory(tensor.Data, Array.ConvertAll(tensor.Shape, d => (long)d)));
            }

            using var options = new RunOptions();
            // A cancelled job (timeout, shutdown past grace) stops its run instead of holding the device to the end.
            using var terminate = cancellationToken.Register(() => options.Terminate = true);
            var started = TimeProvider.System.GetTimestamp();
            using var results = _session.Run(options, names, values, Outputs);
            WorkerTelemetry.ModelRun(Name, TimeProvider.System.GetElapsedTime(started), inputs.Values.FirstOrDefault()?.Shape is [var batch, _, ..] ? batch : null);
            var outputs = new Dictionary<string, TensorData>(Outputs.Count);
            for (var i = 0; i < Outputs.Count; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                outputs[Outputs[i]] = new TensorData(
                    results[i].GetTensorDataAsSpan<float>().ToArray(),
                    Array.ConvertAll(info.Shape, d => (int)d));
            }

            return outputs;
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new WorkerFaultException("inference-failed", $"Model '{Name}' failed to run: {ex.Message}", ex);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new WorkerFaultException("model-not-ready", $"Model '{Name}' is shutting down.");
        }
    }

    private static TimeSpan Remaining(long started)
    {
        var left = DrainTimeout - TimeProvider.System.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Releasing the native session under a run in flight would crash the process: take every slot first, so
        // running calls finish and queued ones see the flag. Bounded, because shutdown must not hang on a stuck run.
        var started = TimeProvider.System.GetTimestamp();
        var taken = 0;
        while (taken < _maxConcurrency && _slots.Wait(Remaining(started)))
        {
            taken++;
        }

        _session.Dispose();

        // Let callers still queued through: they see the flag and fail as a worker fault instead of waiting forever.
        // The semaphore itself is left to the GC: disposing it would fault those callers with ObjectDisposedException.
        if (taken > 0)
        {
            _slots.Release(taken);
        }
    }
}
