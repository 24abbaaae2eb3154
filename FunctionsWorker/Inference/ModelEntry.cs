namespace FunctionsWorker.Inference;

/// <summary>One catalog entry's mutable state inside the cache; every change and read goes through its lock.</summary>
internal sealed class ModelEntry(string name, ModelOptions options, ModelSource source)
{
    private readonly Lock _gate = new();
    private ModelState _state = ModelState.Pending;
    private string? _sha256 = options.Sha256?.ToLowerInvariant();
    private long? _bytes;
    private bool _fromCache;
    private bool _healed;
    private long? _fetchMs;
    private long? _verifyMs;
    private string? _path;
    private long? _loadMs;
    private int? _folded;
    private long? _warmupMs;
    private InferenceDevice? _device;
    private string? _error;
    private ModelRunner? _runner;
    private Queue<IReadOnlyDictionary<string, int[]>> _backgroundShapes = new();

    public string Name { get; } = name;

    public ModelOptions Options { get; } = options;

    public ModelSource Source { get; } = source;

    public ModelKind Kind { get; } = options.KindFor(source);

    /// <summary>The verified local file of a Ready <see cref="ModelKind.File"/> entry, else null.</summary>
    public string? ReadyFilePath
    {
        get
        {
            lock (_gate)
            {
                return _state == ModelState.Ready ? _path : null;
            }
        }
    }

    /// <summary>Failed in a way another attempt cannot fix (wrong content): warm-up retries skip it.</summary>
    public bool FailedPermanently { get; private set; }

    /// <summary>The runner once Ready; read without the lock on the hot path, hence volatile.</summary>
    public ModelRunner? Runner => Volatile.Read(ref _runner);

    public ModelState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public string? Error
    {
        get
        {
            lock (_gate)
            {
                return _error;
            }
        }
    }

    public void SetState(ModelState state)
    {
        lock (_gate)
        {
            _state = state;
            if (state is ModelState.Fetching or ModelState.Verifying)
            {
                _error = null;
                FailedPermanently = false;
            }
        }
    }

    public void SetStored(StoredModel stored, long fetchMs)
    {
        lock (_gate)
        {
            _sha256 = stored.Sha256;
            _bytes = stored.Bytes;
            _fromCache = stored.FromCache;
            _healed = stored.Healed;
            _verifyMs = stored.VerifyMs;
            _path = stored.Path;
            _fetchMs = fetchMs;
        }
    }

    public void SetLoaded(InferenceDevice device, long loadMs, int? folded)
    {
        lock (_gate)
        {
            _state = ModelState.Warming;
            _device = device;
            _loadMs = loadMs;
            _folded = folded;
        }
    }

    /// <param name="backgroundShapes">Shapes still to warm after ready, while the model is idle.</param>
    public void SetReady(ModelRunner runner, long warmupMs, IEnumerable<IReadOnlyDictionary<string, int[]>> backgroundShapes)
    {
        lock (_gate)
        {
            _warmupMs = warmupMs;
            _backgroundShapes = new Queue<IReadOnlyDictionary<string, int[]>>(backgroundShapes);
            _error = null;
            _state = ModelState.Ready;
            Volatile.Write(ref _runner, runner);
        }
    }

    /// <summary>The Ready runner and the next shape it should warm in the background; null when there is none.</summary>
    public (ModelRunner Runner, IReadOnlyDictionary<string, int[]> Shape)? NextBackgroundShape()
    {
        lock (_gate)
        {
            return _runner is { } runner && _backgroundShapes.TryPeek(out var shape) ? (runner, shape) : null;
        }
    }

    /// <summary>The shape from <see cref="NextBackgroundShape"/> has run; true when it was the last one.</summary>
    public bool BackgroundShapeWarmed()
    {
        lock (_gate)
        {
            _backgroundShapes.TryDequeue(out _);
            return _backgroundShapes.Count == 0;
        }
    }

    /// <summary>A file entry needs no session: verified and cached is ready.</summary>
    public void SetFileReady()
    {
        lock (_gate)
        {
            _error = null;
            _state = ModelState.Ready;
        }
    }

    public void SetFailed(string error, bool permanently)
    {
        lock (_gate)
        {
            _state = ModelState.Failed;
            _error = error;
            FailedPermanently = permanently;
        }
    }

    /// <summary>Takes the runner away for disposal; the model is no longer Ready.</summary>
    public ModelRunner? DetachRunner()
    {
        lock (_gate)
        {
            if (_state == ModelState.Ready)
            {
                _state = ModelState.Pending;
            }

            return Interlocked.Exchange(ref _runner, null);
        }
    }

    public ModelStatus ToStatus()
    {
        lock (_gate)
        {
            return new ModelStatus(
                Name, Kind, _state, Source.ToString(), _sha256, _bytes, _fromCache, _healed, _fetchMs, _verifyMs, _loadMs, _warmupMs, _device, _error,
                _runner is { Batching: true } runner ? runner.BatchSizes : null,
                _runner is null ? null : _backgroundShapes.Count,
                _folded);
        }
    }
}
