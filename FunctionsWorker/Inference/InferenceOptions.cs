namespace FunctionsWorker.Inference;

/// <summary>Process-wide inference settings (section <c>Inference</c>).</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>
    /// <c>auto</c> (default: CUDA when usable, else CPU with the reason), <c>cuda</c> (the GPU is required: models
    /// fail rather than run on CPU) or <c>cpu</c>.
    /// </summary>
    public InferenceDevice Device { get; set; } = InferenceDevice.Auto;

    /// <summary>
    /// cuDNN's convolution algorithm search on CUDA. <c>Heuristic</c> by default: ONNX Runtime's own default, EXHAUSTIVE,
    /// benchmarks every algorithm again for each new input shape, and job images bring shapes of their own.
    /// </summary>
    public CudnnConvAlgoSearch CudnnConvAlgoSearch { get; set; } = CudnnConvAlgoSearch.Heuristic;

    /// <summary>Where fetched models are kept between restarts; a relative path is taken from the content root.</summary>
    public string ModelCacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "functions-worker-models");

    /// <summary>
    /// The largest model file fetched (<c>Inference:MaxModelBytes</c>) when its catalog entry declares no
    /// <c>Bytes</c>: a source that declares or sends more fails the model, so no source can fill the cache volume.
    /// </summary>
    public long MaxModelBytes { get; set; } = 4L << 30;

    /// <summary>
    /// A download that receives no byte for this long fails (<c>Inference:ModelDownloadIdleTimeout</c>), so a source
    /// that sends its headers and then stalls cannot hold warm-up forever. Idle time, not total time: a large model
    /// on a slow but moving link is never cut.
    /// </summary>
    public TimeSpan ModelDownloadIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a long download logs its progress.</summary>
    public TimeSpan FetchProgressInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a process waiting for another one's download of the same model checks its lock file.</summary>
    public TimeSpan CacheLockPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A temp download file unwritten this long is removed even when its owner's process id is alive.</summary>
    public TimeSpan StalePartialAge { get; set; } = TimeSpan.FromHours(1);
}
