namespace FunctionsWorker.Inference;

/// <summary>Process-wide inference settings (section <c>Inference</c>).</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary><c>auto</c> (default), <c>cuda</c> or <c>cpu</c>.</summary>
    public InferenceDevice Device { get; set; } = InferenceDevice.Auto;

    /// <summary>Where fetched models are kept between restarts; a relative path is taken from the content root.</summary>
    public string ModelCacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "functions-worker-models");

    /// <summary>How often a long download logs its progress.</summary>
    public TimeSpan FetchProgressInterval { get; set; } = TimeSpan.FromSeconds(10);
}
