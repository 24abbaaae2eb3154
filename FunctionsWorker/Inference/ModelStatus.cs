namespace FunctionsWorker.Inference;

/// <summary>One catalog entry's line in <c>/api/status</c>; durations in milliseconds, null until that step ran.</summary>
/// <param name="Kind">An ONNX model (loaded and warmed) or a plain file a pipeline reads.</param>
/// <param name="Sha256">The configured hash until the file is verified, then the verified one (computed for unpinned file sources).</param>
/// <param name="FromCache">The file came from a copy fetched earlier and hashed again now, without reading the source.</param>
/// <param name="Healed">A cached copy failed that check and was replaced from the source.</param>
/// <param name="VerifyMs">Time spent checking the file before use: hashing a cached copy, inspecting a fresh download.</param>
/// <param name="Device">Where the session runs, once loaded.</param>
/// <param name="Batches">Runs so far by the number of requests merged into each (dynamic batching); null when it is off.</param>
/// <param name="Error">Why the model is <see cref="ModelState.Failed"/>, in plain words.</param>
/// <param name="BackgroundShapesLeft">Input shapes still to warm after ready, in the background while the model is idle; null until Ready.</param>
/// <param name="Folded">Node groups the graph folding rewrote before the session was built (<c>Models:&lt;name&gt;:FoldGraph</c>); 0 when nothing folded, null when it did not run.</param>
public sealed record ModelStatus(
    string Name,
    ModelKind Kind,
    ModelState State,
    string Source,
    string? Sha256,
    long? Bytes,
    bool FromCache,
    bool Healed,
    long? FetchMs,
    long? VerifyMs,
    long? LoadMs,
    long? WarmupMs,
    InferenceDevice? Device,
    string? Error,
    IReadOnlyDictionary<int, long>? Batches = null,
    int? BackgroundShapesLeft = null,
    int? Folded = null);
