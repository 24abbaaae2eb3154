namespace FunctionsWorker.Inference;

/// <summary>One model's line in <c>/api/status</c>; durations in milliseconds, null until that step ran.</summary>
/// <param name="Sha256">The configured hash until the file is verified, then the verified one (computed for unpinned file sources).</param>
/// <param name="FromCache">The model came from a copy verified earlier, without reading the source again.</param>
/// <param name="Device">Where the session runs, once loaded.</param>
/// <param name="Error">Why the model is <see cref="ModelState.Failed"/>, in plain words.</param>
public sealed record ModelStatus(
    string Name,
    ModelState State,
    string Source,
    string? Sha256,
    long? Bytes,
    bool FromCache,
    long? FetchMs,
    long? LoadMs,
    long? WarmupMs,
    InferenceDevice? Device,
    string? Error);
