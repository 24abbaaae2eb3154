using Microsoft.ML.OnnxRuntime;

namespace FunctionsWorker.Inference;

/// <summary>One catalog entry (section <c>Models:&lt;name&gt;</c>): where the model comes from and how it runs.</summary>
public sealed class ModelOptions
{
    /// <summary><c>blob://&lt;container&gt;/&lt;path&gt;</c> in the AzureWebJobsStorage account, or <c>file://&lt;path&gt;</c>.</summary>
    public string? Source { get; set; }

    /// <summary>Expected SHA-256 of the file, 64 hex digits; required for blob sources.</summary>
    public string? Sha256 { get; set; }

    /// <summary>ONNX Runtime intra-op threads; null leaves ONNX Runtime's default (one per physical core).</summary>
    public int? IntraOpThreads { get; set; }

    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Runs of this model allowed at once on the device; the rest wait in the model's runner.</summary>
    public int MaxConcurrency { get; set; } = 1;
}
