using FunctionsWorker.Telemetry;

namespace FunctionsWorker.Pipelines;

/// <summary>What a pipeline gets for one job: the input bytes and the job's validated parameters.</summary>
public sealed class PipelineContext
{
    public required string JobId { get; init; }

    /// <summary>The input blob's name, for messages and content-type hints.</summary>
    public required string InputName { get; init; }

    public required BinaryData Input { get; init; }

    public required PipelineParameters Parameters { get; init; }

    /// <summary>Where the pipeline reports its stages; the job record keeps the latest (throttled).</summary>
    public IProgress<PipelineProgress>? Progress { get; init; }

    /// <summary>Turns the reported stages into stage spans and durations; null when the caller does not time them.</summary>
    public StageTimer? Stages { get; init; }

    public void Report(string stage, double fraction, string? message = null)
    {
        Stages?.Enter(stage);
        Progress?.Report(new PipelineProgress(stage, fraction, message));
    }
}
