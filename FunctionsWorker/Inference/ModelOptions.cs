using Microsoft.ML.OnnxRuntime;

namespace FunctionsWorker.Inference;

/// <summary>One catalog entry (section <c>Models:&lt;name&gt;</c>): where the model comes from and how it runs.</summary>
public sealed class ModelOptions
{
    /// <summary>
    /// <c>blob://&lt;container&gt;/&lt;path&gt;</c> in the AzureWebJobsStorage account, <c>file://&lt;path&gt;</c>,
    /// <c>https://&lt;url&gt;</c> (a SAS URL) or <c>http://</c> to a loopback host.
    /// </summary>
    public string? Source { get; set; }

    /// <summary>Expected SHA-256 of the file, 64 hex digits; required for every source but <c>file://</c>.</summary>
    public string? Sha256 { get; set; }

    /// <summary>
    /// The file's size in bytes, when known: a source that declares or sends more fails at once. Null: the cap is
    /// <c>Inference:MaxModelBytes</c>.
    /// </summary>
    public long? Bytes { get; set; }

    /// <summary><c>Onnx</c> or <c>File</c>; null infers it from the source: <c>.onnx</c> is a model, anything else a file.</summary>
    public ModelKind? Kind { get; set; }

    /// <summary>The kind in force: <see cref="Kind"/>, else inferred from the source's extension.</summary>
    internal ModelKind KindFor(ModelSource source) =>
        Kind ?? (string.Equals(source.Extension, ".onnx", StringComparison.OrdinalIgnoreCase) ? ModelKind.Onnx : ModelKind.File);

    /// <summary>ONNX Runtime intra-op threads; null leaves ONNX Runtime's default (one per physical core).</summary>
    public int? IntraOpThreads { get; set; }

    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// Whether exact rewrites that ONNX Runtime leaves undone (a scale and shift folded into a convolution, hard-swish
    /// as two nodes for four; <see cref="GraphFolder"/>) run on the file before its session is built. Files over
    /// <see cref="GraphFolder.MaxBytes"/> always load as they are.
    /// </summary>
    public bool FoldGraph { get; set; } = true;

    /// <summary>Runs of this model allowed at once on the device; the rest wait in the model's runner.</summary>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>
    /// Most rows one merged run carries when concurrent requests are batched (dynamic batching); 1 turns it off. Only
    /// applies to a model whose inputs and outputs all have a dynamic first (batch) axis; others always run alone.
    /// </summary>
    public int MaxBatchSize { get; set; } = 8;

    /// <summary>
    /// How long the oldest queued request waits for others to fill its batch once a device slot is free. Zero, as in
    /// Triton, merges only what queued while the device was busy, so a lone job never waits for company.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Batch sizes (rows) that run at once, without waiting out <see cref="MaxQueueDelay"/>; empty: only a full batch does.</summary>
    public int[] PreferredBatchSizes { get; set; } = [];

    /// <summary>The batching settings in force.</summary>
    internal BatchingSettings Batching => new(MaxBatchSize, MaxQueueDelay, PreferredBatchSizes.ToHashSet());
}
