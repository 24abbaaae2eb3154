using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using FunctionsWorker.Errors;
using FunctionsWorker.Health;

namespace FunctionsWorker.Inference;

/// <summary>
/// The process-wide set of ONNX Runtime sessions, one <see cref="ModelRunner"/> per catalog model: each model is
/// fetched, verified, loaded once and warmed with a dummy run, then served until shutdown disposes it. File entries
/// (<see cref="ModelKind.File"/>) are fetched and verified the same way and handed out as local paths.
/// A model that fails is reported with its reason and the worker stays up.
/// </summary>
public sealed class ModelCache : IModelProvider, IInferenceLoad, IWarmupTask, IDisposable
{
    private readonly Dictionary<string, ModelEntry> _entries;
    private readonly ModelStore _store;
    private readonly ExecutionProviderSelector _devices;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ModelCache> _logger;
    private readonly IReadOnlyList<IModelWarmupShapes> _warmupShapes;

    // Serialises warm-up passes so a retry never loads a model twice; never disposed, it owns no wait handle.
    private readonly SemaphoreSlim _warmGate = new(1, 1);
    private int _disposed;

    // Internal: its collaborators are internal, so AddInference registers it through a factory.
    internal ModelCache(
        IOptions<ModelCatalogOptions> catalog,
        ModelStore store,
        ExecutionProviderSelector devices,
        TimeProvider timeProvider,
        ILogger<ModelCache> logger,
        IEnumerable<IModelWarmupShapes>? warmupShapes = null)
    {
        _warmupShapes = warmupShapes?.ToArray() ?? [];
        _store = store;
        _devices = devices;
        _timeProvider = timeProvider;
        _logger = logger;
        _entries = catalog.Value.Models.ToDictionary(
            model => model.Key,
            model => new ModelEntry(model.Key, model.Value, ModelSource.Parse(model.Value.Source)),
            StringComparer.OrdinalIgnoreCase);
    }

    public string Name => "models";

    /// <summary>True when every catalog model is warm (and so when the catalog is empty).</summary>
    public bool AllReady => _entries.Values.All(entry => entry.State == ModelState.Ready);

    /// <summary>Some loaded model's runner has callers waiting for it (a pipeline stage that is the bottleneck now).</summary>
    public bool Saturated => _entries.Values.Any(entry => entry.Runner is { Saturated: true });

    /// <summary>Requested and effective device, and why they differ.</summary>
    public DeviceStatus Device => _devices.Status;

    public ModelCacheSnapshot GetSnapshot()
    {
        var models = _entries.Values
            .OrderBy(entry => entry.Name, StringComparer.Ordinal)
            .Select(entry => entry.ToStatus())
            .ToArray();
        return new ModelCacheSnapshot(Device, models.All(model => model.State == ModelState.Ready), models);
    }

    public ModelRunner GetRunner(string modelName)
    {
        var entry = Find(modelName);
        if (entry.Kind != ModelKind.Onnx)
        {
            throw new WorkerFaultException(
                "model-not-configured", $"'{modelName}' is a file, not an ONNX model: set 'Models:{modelName}:Kind' to Onnx if it is one.");
        }

        if (entry.Runner is { } runner)
        {
            return runner;
        }

        throw NotReady(entry);
    }

    public string GetFilePath(string name)
    {
        var entry = Find(name);
        if (entry.Kind != ModelKind.File)
        {
            throw new WorkerFaultException(
                "model-not-configured", $"'{name}' is an ONNX model, not a file: set 'Models:{name}:Kind' to File if it is one.");
        }

        return entry.ReadyFilePath ?? throw NotReady(entry);
    }

    private ModelEntry Find(string name)
    {
        if (!_entries.TryGetValue(name, out var entry))
        {
            throw new WorkerFaultException(
                "model-not-configured", $"Model '{name}' is not in the catalog: set 'Models:{name}:Source'.");
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new WorkerFaultException("model-not-ready", $"Model '{name}' is not available: the worker is shutting down.");
        }

        return entry;
    }

    private static WorkerFaultException NotReady(ModelEntry entry)
    {
        var status = entry.ToStatus();
        return new WorkerFaultException(
            "model-not-ready",
            status.Error is null
                ? $"Model '{entry.Name}' is not ready yet ({status.State})."
                : $"Model '{entry.Name}' is not ready ({status.State}): {status.Error}");
    }

    /// <summary>
    /// Loads every model that is not Ready, in parallel, and completes only when all are Ready; otherwise throws
    /// with each model's reason so the warm-up service retries. A retry fetches again only models whose failure may
    /// pass (storage unreachable, blob not uploaded yet); a model with wrong content stays Failed until a restart.
    /// </summary>
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _warmGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var loads = _entries.Values
                .Where(entry => entry.Runner is null && !entry.FailedPermanently)
                .Select(entry => LoadAsync(entry, cancellationToken));
            await Task.WhenAll(loads).ConfigureAwait(false);
        }
        finally
        {
            _warmGate.Release();
        }

        var notReady = _entries.Values
            .Select(entry => entry.ToStatus())
            .Where(status => status.State != ModelState.Ready)
            .Select(status => $"{status.Name}: {status.Error ?? status.State.ToString()}")
            .ToList();
        if (notReady.Count > 0)
        {
            throw new WorkerFaultException("models-not-ready", $"{notReady.Count} model(s) not ready: {string.Join("; ", notReady)}");
        }
    }

    public void Dispose()
    {
        // Registered under several service types, so the container may call this more than once.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var entry in _entries.Values)
        {
            entry.DetachRunner()?.Dispose();
        }
    }

    private async Task LoadAsync(ModelEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await FetchAsync(entry, cancellationToken).ConfigureAwait(false);
            if (entry.Kind == ModelKind.File)
            {
                entry.SetFileReady();
                Log.FileReady(_logger, entry.Name, stored.Path, stored.FromCache, entry.ToStatus().FetchMs ?? 0);
                return;
            }

            entry.SetState(ModelState.Loading);
            var loadStarted = _timeProvider.GetTimestamp();
            var loaded = await Task.Run(() => CreateSession(entry, stored.Path), cancellationToken).ConfigureAwait(false);
            var runner = CreateRunner(entry, loaded.Session);
            entry.SetLoaded(loaded.Device, ElapsedMs(loadStarted), loaded.Folded);
            var (warmupMs, background) = await WarmUpAsync(entry, runner, cancellationToken).ConfigureAwait(false);
            entry.SetReady(runner, warmupMs, background);
            if (Volatile.Read(ref _disposed) != 0)
            {
                entry.DetachRunner()?.Dispose();
                return;
            }

            var status = entry.ToStatus();
            Log.ModelReady(_logger, entry.Name, loaded.Device, status.FromCache, status.FetchMs ?? 0, status.LoadMs ?? 0, warmupMs);
        }
        catch (ModelLoadException ex)
        {
            entry.SetFailed(ex.Message, permanently: !ex.Retryable);
            Log.ModelFailed(_logger, ex, entry.Name, ex.Retryable, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            entry.SetState(ModelState.Pending);
            throw;
        }
        catch (Exception ex)
        {
            // Anything else (disk full, access denied) is recorded on the model and retried by the next warm-up pass.
            var reason = $"{entry.Source}: {ex.GetType().Name}: {ex.Message}";
            entry.SetFailed(reason, permanently: false);
            Log.ModelFailed(_logger, ex, entry.Name, true, reason);
        }
    }

    private async Task<StoredModel> FetchAsync(ModelEntry entry, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var stored = await _store.GetAsync(entry.Name, entry.Source, entry.Kind, entry.Options.Sha256, entry.Options.Bytes, entry.SetState, cancellationToken)
            .ConfigureAwait(false);
        entry.SetStored(stored, ElapsedMs(started));
        return stored;
    }

    private (InferenceSession Session, InferenceDevice Device, int? Folded) CreateSession(ModelEntry entry, string path)
    {
        var device = _devices.Status;
        if (device.Effective is not { } effective)
        {
            // Inference:Device=cuda and CUDA cannot be used: the operator asked for the GPU, so no CPU session.
            throw new ModelLoadException("device-unavailable", device.Reason, retryable: false);
        }

        var model = Fold(entry, path, effective);
        if (effective == InferenceDevice.Cuda)
        {
            try
            {
                return (OpenSession(entry, model, InferenceDevice.Cuda), InferenceDevice.Cuda, model.Folds);
            }
            catch (OnnxRuntimeException cudaError) when (device.Requested == InferenceDevice.Cuda)
            {
                // Required: no fallback. Retryable, since a GPU short of memory now may have room at the next pass.
                throw new ModelLoadException(
                    "device-unavailable",
                    $"Inference:Device is cuda, but CUDA failed to start a session for {entry.Source}: {ExecutionProviderSelector.WithoutSourceLocation(cudaError.Message)}",
                    retryable: true,
                    cudaError);
            }
            catch (OnnxRuntimeException cudaError)
            {
                // auto: the provider loaded but could not start (no device, driver mismatch): if the same file opens
                // on CPU, the device is at fault and the whole process moves to CPU; otherwise the file is.
                var session = OpenSessionOnCpu(entry, model);
                _devices.FallBackToCpu(cudaError.Message);
                return (session, InferenceDevice.Cpu, model.Folds);
            }
        }

        return (OpenSessionOnCpu(entry, model), InferenceDevice.Cpu, model.Folds);
    }

    private InferenceSession OpenSessionOnCpu(ModelEntry entry, ModelFile model)
    {
        try
        {
            return OpenSession(entry, model, InferenceDevice.Cpu);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException(
                "model-invalid", $"{entry.Source}: ONNX Runtime cannot load the verified file: {ex.Message}", retryable: false, ex);
        }
    }

    private InferenceSession OpenSession(ModelEntry entry, ModelFile model, InferenceDevice device)
    {
        using var sessionOptions = _devices.CreateSessionOptions(entry.Options, device);
        return model.Bytes is { } bytes ? new InferenceSession(bytes, sessionOptions) : new InferenceSession(model.Path, sessionOptions);
    }

    /// <summary>The verified file with <see cref="GraphFolder"/>'s rewrites, if any.</summary>
    private ModelFile Fold(ModelEntry entry, string path, InferenceDevice device)
    {
        if (!entry.Options.FoldGraph || new FileInfo(path).Length > GraphFolder.MaxBytes)
        {
            return new ModelFile(path, null, null);
        }

        var started = _timeProvider.GetTimestamp();
        var bytes = File.ReadAllBytes(path);
        var (folded, folds) = GraphFolder.Fold(bytes, device);
        Log.GraphFolded(_logger, entry.Name, folds.ConvAffine, folds.HardSwish, folds.PointwiseAffine, folds.DepthwiseAffine, ElapsedMs(started));
        // Nothing folded: the bytes already read, so ONNX Runtime does not read the file again.
        return new ModelFile(path, folded ?? bytes, folds.Total);
    }

    /// <summary>A model file and, once read for folding, the bytes the session is built from (folded where anything folded).</summary>
    private readonly record struct ModelFile(string Path, byte[]? Bytes, int? Folds);

    private ModelRunner CreateRunner(ModelEntry entry, InferenceSession session)
    {
        try
        {
            return new ModelRunner(entry.Name, session, entry.Options.MaxConcurrency, entry.Options.Batching, _timeProvider);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Settles the model's most common shape (the first a pipeline declares, else one dummy shape): readiness waits
    /// only for that. Returns the time it took and the shapes left for <see cref="WarmInBackgroundAsync"/>.
    /// </summary>
    private async Task<(long WarmupMs, IReadOnlyList<IReadOnlyDictionary<string, int[]>> Background)> WarmUpAsync(
        ModelEntry entry, ModelRunner runner, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        try
        {
            var shapes = new List<IReadOnlyDictionary<string, int[]>>();
            foreach (var source in _warmupShapes)
            {
                shapes.AddRange(source.For(entry.Name, runner.Inputs));
            }

            if (shapes.Count == 0)
            {
                shapes.Add(runner.Inputs.ToDictionary(input => input.Key, input => WarmupInputs.Shape(input.Value)));
            }

            var runs = await SettleAsync(runner, WarmupInputs.Fill(shapes[0]), cancellationToken).ConfigureAwait(false);
            var warmupMs = ElapsedMs(started);
            Log.ModelWarmedUp(_logger, entry.Name, runs, shapes.Count - 1, warmupMs);
            return (warmupMs, shapes.Skip(1).ToArray());
        }
        catch (WorkerFaultException ex)
        {
            runner.Dispose();
            throw new ModelLoadException(
                "model-warmup-failed", $"{entry.Source}: the warm-up run failed: {ex.Message}", retryable: false, ex);
        }
        catch
        {
            runner.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Warms the shapes each Ready model has left, one run each, only while no job wants the model, until the worker
    /// stops: a model loaded again by a later warm-up pass brings its shapes back. Busy or interrupted, it waits
    /// <paramref name="idleDelay"/> and tries again.
    /// </summary>
    public async Task WarmInBackgroundAsync(TimeSpan idleDelay, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
        {
            var ran = false;
            foreach (var entry in _entries.Values)
            {
                if (entry.NextBackgroundShape() is not var (runner, shape))
                {
                    continue;
                }

                try
                {
                    if (!await runner.TryRunWhenIdleAsync(WarmupInputs.Fill(shape), cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }
                }
                catch (WorkerFaultException ex)
                {
                    // A shape the model rejects, or a runner shutting down: skip it, the jobs' own runs will tell.
                    Log.BackgroundWarmupRunFailed(_logger, ex, entry.Name, ex.Message);
                }

                ran = true;
                if (entry.BackgroundShapeWarmed())
                {
                    Log.ModelWarmedInBackground(_logger, entry.Name);
                }
            }

            if (!ran)
            {
                await Task.Delay(idleDelay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs one shape until two consecutive run times agree (or the cap); returns the number of runs.</summary>
    private async Task<int> SettleAsync(ModelRunner runner, Dictionary<string, TensorData> inputs, CancellationToken cancellationToken)
    {
        var previous = double.NaN;
        for (var run = 1; ; run++)
        {
            var started = _timeProvider.GetTimestamp();
            await runner.RunAsync(inputs, cancellationToken).ConfigureAwait(false);
            var elapsed = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
            if (run >= WarmupInputs.MaxRunsPerShape || (run > 1 && WarmupInputs.Settled(previous, elapsed)))
            {
                return run;
            }

            previous = elapsed;
        }
    }

    private long ElapsedMs(long started) => (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds;
}
